// How pages load what they show through the same policy as the API, turning every refusal a viewer may
// not learn about into a 404 (never leaking a private project's or group's existence).
import { AppError } from "../core/errors";
import { allows, type ProjectContext } from "../core/tenancy";
import type { PackageAction } from "../core/auth/policy";
import type { ReadScope } from "../core/registry";
import type { UiRequest } from "./context";

/** A project the viewer may do `action` on; 404 otherwise, 403 only when they may see that the registry is off. */
export async function loadProjectPage(ui: UiRequest, projectPath: string, action: PackageAction): Promise<ProjectContext> {
  return ui.registry.authorize(projectPath, action).catch(asPageNotFound);
}

/** A group and its projects whose packages the viewer may read; 404 when the viewer may not see the group. */
export async function loadGroupPage(ui: UiRequest, groupPath: string): Promise<ReadScope & { namespace: NonNullable<ReadScope["namespace"]> }> {
  const scope = await ui.registry.readScope({ kind: "group", ref: groupPath }).catch(asPageNotFound);
  if (!scope.namespace) throw new AppError("not_found", "Page not found");
  return { ...scope, namespace: scope.namespace };
}

function asPageNotFound(error: unknown): never {
  if (error instanceof AppError && error.code === "registry_disabled") throw error;
  if (error instanceof AppError && (error.code === "unauthorized" || error.code === "not_found" || error.code === "forbidden")) {
    throw new AppError("not_found", "Page not found");
  }
  throw error;
}

export { allows };
