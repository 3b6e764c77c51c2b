// Composer routes under /api/v4: the archive upload at project level; the repository (packages.json, p2 and
// v1 metadata) at group level (GitLab's singular `group`) and at project level (a Packyard addition), and
// dist archives at project level. Each route declares its access; handlers start from a resolved scope.
// Spec: ../shared/reference/gitlab-spec.md §7; client sequence: ../shared/reference/clients.md "Composer".
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { groupLevel, projectAccess, projectLevel, readAccess, scopeOf } from "../../http/access";
import { parseReadPath, type ComposerRead } from "./parse";
import { composerReads, serveComposerRead } from "./read";
import { uploadComposerPackage } from "./upload";

const MARKER = "/packages/composer/";

function readOf(c: Context<AppEnv>): ComposerRead {
  const path = c.req.path;
  const parsed = parseReadPath(path.slice(path.indexOf(MARKER) + MARKER.length));
  if (!parsed) throw new AppError("not_found", "404 Not Found");
  return parsed;
}

const reads = (c: Context<AppEnv>) => composerReads(c, readOf(c));

/** An unknown path is a 404 for everyone, before access is decided. */
const knownPath = async (c: Context<AppEnv>, next: () => Promise<void>) => {
  readOf(c);
  await next();
};

export const composerRoutes = new Hono<AppEnv>();

// See upload.ts for the request (curl or any HTTP client: Composer itself has no publish command).
composerRoutes.post("/projects/:id/packages/composer", projectAccess("create_package"), uploadComposerPackage);

// composer install / update with repositories: [{type: composer, url: …/api/v4/group/<id>/-/packages/composer/}]
// and auth.json (gitlab-token → PRIVATE-TOKEN header for hosts in gitlab-domains, or http-basic), sent up front:
//   GET packages.json → {metadata-url, available-packages}   (Composer 1: also provider-includes, providers-url)
//   GET p2/<vendor>/<name>.json for every required name it lists (p2/<name>~dev.json when dev versions may do)
//   [Composer 1: GET p/<sha>.json, then <vendor>/<name>$<sha>.json]
//   GET dist.url = /api/v4/projects/<id>/packages/composer/archives/<vendor>/<name>.zip?sha=<sha256>
composerRoutes.get("/group/:id/-/packages/composer/*", knownPath, readAccess(groupLevel, reads), (c) => serveComposerRead(c, scopeOf(c), readOf(c)));

// The same repository for one project (GitLab has none), and the project's dist archives.
composerRoutes.get("/projects/:id/packages/composer/*", knownPath, readAccess(projectLevel, reads), (c) => serveComposerRead(c, scopeOf(c), readOf(c)));
