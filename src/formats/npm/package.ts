// One npm package name across the projects of a read scope (the newest package per version wins), and
// the commit target every npm write uses: one coordinator per top-level namespace and name.
// Spec: ../shared/reference/gitlab-spec.md §1 "Naming rules" (group/instance: newest wins), §0.3 (npm duplicates).
import { newestPerVersion, type PackageWithFiles, type ProjectContext, type ProjectSet, type Registry } from "../../core/registry";
import type { CommitTarget } from "../../core/publish/types";
import type { VersionRecord } from "./metadata";

export const PACKAGE_TYPE = "npm";

export interface NamedPackage {
  versions: VersionRecord[];
  rows: PackageWithFiles[];
  /** tag → version, only tags pointing at the chosen rows */
  tags: Map<string, string>;
}

/** Every installable version of `name` in these projects, newest package per version, with its tags (two queries). */
export async function getNamedPackage(registry: Registry, where: ProjectSet, name: string): Promise<NamedPackage> {
  const [all, tagRows] = await Promise.all([registry.versions(where, PACKAGE_TYPE, name), registry.tags(where, PACKAGE_TYPE, name)]);
  const rows = newestPerVersion(all);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const tags = new Map<string, { version: string; at: number }>();
  for (const { tag, packageId } of tagRows) {
    const row = byId.get(packageId);
    if (!row) continue;
    const current = tags.get(tag);
    if (!current || row.createdAt.getTime() > current.at) tags.set(tag, { version: row.version, at: row.createdAt.getTime() });
  }
  return { rows, versions: rows.map(toVersionRecord), tags: new Map([...tags].map(([tag, v]) => [tag, v.version])) };
}

/** The row of the most recently published version (group/instance writes go to its project). */
export function newestRow(pkg: NamedPackage): PackageWithFiles | undefined {
  return [...pkg.rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)[0];
}

function toVersionRecord(row: PackageWithFiles): VersionRecord {
  const file = row.files.find((f) => f.fileName.endsWith(".tgz")) ?? row.files[0];
  return {
    version: row.version,
    manifest: row.metadata ?? {},
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    file: file ? { fileName: file.fileName, sha1: file.sha1, sha512: file.sha512 } : null,
  };
}

/**
 * Every npm write of `name` in this project. The coordinator is keyed by the top-level namespace, not the
 * project, so two publishes of one name in two projects of `@acme` queue behind each other and the
 * root-namespace uniqueness check (uniqueInRootNamespace) cannot race. Deletes from the Packages API and the
 * pages use the same target (FormatModule.commitTarget, commitTargetOf in src/formats/index.ts).
 */
export function commitTarget(ctx: ProjectContext, name: string): CommitTarget {
  const root = ctx.subject.namespaceIds[0] ?? ctx.namespace.id;
  return { projectId: ctx.project.id, packageType: PACKAGE_TYPE, name, normalizedName: name, coordinatorKey: `root-namespace:${root}` };
}
