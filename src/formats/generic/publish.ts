// Makes a stored blob a Generic package file: one coordinator commit (find or create name+version,
// the group's duplicate setting per file name, ?status), then the answer GitLab gives.
// Spec: GitLab app/services/packages/generic/create_package_file_service.rb; gitlab-spec.md §0.3, §5.
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import type { ProjectContext } from "../../core/tenancy";
import { commitPackage } from "../../core/publish/client";
import { createDb } from "../../db/client";
import { packageFiles } from "../../db/schema";
import type { Actor } from "../../core/auth/actor";
import { packageFileJson } from "./metadata";
import type { GenericCoordinates, GenericStatus } from "./parse";

export const PACKAGE_TYPE = "generic";

export interface GenericPublish {
  ctx: ProjectContext;
  coordinates: GenericCoordinates;
  blob: StoredBlob;
  status?: GenericStatus;
  select?: "package_file";
}

export async function publishGenericFile(c: Context<AppEnv>, input: GenericPublish): Promise<Response> {
  const { ctx, coordinates, blob } = input;
  const actor = c.get("actor");
  const result = await commitPackage(c.env, {
    projectId: ctx.project.id,
    packageType: PACKAGE_TYPE,
    name: coordinates.name,
    // Generic names are case-sensitive in GitLab: the name is its own normal form.
    normalizedName: coordinates.name,
    op: {
      kind: "publish",
      version: coordinates.version,
      files: [{ blob, fileName: coordinates.fileName }],
      duplicates: { kind: "setting", setting: "generic", perFile: true },
      status: input.status,
      creatorId: creatorOf(actor),
      buildInfo: actor.kind === "job_token" ? { pipelineId: actor.pipeline.id, ref: actor.pipeline.ref, sha: actor.pipeline.sha, userId: actor.user.id } : null,
    },
  });
  if (input.select !== "package_file") return c.json({ message: "201 Created" }, 201);
  const row = await createDb(c.env.DB).select().from(packageFiles).where(eq(packageFiles.id, result.fileIds[0])).get();
  return c.json(
    packageFileJson({
      id: row!.id,
      packageId: row!.packageId,
      projectId: ctx.project.id,
      createdAt: row!.createdAt,
      fileName: row!.fileName,
      size: row!.size,
      md5: row!.md5,
      sha1: row!.sha1,
      sha256: row!.sha256,
      status: "default",
      downloadPath: downloadPath(ctx.project.id, coordinates),
    }),
    201,
  );
}

export function creatorOf(actor: Actor): number | null {
  return actor.kind === "user" || actor.kind === "job_token" ? actor.user.id : null;
}

export function downloadPath(projectId: number, coordinates: GenericCoordinates): string {
  const path = coordinates.path.split("/").map(encodeURIComponent).join("/");
  return `/api/v4/projects/${projectId}/packages/generic/${encodeURIComponent(coordinates.name)}/${encodeURIComponent(coordinates.version)}/${path}`;
}
