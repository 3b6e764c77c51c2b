// Makes a stored blob a Generic package file: one registry commit (find or create name+version, the
// group's duplicate setting per file name, ?status), then the answer GitLab gives. The registry adds
// the creator and CI build from the actor.
// Spec: GitLab app/services/packages/generic/create_package_file_service.rb; gitlab-spec.md §0.3, §5.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import { AppError } from "../../core/errors";
import type { ProjectContext } from "../../core/registry";
import { packageFileJson } from "./metadata";
import type { GenericCoordinates, GenericStatus } from "./parse";

export const PACKAGE_TYPE = "generic";
/** GitLab keeps only sha256 for Generic files (file_md5 and file_sha1 are null): so do we. */
export const GENERIC_DIGESTS = [] as const;

export interface GenericPublish {
  ctx: ProjectContext;
  coordinates: GenericCoordinates;
  blob: StoredBlob;
  status?: GenericStatus;
  select?: "package_file";
}

export async function publishGenericFile(c: Context<AppEnv>, input: GenericPublish): Promise<Response> {
  const { ctx, coordinates, blob } = input;
  const registry = c.var.registry;
  // Generic names are case-sensitive in GitLab: the name is its own normal form.
  const target = { projectId: ctx.project.id, packageType: PACKAGE_TYPE, name: coordinates.name, normalizedName: coordinates.name };
  const result = await registry.commit(target, [
    {
      kind: "publish",
      version: coordinates.version,
      files: [{ blob, fileName: coordinates.fileName }],
      duplicates: { kind: "setting", setting: "generic", perFile: true },
      status: input.status,
    },
  ]);
  if (input.select !== "package_file") return c.json({ message: "201 Created" }, 201);
  const fileId = result.fileIds[0];
  const file = fileId === undefined ? null : await registry.fileById([ctx], fileId);
  if (!file) throw new AppError("internal", "500 Internal Server Error - the published file was not found");
  return c.json(
    packageFileJson({
      id: file.id,
      packageId: file.packageId,
      projectId: ctx.project.id,
      createdAt: file.createdAt,
      fileName: file.fileName,
      size: file.size,
      md5: file.md5,
      sha1: file.sha1,
      sha256: file.sha256,
      status: "default",
      downloadPath: downloadPath(ctx.project.id, coordinates),
    }),
    201,
  );
}

export function downloadPath(projectId: number, coordinates: GenericCoordinates): string {
  const path = coordinates.path.split("/").map(encodeURIComponent).join("/");
  return `/api/v4/projects/${projectId}/packages/generic/${encodeURIComponent(coordinates.name)}/${encodeURIComponent(coordinates.version)}/${path}`;
}
