// The fuzzer's requests: fast-check arbitraries for recipes (what to send, as data), and their materialisation
// into real Requests. Format routes come from the contract table (CONTRACT_FORMATS: each format's real upload,
// download path and metadata path); the upload is captured as the contract adapter builds it, then mutated at
// the HTTP level. Management and Packages API routes come from MANAGEMENT_ROUTES below.
import fc from "fast-check";
import { CONTRACT_FORMATS } from "../contract/formats";
import type { Credential, PackageVersion } from "../contract/types";
import { BASE } from "../support/api";
import { captureRequest as capture } from "../support/capture";
import type { Corpus } from "./corpus";

// ---------------------------------------------------------------------------------------------- the world

export interface Seeded {
  v: PackageVersion;
  sha256: string;
}

/** What the fixture made: ids, credentials and one published version per format. */
export interface World {
  publicProject: number;
  privateProject: number;
  publicGroup: number;
  privateGroup: number;
  userId: number;
  packageIds: number[];
  fileIds: number[];
  credentials: Record<CredentialKind, Credential | null>;
  adminToken: string;
  seeded: Record<string, Seeded>;
  corpus: Corpus;
}

export const CREDENTIAL_KINDS = ["none", "maintainer", "deploy", "job", "unknown", "admin"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

// ---------------------------------------------------------------------------------------------- strings

/** Values that break naive parsers: path tricks, bad percent-encoding, control characters, huge and odd numbers. */
const NASTY = [
  "", ".", "..", "...", "%", "%0", "%00", "%zz", "%2e%2e", "%2E%2E%2F", "..%2f", "..%5c", "a/../b", "a/./b", "//", "\\",
  "\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\u2028", "\ufeff", "\ud800", "\uffff", " ", "a b", "a+b", "a?b", "a#b", "a;b", "a&b=c",
  "😀", "ä", "İ", "ﬀ", "a".repeat(256), "b".repeat(4100), "-1", "0", "-0", "1e309", "99999999999999999999", "9007199254740993", "NaN", "Infinity",
  "0x10", "1.5", "null", "true", "[]", "{}", "__proto__", "constructor", "prototype", "1.0.0", "1.0.0-rc.1+build.5", "v1.0.0", "01.0.0",
  "1.0.0.0.0.0", "@scope/x", "@", "@/", "x@1", "<script>alert(1)</script>", "'\";--", "$" + "{x}", "*", "?", "~", "latest", "-", "_", "CON", "nul",
];

export const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom("\u0000", "\u0007", "\r", "\n", "\t", "%", "/", ".", "a"), maxLength: 12 }) },
);
const saneName = fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/);
const maybeNasty = (sane: fc.Arbitrary<string>) => fc.oneof({ weight: 2, arbitrary: sane }, { weight: 3, arbitrary: nastyString });
const jsonNumber = fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e-308, 0.5), fc.double());
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, nastyString, jsonNumber, fc.boolean(), fc.constant(null), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(nastyString, tie("value"), { maxKeys: 3 })),
})).value;

// ---------------------------------------------------------------------------------------------- mutations

/** One change to a materialised request, at the HTTP level. */
export type Mutation =
  | { op: "truncate"; fraction: number }
  | { op: "append"; bytes: Uint8Array }
  | { op: "flip"; at: number; xor: number }
  | { op: "empty_body" }
  | { op: "length_lie"; value: string }
  | { op: "content_type"; value: string | null }
  | { op: "header"; name: string; value: string }
  | { op: "query"; pairs: [string, string][]; raw: boolean }
  | { op: "path_segment"; at: number; value: string; encode: boolean; replace: boolean }
  | { op: "method"; value: string }
  | { op: "stream"; chunk: number }
  | { op: "abort_stream"; after: number };

