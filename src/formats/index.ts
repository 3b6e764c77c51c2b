// Every format the registry serves. A format is one folder; register its module here (one line).
import { registerPlanners } from "../core/publish/planners";
import type { ExpiringFiles } from "../core/expiring-files";
import type { CommitTarget } from "../core/publish/types";
import type { ProjectContext } from "../core/registry";
import type { FormatModule, InternalPackage } from "./format";
import { mavenFormat } from "./maven";
import { genericFormat } from "./generic";
import { pypiFormat } from "./pypi";
import { npmFormat } from "./npm";
import { cargoFormat } from "./cargo";
import { helmFormat } from "./helm";
import { composerFormat } from "./composer";
import { terraformFormat } from "./terraform";
import { goFormat } from "./go";
import { rubygemsFormat } from "./rubygems";
import { nugetFormat } from "./nuget";
import { conanFormat } from "./conan";
import { debianFormat } from "./debian";

export const FORMATS: FormatModule[] = [
  genericFormat,
  mavenFormat,
  pypiFormat,
  npmFormat,
  cargoFormat,
  helmFormat,
  composerFormat,
  terraformFormat,
  goFormat,
  rubygemsFormat,
  nugetFormat,
  conanFormat,
  debianFormat,
];

for (const format of FORMATS) registerPlanners(format.planners ?? {});

/** Where a write to this stored package commits (its format's coordinator, or the project's). */
export function commitTargetOf(project: ProjectContext, pkg: { packageType: string; name: string; normalizedName: string }): CommitTarget {
  const custom = formatOf(pkg.packageType)?.commitTarget;
  return custom ? custom(project, pkg.name) : { projectId: project.project.id, packageType: pkg.packageType, name: pkg.name, normalizedName: pkg.normalizedName };
}

/** Every format's bookkeeping packages (FormatModule.internalPackages), with their package type. */
export const INTERNAL_PACKAGES: readonly (InternalPackage & { packageType: string })[] = FORMATS.flatMap((f) => (f.internalPackages ?? []).map((p) => ({ ...p, packageType: f.packageType })));

/** Bookkeeping packages whose files expire (src/core/expiring-files.ts, run by the cron trigger). */
export const EXPIRING_FILES: readonly ExpiringFiles[] = FORMATS.filter((f) => !f.commitTarget).flatMap((f) =>
  (f.internalPackages ?? []).flatMap((p) => (p.filesExpireAfterSeconds ? [{ packageType: f.packageType, normalizedName: p.normalizedName, status: p.status, afterSeconds: p.filesExpireAfterSeconds }] : [])),
);

/** Whether a stored package row is one of a format's bookkeeping packages. */
export const isInternalPackage = (pkg: { packageType: string; normalizedName: string; status: string }) =>
  INTERNAL_PACKAGES.some((p) => p.packageType === pkg.packageType && p.normalizedName === pkg.normalizedName && p.status === pkg.status);

/** The format that stores packages of this `package_type`, if it is served. */
export function formatOf(packageType: string): FormatModule | undefined {
  return FORMATS.find((f) => f.packageType === packageType);
}
