// Packyard's management of request forwarding (docs/forwarding.md), beside GitLab's settings:
//   GET    /application/package_cache[?package_type=&search=]          kept copies per name (administrators)
//   DELETE /application/package_cache?package_type=npm[&name=…]         forget kept copies (administrators)
//   GET|PUT /groups/:id/packages/forwarding_rules                        allow/deny patterns (the group's Owner)
//   GET    /projects/:id/packages/reserved_names                         names reserved against forwarding (Maintainer)
//   DELETE /projects/:id/packages/reserved_names/:package_type/:name      release one once no version is left (Maintainer)
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { callerRoleOf } from "../core/accounts";
import { AppError } from "../core/errors";
import { listCachedNames, listReservations, purgeCached, releaseReservation } from "../core/forwarding/admin";
import { invalidDuplicatePattern } from "../core/publish/duplicates";
import { FORWARDING_FORMATS } from "../core/settings/package-settings";
import { getSettingsChain, updateNamespacePackageSettings } from "../core/settings/store";
import { authorizeGroupRead, roleOnNamespace } from "../core/tenancy";
import { requireAdmin, requireUser } from "./current-actor";
import { readPage, setPaginationHeaders } from "./pagination";
import { parseBody, parseQuery } from "./validate";

const packageType = z.enum(FORWARDING_FORMATS);

const pattern = z.string().superRefine((value, ctx) => {
  const problem = invalidDuplicatePattern(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const forwardingRoutes = new Hono<AppEnv>();

forwardingRoutes.get("/application/package_cache", async (c) => {
  requireAdmin(c, false);
  const query = parseQuery(c, z.object({ package_type: packageType.optional(), search: z.string().max(255).optional() }).passthrough());
  const page = readPage(c);
  const { total, names } = await listCachedNames(c.var.registry.db, { packageType: query.package_type, search: query.search, limit: page.perPage, offset: page.offset });
  setPaginationHeaders(c, page, total);
  return c.json(names.map((n) => ({ package_type: n.packageType, name: n.name, files: n.files, size: n.size, fetched_at: n.fetchedAt.toISOString() })));
});

forwardingRoutes.delete("/application/package_cache", async (c) => {
  requireAdmin(c, true);
  const query = parseQuery(c, z.object({ package_type: packageType, name: z.string().min(1).max(512).optional() }).passthrough());
  const dropped = await purgeCached(c.var.registry.db, query.package_type, query.name);
  return c.json({ package_type: query.package_type, name: query.name ?? null, files_removed: dropped });
});

const rulesJson = (settings: { package_requests_forwarding_allow_regex: string; package_requests_forwarding_deny_regex: string }) => ({
  package_requests_forwarding_allow_regex: settings.package_requests_forwarding_allow_regex,
  package_requests_forwarding_deny_regex: settings.package_requests_forwarding_deny_regex,
});

async function ownedGroup(c: Context<AppEnv>, write: boolean) {
  requireUser(c, write);
  const { db, actor, roles } = c.var.registry;
  const group = await authorizeGroupRead(db, actor, c.req.param("id") ?? "", roles);
  if (callerRoleOf(actor, roleOnNamespace(await roles(), group)) < ACCESS_LEVELS.owner) throw new AppError("forbidden");
  return group;
}

forwardingRoutes.get("/groups/:id/packages/forwarding_rules", async (c) => {
  const group = await ownedGroup(c, false);
  return c.json(rulesJson((await getSettingsChain(c.var.registry.db, group)).chain.at(-1)!));
});

forwardingRoutes.put("/groups/:id/packages/forwarding_rules", async (c) => {
  const group = await ownedGroup(c, true);
  const body = await parseBody(c, z.object({ package_requests_forwarding_allow_regex: pattern, package_requests_forwarding_deny_regex: pattern }).partial().strict());
  const outcome = await updateNamespacePackageSettings(c.var.registry.db, group, body);
  if (!outcome.ok) throw new AppError("bad_request", `400 Bad request - ${outcome.errors.join(", ")}`);
  return c.json(rulesJson(outcome.settings.chain.at(-1)!));
});

forwardingRoutes.get("/projects/:id/packages/reserved_names", async (c) => {
  const ctx = await c.var.registry.authorize(c.req.param("id"), "destroy_package");
  const rows = await listReservations(c.var.registry.db, ctx.project.id);
  return c.json(rows.map((r) => ({ package_type: r.packageType, name: r.name, published: r.published, created_at: r.createdAt.toISOString() })));
});

forwardingRoutes.delete("/projects/:id/packages/reserved_names/:package_type/:name{.+}", async (c) => {
  const ctx = await c.var.registry.authorize(c.req.param("id"), "destroy_package");
  const type = packageType.safeParse(c.req.param("package_type"));
  if (!type.success) throw new AppError("not_found", "404 Reserved name Not Found");
  await releaseReservation(c.var.registry.db, ctx.project.id, type.data, decodeURIComponent(c.req.param("name")));
  return c.body(null, 204);
});
