// NuGet routes at project (`/projects/:id/packages/nuget`) and group (`/groups/:id/-/packages/nuget`) level. One
// catch-all per level hands the raw rest of the path to `parseNugetPath` (v2 paths such as
// `Packages(Id='A',Version='1.0')` fit no router syntax); the table below declares, per endpoint and method,
// the access the dispatcher resolves before the handler runs.
// Spec: gitlab-spec.md §4; client sequences above the handlers (push.ts, v2-reads.ts) and in docs/formats/nuget.md.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import type { PackageAction } from "../../core/auth/policy";
import { AppError } from "../../core/errors";
import type { ReadScope } from "../../core/registry";
import { parseNugetPath, type NugetEndpoint } from "./paths";
import { deletePackage, pushPackage, pushSymbolPackage } from "./push";
import { getSymbolFile } from "./symbols";
import { serviceIndex, type Urls } from "./v3-documents";
import { getFlatFile, getFlatVersions, getRegistrationIndex, getRegistrationLeaf, getRegistrationPage, jsonResponse, search } from "./v3-reads";
import { entryUrlsFor, getCollection, getDownload, getEntry, getMetadataDocument, getServiceDocument } from "./v2-reads";

const MARKER = "/packages/nuget";

type Level = { kind: "project"; ref: string } | { kind: "group"; ref: string };
type Kind = NugetEndpoint["kind"];
type Method = "GET" | "PUT" | "DELETE";

interface Request<K extends Kind = Kind> {
  level: Level;
  endpoint: Extract<NugetEndpoint, { kind: K }>;
  /** `…/packages/nuget` as the client called it: documents reuse it, so clients stay on one level. */
  base: string;
  /** Set for `read` routes. */
  scope: ReadScope;
}

/**
 * - public: no credentials and no lookup (the v3 service index and the v2 metadata document depend on the URL
 *   only, so they answer alike for every `:id` and reveal nothing; `dotnet nuget push --api-key` reads the index first)
 * - read: the read scope of the level (group level: anonymous callers are asked to sign in, as GitLab does)
 * - write: the project, on which the caller may do the action
 */
type Access = { kind: "public" } | { kind: "read" } | { kind: "write"; action: PackageAction };

interface Route<K extends Kind> {
  access: Access;
  /** Levels the endpoint exists at (GitLab: search and metadata at group level, the rest per project). */
  group?: boolean;
  handle: (c: Context<AppEnv>, request: Request<K>) => Response | Promise<Response>;
}

const PUBLIC: Access = { kind: "public" };
const READ: Access = { kind: "read" };
const write = (action: PackageAction): Access => ({ kind: "write", action });

const urlsOf = (c: Context<AppEnv>, request: Pick<Request, "level" | "base">): Urls => ({
  base: request.base,
  download: (projectId) => (request.level.kind === "project" ? `${request.base}/download` : `${new URL(c.req.url).origin}/api/v4/projects/${projectId}/packages/nuget/download`),
});

const ROUTES: { [K in Kind]: Partial<Record<Method, Route<K>>> } = {
  root: { PUT: { access: write("create_package"), handle: (c) => pushPackage(c) } },
  service_index: { GET: { access: PUBLIC, group: true, handle: (_c, r) => jsonResponse(serviceIndex(r.base, r.level.kind)) } },
  search: { GET: { access: READ, group: true, handle: (c, r) => search(c, r.scope, urlsOf(c, r)) } },
  registration_index: { GET: { access: READ, group: true, handle: (c, r) => getRegistrationIndex(c, r.scope, urlsOf(c, r), r.endpoint) } },
  registration_page: { GET: { access: READ, group: true, handle: (c, r) => getRegistrationPage(c, r.scope, urlsOf(c, r), r.endpoint) } },
  registration_leaf: { GET: { access: READ, group: true, handle: (c, r) => getRegistrationLeaf(c, r.scope, urlsOf(c, r), r.endpoint) } },
  flat_versions: { GET: { access: READ, handle: (c, r) => getFlatVersions(c, r.scope, r.endpoint) } },
  flat_file: { GET: { access: READ, handle: (c, r) => getFlatFile(c, r.scope, r.endpoint) } },
  symbol_package: { PUT: { access: write("create_package"), handle: (c) => pushSymbolPackage(c) } },
  symbol_file: { GET: { access: READ, group: true, handle: (c, r) => getSymbolFile(c, r.scope, r.endpoint) } },
  package: { DELETE: { access: write("destroy_package"), handle: (c, r) => deletePackage(c, r.endpoint.id, r.endpoint.version) } },
  v2_root: {
    // Not public (GitLab's is): NuGet 2.x keeps the credentials it needed for this first request and sends them
    // with every later feed request, which it never retries after a 401.
    GET: { access: READ, handle: (c, r) => getServiceDocument(c, r.scope, `${r.base}/v2`) },
    PUT: { access: write("create_package"), handle: (c) => pushPackage(c) },
  },
  v2_metadata: { GET: { access: PUBLIC, handle: () => getMetadataDocument() } },
  v2_collection: { GET: { access: READ, handle: (c, r) => getCollection(c, r.scope, entryUrlsFor(r.base), r.endpoint) } },
  v2_entry: { GET: { access: READ, handle: (c, r) => getEntry(c, r.scope, entryUrlsFor(r.base), r.endpoint) } },
  v2_download: { GET: { access: READ, handle: (c, r) => getDownload(c, r.scope, r.endpoint) } },
  v2_package: { DELETE: { access: write("destroy_package"), handle: (c, r) => deletePackage(c, r.endpoint.id, r.endpoint.version) } },
};

export const nugetRoutes = new Hono<AppEnv>();
nugetRoutes.all(`/projects/:id${MARKER}`, (c) => dispatch(c, { kind: "project", ref: c.req.param("id") }));
nugetRoutes.all(`/projects/:id${MARKER}/*`, (c) => dispatch(c, { kind: "project", ref: c.req.param("id") }));
nugetRoutes.all(`/groups/:id/-${MARKER}/*`, (c) => dispatch(c, { kind: "group", ref: c.req.param("id") }));

async function dispatch(c: Context<AppEnv>, level: Level): Promise<Response> {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf(MARKER);
  const endpoint = parseNugetPath(url.pathname.slice(at + MARKER.length));
  if (!endpoint) throw new AppError("not_found", "404 Not Found");
  const method = c.req.method === "HEAD" ? "GET" : c.req.method;
  const route = (ROUTES[endpoint.kind] as Partial<Record<string, Route<Kind>>>)[method];
  if (!route) throw new AppError(Object.keys(ROUTES[endpoint.kind]).length > 0 ? "method_not_allowed" : "not_found", `405 Method Not Allowed - ${c.req.method} is not supported here`);
  if (level.kind === "group" && !route.group) throw new AppError("not_found", "404 Not Found - this NuGet endpoint exists at project level only");
  const request = { level, endpoint, base: `${url.origin}${url.pathname.slice(0, at + MARKER.length)}` } as Request;
  await applyAccess(c, request, route.access);
  return route.handle(c, request);
}

async function applyAccess(c: Context<AppEnv>, request: Request, access: Access): Promise<void> {
  const registry = c.var.registry;
  if (access.kind === "public") return;
  if (access.kind === "write") {
    c.set("project", await registry.authorize(request.level.ref, access.action));
    return;
  }
  // NuGet clients send credentials only after a challenge, so a group feed never answers anonymously (GitLab).
  if (request.level.kind === "group" && c.var.registry.isAnonymous) throw new AppError("unauthorized", "401 Unauthorized");
  request.scope = await registry.readScope(request.level);
  c.set("scope", request.scope);
}
