// How pages load what they show through the same policy as the API, turning every refusal a viewer may
// not learn about into a 404 (never leaking a private project's or group's existence).
import { AppError } from "../core/errors";
import { allows, authorizeProject, canReadGroup, getNamespaceByRef, type ProjectContext } from "../core/tenancy";
import type { PackageAction } from "../core/auth/policy";
import type { UiRequest } from "./context";

/** A project the viewer may do `action` on; 404 otherwise, 403 only when they may see that the registry is off. */
export async function loadProjectPage(ui: UiRequest, projectPath: string, action: PackageAction): Promise<ProjectContext> {
  try {
    return await authorizeProject(ui.db, ui.actor, projectPath, action);
  } catch (error) {
    if (error instanceof AppError && error.code === "registry_disabled") throw error;
    if (error instanceof AppError && (error.code === "unauthorized" || error.code === "not_found" || error.code === "forbidden")) {
      throw new AppError("not_found", "Page not found");
    }
    throw error;
  }
}

export async function loadGroupPage(ui: UiRequest, groupPath: string) {
  const group = await getNamespaceByRef(ui.db, groupPath, "group");
  if (!group || !(await canReadGroup(ui.db, ui.actor, group))) throw new AppError("not_found", "Page not found");
  return group;
}

export { allows };