const HEADER_NAMES = ["content-type", "accept", "range", "if-none-match", "if-match", "if-modified-since", "authorization", "private-token", "job-token", "deploy-token", "x-nuget-apikey", "x-checksum-sha256", "x-checksum-sha1", "content-encoding", "transfer-encoding", "npm-command", "user-agent", "sudo", "x-fuzz"];
const CONTENT_TYPES = [
  "multipart/form-data", "multipart/form-data; boundary=", 'multipart/form-data; boundary="unterminated', "multipart/form-data; boundary=x; boundary=y", `multipart/form-data; boundary=${"z".repeat(300)}`,
  "application/json", "application/json; charset=utf-16", "application/x-www-form-urlencoded", "text/plain", "application/octet-stream", "*/*", ";;;", "\u0001",
];
const headerValue = fc.oneof(
  fc.constantFrom("bytes=0-0", "bytes=-1", "bytes=5-1", "bytes=0-", "bytes=99999999999999999999-", "bytes=0-1,2-3,4-5", "bytes=-0", "items=0-1", 'W/"x"', '"*"', "*", "Basic !!!!", "Basic Og==", "Bearer ", `Bearer ${"t".repeat(5000)}`, "gzip", "chunked", "\u0001\u0002", "a\u007fb", "é", "\u00ff"),
  fc.string({ maxLength: 40 }),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("truncate" as const), fraction: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
  fc.record({ op: fc.constant("append" as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant("empty_body" as const) }),
  fc.record({ op: fc.constant("length_lie" as const), value: fc.oneof(fc.constantFrom("0", "1", "-1", "abc", "99999999999999999999", "1e3", " 12", "12, 12", "4294967296"), fc.nat().map(String)) }),
  fc.record({ op: fc.constant("content_type" as const), value: fc.option(fc.constantFrom(...CONTENT_TYPES)) }),
  fc.record({ op: fc.constant("header" as const), name: fc.constantFrom(...HEADER_NAMES), value: headerValue }),
  fc.record({ op: fc.constant("query" as const), pairs: fc.array(fc.tuple(fc.constantFrom("page", "per_page", "sort", "order_by", "package_type", "package_name", "package_version", "include_versionless", "status", "q", "semver", "id", "prefix", "search"), maybeNasty(fc.constantFrom("1", "2", "asc", "npm", "x"))), { minLength: 1, maxLength: 4 }), raw: fc.boolean() }),
  fc.record({ op: fc.constant("path_segment" as const), at: fc.nat(), value: nastyString, encode: fc.boolean(), replace: fc.boolean() }),
  fc.record({ op: fc.constant("method" as const), value: fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS") }),
  fc.record({ op: fc.constant("stream" as const), chunk: fc.integer({ min: 1, max: 70_000 }) }),
  fc.record({ op: fc.constant("abort_stream" as const), after: fc.nat({ max: 100_000 }) }),
);

// ---------------------------------------------------------------------------------------------- recipes

export type Recipe =
  | { kind: "upload"; format: number; credential: CredentialKind; private: boolean; name: string; version: string; fileName: string; content: string; mutations: Mutation[] }
  | { kind: "read"; format: number; credential: CredentialKind; private: boolean; group: boolean; what: "download" | "metadata"; seeded: boolean; name: string; version: string; fileName: string; mutations: Mutation[] }
  | { kind: "api"; route: number; credential: CredentialKind; ids: string[]; body: ApiBody; mutations: Mutation[] };

export type ApiBody = { as: "none" } | { as: "json"; value: unknown } | { as: "form"; pairs: [string, string][] } | { as: "raw"; text: string; contentType: string | null };

/** Management and Packages API routes (`:x` are filled from ids). Routes that revoke the fuzzer's own access are left out. */
export const MANAGEMENT_ROUTES: [string, string][] = [
  ["GET", "/projects"], ["POST", "/projects"], ["GET", "/projects/:project"], ["PUT", "/projects/:project"],
  ["GET", "/groups"], ["POST", "/groups"], ["GET", "/groups/:group"], ["PUT", "/groups/:group"], ["GET", "/groups/:group/packages"],
  ["GET", "/groups/:group/projects"], ["GET", "/groups/:group/subgroups"], ["GET", "/namespaces"],
  ["GET", "/personal_access_tokens"], ["GET", "/personal_access_tokens/:n"], ["GET", "/personal_access_tokens/self"],
  ["GET", "/user"], ["GET", "/users"], ["GET", "/users/:user"], ["POST", "/users"], ["PUT", "/users/:user"], ["POST", "/users/:user/personal_access_tokens"],
  ["GET", "/projects/:project/job_tokens"], ["POST", "/projects/:project/job_tokens"],
  ["GET", "/projects/:project/packages"], ["GET", "/projects/:project/packages/:package"], ["GET", "/projects/:project/packages/:package/package_files"],
  ["GET", "/projects/:project/packages/:package/pipelines"], ["DELETE", "/projects/:project/packages/:package"],
  ["DELETE", "/projects/:project/packages/:package/package_files/:file"],
  ["GET", "/projects/:project/deploy_tokens"], ["POST", "/projects/:project/deploy_tokens"], ["GET", "/groups/:group/deploy_tokens"], ["POST", "/groups/:group/deploy_tokens"],
  ["GET", "/projects/:project/members"], ["POST", "/projects/:project/members"], ["GET", "/groups/:group/members"], ["POST", "/groups/:group/members"],
  ["GET", "/projects/:project/packages/cleanup_policy"], ["PUT", "/projects/:project/packages/cleanup_policy"], ["GET", "/projects/:project/packages/cleanup_policy/preview"],
  ["POST", "/projects/:project/packages/cleanup_policy/run"], ["GET", "/projects/:project/storage"], ["PUT", "/projects/:project/storage"], ["GET", "/groups/:group/storage"],
  ["PUT", "/groups/:group/storage"], ["POST", "/projects/:project/packages/package_files/bulk_delete"], ["GET", "/application/storage"],
];
const API_KEYS = ["name", "path", "visibility", "namespace_id", "parent_id", "description", "scopes", "expires_at", "access_level", "user_id", "username", "email", "password", "admin", "package_settings", "ref", "sha", "pipeline_id", "packages_enabled", "keep_n_duplicated_package_files", "rules", "packages_size_limit", "immutable_versions", "ids", "npm_package_requests_forwarding", "maven_duplicates_allowed", "maven_duplicate_exception_regex", "generic_duplicates_allowed", "page", "per_page"];

const idArb = (real: fc.Arbitrary<string>) => fc.oneof({ weight: 4, arbitrary: real }, { weight: 2, arbitrary: fc.constantFrom("0", "-1", "1.5", "1e3", "99999999999999999999", "9007199254740993", "abc", "%00", "%zz", "a%2Fb", "") }, { weight: 1, arbitrary: nastyString });

const apiBody: fc.Arbitrary<ApiBody> = fc.oneof(
  fc.constant({ as: "none" as const }),
  fc.record({ as: fc.constant("json" as const), value: fc.oneof({ weight: 4, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...API_KEYS), nastyString), jsonValue, { maxKeys: 6 }) }, { weight: 1, arbitrary: jsonValue }) }),
  fc.record({ as: fc.constant("form" as const), pairs: fc.array(fc.tuple(fc.constantFrom(...API_KEYS), nastyString), { maxLength: 6 }) }),
  fc.record({ as: fc.constant("raw" as const), text: fc.oneof(fc.constantFrom('{"name":', "{", "[", "null", '{"scopes":[1,2', '{"name":"\\ud800"}', "\u0000", '{"a":1}{"b":2}', `{"n":${"[".repeat(3000)}}`), fc.string({ maxLength: 60 })), contentType: fc.option(fc.constantFrom(...CONTENT_TYPES)) }),
);

