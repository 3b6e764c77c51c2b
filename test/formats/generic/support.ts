// Helpers for the Generic workerd tests: a project with a developer, a reporter and tokens, and
// requests to the Generic endpoints (bodies as strings with their length, or as chunked streams).
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../../src/app";
import { addMember, BASE, call, createGroup, createProject, createUser } from "../../support/api";

export { call };

export async function seedProject(projectExtra: Record<string, unknown> = { visibility: "private" }, groupExtra: Record<string, unknown> = {}) {
  const group = await createGroup(undefined, groupExtra);
  const project = await createProject(group.id, projectExtra);
  const developer = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  return { group, project, developer };
}

export const genericPath = (projectId: number | string, name: string, version: string, file: string) =>
  `/api/v4/projects/${projectId}/packages/generic/${name}/${version}/${file}`;

/** PUT a string body with its Content-Length, as curl --upload-file does. */
export function putText(path: string, text: string, init: { token?: string; headers?: Record<string, string> } = {}) {
  const bytes = new TextEncoder().encode(text);
  return call(path, { method: "PUT", token: init.token, body: bytes, headers: { "content-length": String(bytes.byteLength), ...(init.headers ?? {}) } });
}

/** A body without a known length (Transfer-Encoding: chunked). */
export function chunkedStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Call the app with overridden variables (e.g. a small MAX_UPLOAD_BYTES). */
export async function callWithVars(vars: Record<string, string>, path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("PRIVATE-TOKEN", init.token);
  const ctx = createExecutionContext();
  const response = await createApp().fetch(new Request(`${BASE}${path}`, { ...init, headers, duplex: "half" } as RequestInit), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Deterministic pseudo-random bytes (incompressible enough, reproducible). */
export function bytesOf(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
