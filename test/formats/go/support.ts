// Builds module zips for the Go workerd tests (Deflate entries, as golang.org/x/mod/zip writes them, with the
// shared zip writer) and sends them to the project's Go proxy.
import { call } from "../../support/api";
import { makeZip, type ZipInput } from "../../support/zip-writer";

export { makeZip };

/** The zip `go mod download` would store for a small module: go.mod (unless null) and one Go file. */
export function moduleZip(modulePath: string, version: string, options: { goMod?: string | null; extra?: ZipInput[]; source?: string } = {}): Promise<Uint8Array> {
  const prefix = `${modulePath}@${version}/`;
  const files: ZipInput[] = [];
  const goMod = options.goMod === undefined ? `module ${modulePath}\n\ngo 1.19\n` : options.goMod;
  if (goMod !== null) files.push({ name: `${prefix}go.mod`, data: goMod });
  files.push({ name: `${prefix}hello.go`, data: options.source ?? `package hello\n\n// Version is ${version}.\nconst Version = "${version}"\n` });
  files.push(...(options.extra ?? []));
  return makeZip(files);
}

export const escapePath = (text: string) => text.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
export const goBase = (projectId: number | string) => `/api/v4/projects/${projectId}/packages/go`;

export function uploadZip(projectId: number, modulePath: string, version: string, bytes: Uint8Array, headers: Record<string, string>) {
  return call(`${goBase(projectId)}/${escapePath(modulePath)}/@v/${escapePath(version)}.zip`, { method: "PUT", body: bytes, headers });
}

export function proxyGet(projectId: number, rest: string, headers: Record<string, string> = {}) {
  return call(`${goBase(projectId)}/${rest}`, { headers });
}
