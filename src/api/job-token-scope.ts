// GitLab's CI/CD job token scope API (Maintainers): whether other projects' job tokens need this project's
// allowlist, and the allowlists of projects and groups. A job token reads another project's packages only when
// that project's allowlist lets its project (or a group above it) in (src/core/auth/policy.ts).
// Spec: GitLab doc/api/project_job_token_scopes.md.
// GET    /projects/:id/job_token_scope                                → {inbound_enabled, outbound_enabled}
// PATCH  /projects/:id/job_token_scope {enabled}                      → 204
// GET    /projects/:id/job_token_scope/allowlist                      → [project]
// POST   /projects/:id/job_token_scope/allowlist {target_project_id}  → 201 {source_project_id, target_project_id}
// DELETE /projects/:id/job_token_scope/allowlist/:target_project_id   → 204
// GET    /projects/:id/job_token_scope/groups_allowlist               → [{id, web_url, name}]
// POST   /projects/:id/job_token_scope/groups_allowlist {target_group_id} → 201 {source_project_id, target_group_id}
// DELETE /projects/:id/job_token_scope/groups_allowlist/:target_group_id  → 204
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { addToAllowlist, allowlistPage, removeFromAllowlist, setJobTokenScope } from "../core/accounts";
import { authorizeGroupRead } from "../core/tenancy";
import { loadAdministeredContainer } from "./containers";
import { originOf } from "./current-actor";
import { readPage, setPaginationHeaders } from "./pagination";
import { projectJson } from "./serializers";
import { parseBody } from "./validate";

const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());
const id = z.coerce.number().int().positive();

export const jobTokenScopeRoutes = new Hono<AppEnv>();

jobTokenScopeRoutes.get("/projects/:id/job_token_scope", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"), ACCESS_LEVELS.maintainer, "read");
  if (container.kind !== "projects") throw new Error("unreachable");
  return c.json({ inbound_enabled: container.project.project.ciJobTokenScopeEnabled, outbound_enabled: false });
});

jobTokenScopeRoutes.patch("/projects/:id/job_token_scope", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  const body = await parseBody(c, z.object({ enabled: bool }));
  await setJobTokenScope(c.var.registry.db, container.source.id, body.enabled);
  return c.body(null, 204);
});

jobTokenScopeRoutes.get("/projects/:id/job_token_scope/allowlist", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"), ACCESS_LEVELS.maintainer, "read");
  const page = readPage(c);
  const list = await allowlistPage(c.var.registry.db, container.source.id, "project", page.perPage, page.offset);
  setPaginationHeaders(c, page, list.total);
  return c.json(list.projects.map((r) => projectJson(originOf(c), r.project, r.namespace)));
});

jobTokenScopeRoutes.post("/projects/:id/job_token_scope/allowlist", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  const body = await parseBody(c, z.object({ target_project_id: id }));
  // The caller must see the project they let in (404 otherwise, as for any project they cannot read).
  const target = await c.var.registry.authorize(String(body.target_project_id), "read_project");
  await addToAllowlist(c.var.registry.db, container.source.id, "project", target.project.id, container.caller.userId);
  return c.json({ source_project_id: container.source.id, target_project_id: target.project.id }, 201);
});

// `.on("DELETE")` rather than `.delete`: table writes are found by grepping for drizzle's write methods.
jobTokenScopeRoutes.on("DELETE", "/projects/:id/job_token_scope/allowlist/:target_project_id{[0-9]+}", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  await removeFromAllowlist(c.var.registry.db, container.source.id, "project", Number(c.req.param("target_project_id")));
  return c.body(null, 204);
});

jobTokenScopeRoutes.get("/projects/:id/job_token_scope/groups_allowlist", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"), ACCESS_LEVELS.maintainer, "read");
  const page = readPage(c);
  const list = await allowlistPage(c.var.registry.db, container.source.id, "group", page.perPage, page.offset);
  setPaginationHeaders(c, page, list.total);
  return c.json(list.groups.map((g) => ({ id: g.id, web_url: `${originOf(c)}/groups/${g.fullPath}`, name: g.name })));
});

jobTokenScopeRoutes.post("/projects/:id/job_token_scope/groups_allowlist", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  const body = await parseBody(c, z.object({ target_group_id: id }));
  const registry = c.var.registry;
  const group = await authorizeGroupRead(registry.db, registry.actor, String(body.target_group_id), registry.roles);
  await addToAllowlist(registry.db, container.source.id, "group", group.id, container.caller.userId);
  return c.json({ source_project_id: container.source.id, target_group_id: group.id }, 201);
});

jobTokenScopeRoutes.on("DELETE", "/projects/:id/job_token_scope/groups_allowlist/:target_group_id{[0-9]+}", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  await removeFromAllowlist(c.var.registry.db, container.source.id, "group", Number(c.req.param("target_group_id")));
  return c.body(null, 204);
});
