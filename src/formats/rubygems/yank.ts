// gem yank: removes one platform of a version (`ruby` unless `--platform` is given) from the project, in one
// commit: the platform's files, then — decided inside the coordinator from the version's platform keys, so
// a push of another platform racing the yank is never lost — the whole version if no platform is left, or
// the platform's key otherwise. GitLab has no yank endpoint; this follows rubygems.org's.
// Spec: https://guides.rubygems.org/rubygems-org-api/ (DELETE /api/v1/gems/yank).
//
//   handler: files = this project's files of name@version with that platform (404 when none)
//            commit([remove_file(f) for f in files] + [plan rubygems.yank {version, platform}])
//   planner: other platforms left in the version's metadata ? clear this platform's key : remove_version
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError, badRequest } from "../../core/errors";
import type { Planner } from "../../core/publish/planners";
import type { CommitOp } from "../../core/publish/types";
import { projectOf } from "../../http/access";
import { readLimitedText } from "../../http/request-body";
import { canonicalVersion, isValidGemName, isValidPlatform, isValidVersion } from "./gemspec";
import { platformKey, RUBYGEMS } from "./release";

export const YANK_PLANNER = "rubygems.yank";
const FORM_LIMIT = 4096;

interface YankInput {
  version: string;
  platform: string;
}

const notFound = (name: string, version: string, platform: string) =>
  new AppError("not_found", `404 Gem Not Found - ${name} ${version}${platform === "ruby" ? "" : ` (${platform})`} is not in this project`);

export async function yankGem(c: Context<AppEnv>): Promise<Response> {
  // gem sends a form body; parameters in the query string are read too, as rubygems.org does.
  const form = new URLSearchParams(await readLimitedText(c, FORM_LIMIT));
  const param = (key: string) => form.get(key) ?? c.req.query(key) ?? "";
  const name = param("gem_name");
  const version = canonicalVersion(param("version"));
  const platform = param("platform") || "ruby";
  if (!isValidGemName(name)) throw badRequest("400 Bad request - gem_name is missing or invalid");
  if (!isValidVersion(version)) throw badRequest("400 Bad request - version is missing or invalid");
  if (!isValidPlatform(platform)) throw badRequest("400 Bad request - platform is invalid");
  const project = projectOf(c);
  const registry = c.var.registry;
  const rows = await registry.versions([project], RUBYGEMS, name, { version });
  const files = rows.flatMap((r) => r.files).filter((f) => (f.metadata as { platform?: string }).platform === platform);
  if (files.length === 0) throw notFound(name, version, platform);
  const ops: CommitOp[] = [...files.map((f): CommitOp => ({ kind: "remove_file", fileId: f.id })), { kind: "plan", planner: YANK_PLANNER, input: { version, platform } satisfies YankInput }];
  await registry.commit({ projectId: project.project.id, packageType: RUBYGEMS, name, normalizedName: name }, ops);
  return c.text(`Successfully deleted gem: ${name} (${version}${platform === "ruby" ? "" : `-${platform}`})`, 200);
}

export const planYank: Planner = (state, input) => {
  const { version, platform } = input as YankInput;
  const row = state.versions.find((v) => v.version === version);
  if (!row) throw new AppError("not_found", "404 Gem Not Found");
  const key = platformKey(platform);
  const others = Object.entries(row.metadata).filter(([k, v]) => k.startsWith("platform:") && k !== key && v != null);
  if (others.length === 0) return [{ kind: "remove_version", version }];
  return [{ kind: "update_version", version, metadataPatch: { [key]: null } }];
};