export function recipeArb(world: World): fc.Arbitrary<Recipe> {
  const formats = CONTRACT_FORMATS.length;
  const contents = Object.keys(world.corpus);
  const credential = fc.constantFrom(...CREDENTIAL_KINDS);
  const mutations = fc.array(mutationArb, { maxLength: 3 });
  const upload = fc.record({
    kind: fc.constant("upload" as const),
    format: fc.nat({ max: formats - 1 }),
    credential,
    private: fc.boolean(),
    name: maybeNasty(saneName),
    version: maybeNasty(fc.constantFrom("1.0.0", "2.3.4", "0.0.1-beta.1")),
    fileName: maybeNasty(fc.constant("")),
    content: fc.oneof({ weight: 3, arbitrary: fc.constant("valid") }, { weight: 4, arbitrary: fc.constantFrom(...contents) }, { weight: 1, arbitrary: fc.constant("random") }),
    mutations,
  });
  const read = fc.record({
    kind: fc.constant("read" as const),
    format: fc.nat({ max: formats - 1 }),
    credential,
    private: fc.boolean(),
    group: fc.boolean(),
    what: fc.constantFrom("download" as const, "metadata" as const),
    seeded: fc.boolean(),
    name: maybeNasty(saneName),
    version: maybeNasty(fc.constant("1.0.0")),
    fileName: maybeNasty(fc.constant("")),
    mutations,
  });
  const ids = {
    project: idArb(fc.constantFrom(String(world.publicProject), String(world.privateProject))),
    group: idArb(fc.constantFrom(String(world.publicGroup), String(world.privateGroup))),
    user: idArb(fc.constant(String(world.userId))),
    package: idArb(fc.constantFrom(...world.packageIds.map(String), "1")),
    file: idArb(fc.constantFrom(...world.fileIds.map(String), "1")),
    n: idArb(fc.constantFrom("1", "2", "3")),
  };
  const api = fc
    .record({
      kind: fc.constant("api" as const),
      route: fc.nat({ max: MANAGEMENT_ROUTES.length - 1 }),
      credential,
      ids: fc.tuple(ids.project, ids.group, ids.user, ids.package, ids.file, ids.n),
      body: apiBody,
      mutations,
    })
    .map((r) => ({ ...r, ids: [...r.ids] }));
  return fc.oneof({ weight: 5, arbitrary: upload }, { weight: 4, arbitrary: read }, { weight: 3, arbitrary: api });
}

