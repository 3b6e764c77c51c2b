// Helpers for the Helm workerd tests: a project with a developer and a reporter, and the requests helm and
// helm cm-push send (Basic auth with the token as password, a chunked multipart upload).
import { addMember, basic, call, createGroup, createProject, createUser } from "../../support/api";
import { multipart } from "./charts";

export { call };

export async function seedProject(visibility: "private" | "public" = "private") {
  const group = await createGroup(undefined, { visibility });
  const project = await createProject(group.id, { visibility });
  const developer = await createUser();
  const reporter = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  await addMember("projects", project.id, reporter.id, 20);
  return { group, project, developer, reporter };
}

export const helmBase = (projectId: number | string) => `/api/v4/projects/${projectId}/packages/helm`;

export const basicAuth = (user: { username: string; token: string }) => ({ Authorization: basic(user.username, user.token) });

/** Go's http client sends the form with no Content-Length (a chunked body), as helm cm-push does. */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 3000));
      offset += 3000;
    },
  });
}

export function uploadChart(
  projectId: number | string,
  channel: string,
  files: { chart?: Uint8Array; prov?: string | Uint8Array; chartName?: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  const parts: { name: string; filename?: string; data: Uint8Array | string }[] = [];
  if (files.chart) parts.push({ name: "chart", filename: files.chartName ?? "/tmp/helm-push-1234/chart.tgz", data: files.chart });
  if (files.prov !== undefined) parts.push({ name: "prov", filename: "chart.tgz.prov", data: files.prov });
  const { body, contentType } = multipart(parts);
  return call(`${helmBase(projectId)}/api/${channel}/charts`, {
    method: "POST",
    body: chunked(body),
    headers: { "content-type": contentType, ...headers },
    duplex: "half",
  } as RequestInit);
}

export function getIndex(projectId: number | string, channel: string, headers: Record<string, string> = {}) {
  return call(`${helmBase(projectId)}/${channel}/index.yaml`, { headers });
}
