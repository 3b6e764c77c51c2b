// Helpers for the Terraform module workerd tests: a top-level group with a project and its Developer, and the
// requests curl (upload) and terraform (registry protocol, archive without credentials) send.
import { addMember, call, createGroup, createProject, createUser, unique } from "../../support/api";

export { call };

export async function seedModuleProject(projectExtra: Record<string, unknown> = { visibility: "private" }, groupExtra: Record<string, unknown> = { visibility: "private" }) {
  const group = await createGroup(unique("tf").toLowerCase(), groupExtra);
  const project = await createProject(group.id, projectExtra);
  const developer = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  return { group: group as { id: number; path: string; full_path: string }, project: project as { id: number; path_with_namespace: string }, developer };
}

export const uploadPath = (projectId: number | string, name: string, system: string, version: string) =>
  `/api/v4/projects/${projectId}/packages/terraform/modules/${name}/${system}/${version}/file`;

export const v1 = (namespace: string | number, name: string, system: string) => `/api/v4/packages/terraform/modules/v1/${namespace}/${name}/${system}`;

export const projectModule = (projectId: number | string, name: string, system: string) => `/api/v4/projects/${projectId}/packages/terraform/modules/${name}/${system}`;

/** curl --upload-file: the archive with its length and a PRIVATE-TOKEN (or the headers given). */
export function upload(path: string, body: string | Uint8Array, init: { token?: string; headers?: Record<string, string> } = {}) {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return call(path, { method: "PUT", token: init.token, body: bytes, headers: { "content-length": String(bytes.byteLength), ...(init.headers ?? {}) } });
}

/** terraform's registry requests: the token from a credentials block as Bearer. */
export function terraformGet(path: string, token?: string, method: "GET" | "HEAD" = "GET") {
  return call(path, { method, headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: "manual" });
}

/** The X-Terraform-Get of a download answer, resolved against the request as terraform resolves it. */
export function archiveUrl(res: Response): URL {
  const location = res.headers.get("x-terraform-get");
  if (!location) throw new Error(`no X-Terraform-Get (status ${res.status})`);
  return new URL(location, "http://packyard.test/");
}

/** go-getter's fetch of the archive URL: `archive=` stripped, no credentials. */
export function fetchArchive(url: URL, method: "GET" | "HEAD" = "GET") {
  const copy = new URL(url);
  copy.searchParams.delete("archive");
  return call(`${copy.pathname}${copy.search}`, { method });
}

/** An archive's bytes as text (the test archives are short strings served as application/octet-stream). */
export const archiveText = async (res: Response) => new TextDecoder().decode(await res.arrayBuffer());