// ---------------------------------------------------------------------------------------------- materialising

export interface Wire {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array | null;
  /** Send the body as a stream of chunks of this size (no Content-Length from the runtime). */
  streamChunk?: number;
  /** Error the body stream after this many bytes (a client that goes away mid-upload). */
  abortAfter?: number;
}

const enc = new TextEncoder();

/** `list[i]`, which the recipe's bounds guarantee. */
function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined) throw new Error(`no entry ${i}`);
  return value;
}

/** encodeURIComponent, except that a lone surrogate becomes the (invalid UTF-8) bytes of one. */
const encodeLoosely = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[\ud800-\udfff]/g, "%ED%A0%80").replace(/[^%\w.~-]/gu, (ch) => encodeURIComponent(ch));
  }
};

async function wireOf(request: Request): Promise<Wire> {
  const body = request.body ? new Uint8Array(await request.arrayBuffer()) : null;
  return { method: request.method, url: request.url, headers: [...request.headers.entries()], body };
}

function credentialHeaders(world: World, kind: CredentialKind, format: number | null): Record<string, string> {
  if (kind === "admin") return { "PRIVATE-TOKEN": world.adminToken };
  const credential = world.credentials[kind];
  if (format === null) return credential ? { [credential.kind === "job" ? "JOB-TOKEN" : credential.kind === "deploy" ? "Deploy-Token" : "PRIVATE-TOKEN"]: credential.token } : {};
  return at(CONTRACT_FORMATS, format).credentials(credential);
}

