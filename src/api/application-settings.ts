// GET|PUT /api/v4/application/settings (administrators): the instance's package request forwarding
// settings, GitLab's fields of the same names. The other fields of GitLab's settings have no meaning here.
// Spec: GitLab doc/api/settings.md, lib/api/settings.rb; docs/forwarding.md.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { getInstanceForwarding, updateInstanceForwarding } from "../core/settings/store";
import { requireAdmin } from "./current-actor";
import { booleanish, parseBody } from "./validate";

const updateSchema = z
  .object({
    npm_package_requests_forwarding: booleanish,
    lock_npm_package_requests_forwarding: booleanish,
    pypi_package_requests_forwarding: booleanish,
    lock_pypi_package_requests_forwarding: booleanish,
    maven_package_requests_forwarding: booleanish,
    lock_maven_package_requests_forwarding: booleanish,
  })
  .partial();

export const applicationSettingsRoutes = new Hono<AppEnv>();

applicationSettingsRoutes.get("/application/settings", async (c) => {
  requireAdmin(c, false);
  return c.json(await getInstanceForwarding(c.var.registry.db));
});

applicationSettingsRoutes.put("/application/settings", async (c) => {
  requireAdmin(c, true);
  const body = await parseBody(c, updateSchema);
  return c.json(await updateInstanceForwarding(c.var.registry.db, body));
});
