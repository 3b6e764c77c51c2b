// Cargo's writes at project level: publish (framed JSON + .crate, the .crate streamed into R2) and yank /
// unyank, each one commit through the crate's coordinator. Owners follow the project's members, so
// `cargo owner --add/--remove` is refused with a pointer to them.
// Spec: https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish, #yank, #unyank, #owners-add
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError, badRequest } from "../../core/errors";
import type { StoredBlob } from "../../core/blobs";
import { projectOf } from "../../http/access";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { FramedBody } from "./framing";
import { versionMetadata } from "./metadata";
import { normalizeCrateName } from "./names";
import { parsePublishMetadata, type PublishedCrate } from "./parse";
import { PLANNERS } from "./planners";
import { CARGO, crateFileName } from "./reads";

/** The JSON part holds the README as text: generous, but held in memory, so capped. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

const targetOf = (c: Context<AppEnv>, name: string) => ({ projectId: projectOf(c).project.id, packageType: CARGO, name, normalizedName: normalizeCrateName(name) });

// cargo publish --registry acme (token sent up front as `Authorization: <token>`):
//   GET index/config.json → GET index/<path> (404 for a new crate) → PUT {api}/api/v1/crates/new
//     body: u32le n, n bytes of JSON, u32le m, m bytes of .crate
//   ← 200 {"warnings": …}; then cargo polls the index file until the version shows (it already does).
export async function publishCrate(c: Context<AppEnv>): Promise<Response> {
  const registry = c.var.registry;
  const declared = declaredLength(c); // 413 above the limit before a byte is read
  if (!c.req.raw.body) throw badRequest("400 Bad request - the publish body is empty");
  const body = new FramedBody(c.req.raw.body);
  let blob: StoredBlob | null = null;
  try {
    const crate = await readMetadata(body);
    const crateLength = await body.u32("the .crate length");
    if (declared !== null && declared !== 8 + crate.jsonLength + crateLength) throw badRequest("400 Bad request - the body length does not match its length prefixes");
    if (crateLength === 0) throw badRequest("400 Bad request - the .crate file is empty");
    const maxBytes = maxUploadBytes(c);
    if (crateLength > maxBytes) throw new AppError("payload_too_large", `413 File is too large: the limit is ${maxBytes} bytes`);
    // The index `cksum` is the sha256, which every blob has: no other digest is kept.
    blob = await registry.putBlob(body.rest(crateLength), { contentLength: crateLength, maxBytes, contentType: "application/gzip", digests: [] });
    const stored = blob;
    blob = null; // from here the commit owns the blob (a refused commit discards it)
    const { name, version } = crate.parsed;
    await registry.commit(targetOf(c, name), [
      { kind: "plan", planner: PLANNERS.publishGuard, input: { name, version } },
      {
        kind: "publish",
        version,
        files: [{ blob: stored, fileName: crateFileName(name, version) }],
        duplicates: { kind: "reject_version" },
        metadata: versionMetadata(crate.parsed),
      },
    ]);
  } catch (error) {
    await body.cancel();
    if (blob) await registry.discardBlob(blob);
    throw error;
  }
  return c.json({ warnings: { invalid_categories: [], invalid_badges: [], other: [] } }, 200);
}

async function readMetadata(body: FramedBody): Promise<{ parsed: PublishedCrate; jsonLength: number }> {
  const jsonLength = await body.u32("the metadata length");
  if (jsonLength > MAX_JSON_BYTES) throw new AppError("payload_too_large", `413 The publish metadata is larger than ${MAX_JSON_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(await body.bytes(jsonLength, "the metadata")));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw badRequest("400 Bad request - the publish metadata is not JSON");
  }
  return { parsed: parsePublishMetadata(raw), jsonLength };
}

// cargo yank --registry acme --version 1.0.0 crate    → DELETE {api}/api/v1/crates/crate/1.0.0/yank
// cargo yank --undo --registry acme --version 1.0.0 crate → PUT {api}/api/v1/crates/crate/1.0.0/unyank
//   ← 200 {"ok": true}; the version stays in the index (`"yanked": true`) and downloadable for lock files.
export function setYanked(yanked: boolean) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const name = c.req.param("name") ?? "";
    const version = c.req.param("version") ?? "";
    await c.var.registry.commit(targetOf(c, name), [{ kind: "plan", planner: PLANNERS.yank, input: { name, version, yanked } }]);
    return c.json({ ok: true }, 200);
  };
}

// cargo owner --add/--remove: PUT/DELETE {api}/api/v1/crates/{crate}/owners {"users": [...]}
export async function changeOwners(): Promise<Response> {
  throw badRequest("owners of a crate are the members of its project: add or remove project members (Developer publishes, Maintainer yanks)");
}