/** A file body for an upload recipe: the format's own valid file, a corpus entry or random bytes. */
async function contentOf(world: World, recipe: Extract<Recipe, { kind: "upload" }>, v: PackageVersion, seed: number): Promise<Uint8Array> {
  const format = at(CONTRACT_FORMATS, recipe.format);
  const unique = enc.encode(`fuzz bytes ${recipe.name} ${recipe.version} ${seed}`);
  if (recipe.content === "valid") return format.fileFor ? format.fileFor(v, unique).catch(() => unique) : unique;
  if (recipe.content === "random") {
    const bytes = new Uint8Array(1 + (seed % 3000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = (seed * 31 + i * 17) & 0xff;
    return bytes;
  }
  return world.corpus[recipe.content] ?? new Uint8Array(0);
}

function apiWire(world: World, recipe: Extract<Recipe, { kind: "api" }>): Wire {
  const [method, template] = at(MANAGEMENT_ROUTES, recipe.route);
  const [project = "", group = "", user = "", pkg = "", file = "", n = ""] = recipe.ids;
  const path = template.replace(":project", project).replace(":group", group).replace(":user", user).replace(":package", pkg).replace(":file", file).replace(":n", n);
  const headers: [string, string][] = Object.entries(credentialHeaders(world, recipe.credential, null));
  let body: Uint8Array | null = null;
  const b = recipe.body;
  if (b.as === "json") {
    headers.push(["content-type", "application/json"]);
    body = enc.encode(JSON.stringify(b.value) ?? "null");
  } else if (b.as === "form") {
    headers.push(["content-type", "application/x-www-form-urlencoded"]);
    body = enc.encode(b.pairs.map(([k, v]) => `${k}=${encodeLoosely(v)}`).join("&"));
  } else if (b.as === "raw") {
    if (b.contentType) headers.push(["content-type", b.contentType]);
    body = enc.encode(b.text);
  }
  return { method, url: `${BASE}/api/v4${path}`, headers, body };
}

/** Turn a recipe into what goes on the wire (null: the adapter refused to build it, e.g. a name no URL can hold). */
export async function materialise(world: World, recipe: Recipe, index: number): Promise<Wire | null> {
  let wire: Wire;
  if (recipe.kind === "api") {
    wire = apiWire(world, recipe);
  } else {
    const format = at(CONTRACT_FORMATS, recipe.format);
    const projectId = recipe.private ? world.privateProject : world.publicProject;
    const groupId = recipe.private ? world.privateGroup : world.publicGroup;
    const headers = credentialHeaders(world, recipe.credential, recipe.format);
    const seeded = world.seeded[format.packageType];
    try {
      if (recipe.kind === "upload") {
        const base = format.packageVersion(recipe.name, recipe.version);
        const v = { ...base, fileName: recipe.fileName || base.fileName };
        const bytes = await contentOf(world, recipe, v, index);
        wire = await wireOf(await capture(() => format.upload(projectId, v, bytes, headers)));
      } else {
        const base = recipe.seeded && seeded ? seeded.v : format.packageVersion(recipe.name, recipe.version);
        const v = recipe.seeded ? base : { ...base, fileName: recipe.fileName || base.fileName };
        const level = recipe.group && format.groupLevel ? { kind: "group" as const, id: groupId } : { kind: "project" as const, id: projectId };
        const path = recipe.what === "metadata" && format.metadata ? format.metadata.path(level, v) : format.downloadPath(level, v, seeded?.sha256 ?? "0".repeat(64));
        const extra = recipe.what === "metadata" && format.metadata ? format.metadata.headers : {};
        wire = { method: "GET", url: `${BASE}${path}`, headers: Object.entries({ ...headers, ...extra }), body: null };
      }
    } catch {
      return null; // the adapter (or the Request constructor) refused these inputs: nothing a client could send
    }
  }
  try {
    for (const m of recipe.mutations) wire = mutate(wire, m);
  } catch {
    return null; // a URL no client could form
  }
  return wire;
}

function setHeader(wire: Wire, name: string, value: string | null): Wire {
  const headers = wire.headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase());
  if (value !== null) headers.push([name, value]);
  return { ...wire, headers };
}

export function mutate(wire: Wire, m: Mutation): Wire {
  const body = wire.body ?? new Uint8Array(0);
  switch (m.op) {
    case "truncate":
      return { ...wire, body: body.subarray(0, Math.floor(body.byteLength * m.fraction)) };
    case "append": {
      const out = new Uint8Array(body.byteLength + m.bytes.byteLength);
      out.set(body);
      out.set(m.bytes, body.byteLength);
      return { ...wire, body: out };
    }
    case "flip": {
      if (body.byteLength === 0) return wire;
      const out = body.slice();
      const i = m.at % out.byteLength;
      out[i] = (out[i] ?? 0) ^ m.xor;
      return { ...wire, body: out };
    }
    case "empty_body":
      return { ...wire, body: new Uint8Array(0) };
    case "length_lie":
      return setHeader(wire, "content-length", m.value);
    case "content_type":
      return setHeader(wire, "content-type", m.value);
    case "header":
      return { ...wire, headers: [...wire.headers, [m.name, m.value]] };
    case "query": {
      const url = new URL(wire.url);
      const extra = m.pairs.map(([k, v]) => `${k}=${m.raw ? v : encodeLoosely(v)}`).join("&");
      return { ...wire, url: `${url.origin}${url.pathname}?${url.search ? `${url.search.slice(1)}&` : ""}${extra}&${extra}` };
    }
    case "path_segment": {
      const url = new URL(wire.url);
      const segments = url.pathname.split("/");
      const at = 1 + (m.at % Math.max(1, segments.length - 1));
      const value = m.encode ? encodeLoosely(m.value) : m.value;
      segments.splice(at, m.replace ? 1 : 0, value);
      return { ...wire, url: `${url.origin}${segments.join("/")}${url.search}` };
    }
    case "method":
      return { ...wire, method: m.value };
    case "stream":
      return { ...wire, streamChunk: m.chunk };
    case "abort_stream":
      return { ...wire, abortAfter: m.after };
  }
}

/** The Request for a wire (null when the runtime refuses to build it: a header with NUL, CR or LF, a bad method). */
export function requestOf(wire: Wire): Request | null {
  try {
    const headers = new Headers();
    for (const [k, v] of wire.headers) headers.append(k, v);
    const hasBody = wire.body !== null && wire.method !== "GET" && wire.method !== "HEAD";
    let body: BodyInit | null = hasBody ? wire.body : null;
    if (hasBody && (wire.streamChunk || wire.abortAfter !== undefined)) {
      const bytes = wire.body as Uint8Array;
      const chunk = wire.streamChunk ?? 16_384;
      const stop = wire.abortAfter === undefined ? Number.POSITIVE_INFINITY : Math.min(wire.abortAfter, bytes.byteLength);
      let offset = 0;
      body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= stop && stop !== Number.POSITIVE_INFINITY) return controller.error(new Error("the client went away"));
          if (offset >= bytes.byteLength) return controller.close();
          const end = Math.min(offset + chunk, bytes.byteLength, stop);
          controller.enqueue(bytes.slice(offset, end));
          offset = end;
        },
      });
    }
    return new Request(wire.url, { method: wire.method, headers, body });
  } catch {
    return null;
  }
}

/** The wire as a curl-like description, enough to send it again (bodies over 4 KiB are summarised with their digest). */
export async function describe(wire: Wire): Promise<string> {
  const lines = [`${wire.method} ${wire.url}`, ...wire.headers.map(([k, v]) => `${k}: ${JSON.stringify(v)}`)];
  if (wire.streamChunk) lines.push(`(body streamed in chunks of ${wire.streamChunk} bytes)`);
  if (wire.abortAfter !== undefined) lines.push(`(body stream errors after ${wire.abortAfter} bytes)`);
  if (wire.body) {
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", wire.body))].map((b) => b.toString(16).padStart(2, "0")).join("");
    lines.push(`body: ${wire.body.byteLength} bytes, sha256 ${digest}`);
    if (wire.body.byteLength <= 4096) lines.push(`body (base64): ${btoa(String.fromCharCode(...wire.body))}`);
  }
  return lines.join("\n  ");
}
