// Test helpers: call the Worker as a client would, and seed users, groups, projects and tokens through
// the management API (never by writing rows directly), so tests exercise the same paths users do.
import { exports } from "cloudflare:workers";

export const ADMIN_TOKEN = "test-admin-token";
export const BASE = "http://packyard.test";

export function call(path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("PRIVATE-TOKEN", init.token);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return (exports as unknown as { default: { fetch: (r: Request) => Promise<Response> } }).default.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }));
}

export async function ok<T = any>(response: Response | Promise<Response>, status?: number): Promise<T> {
  const res = await response;
  const text = await res.text();
  if (status !== undefined ? res.status !== status : !res.ok) throw new Error(`expected ${status ?? "2xx"}, got ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

export async function createUser(username = unique("user")) {
  const user = await ok(call("/api/v4/users", { method: "POST", token: ADMIN_TOKEN, json: { username, name: username, password: "password123" } }), 201);
  const pat = await ok(call(`/api/v4/users/${user.id}/personal_access_tokens`, { method: "POST", token: ADMIN_TOKEN, json: { name: "t", scopes: ["api"] } }), 201);
  return { ...user, token: pat.token as string };
}

export async function createPersonalToken(userId: number, scopes: string[], extra: Record<string, unknown> = {}) {
  const pat = await ok(call(`/api/v4/users/${userId}/personal_access_tokens`, { method: "POST", token: ADMIN_TOKEN, json: { name: "t", scopes, ...extra } }), 201);
  return pat.token as string;
}

export async function createGroup(path = unique("group"), extra: Record<string, unknown> = {}, token = ADMIN_TOKEN) {
  return ok(call("/api/v4/groups", { method: "POST", token, json: { name: path, path, visibility: "public", ...extra } }), 201);
}

export async function createProject(namespaceId: number, extra: Record<string, unknown> = {}, token = ADMIN_TOKEN) {
  const path = unique("proj");
  return ok(call("/api/v4/projects", { method: "POST", token, json: { name: path, path, namespace_id: namespaceId, ...extra } }), 201);
}

export async function addMember(kind: "projects" | "groups", id: number, userId: number, accessLevel: number) {
  return ok(call(`/api/v4/${kind}/${id}/members`, { method: "POST", token: ADMIN_TOKEN, json: { user_id: userId, access_level: accessLevel } }), 201);
}

export async function createDeployToken(kind: "projects" | "groups", id: number, scopes: string[]) {
  const body = await ok(call(`/api/v4/${kind}/${id}/deploy_tokens`, { method: "POST", token: ADMIN_TOKEN, json: { name: "d", scopes } }), 201);
  return body as { id: number; token: string; username: string };
}

export async function createJobToken(projectId: number, userToken: string, extra: Record<string, unknown> = {}) {
  const body = await ok(call(`/api/v4/projects/${projectId}/job_tokens`, { method: "POST", token: userToken, json: { ref: "main", sha: "abc123", ...extra } }), 201);
  return body as { token: string; pipeline_id: number };
}

export function basic(username: string, password: string) {
  return `Basic ${btoa(`${username}:${password}`)}`;
}
