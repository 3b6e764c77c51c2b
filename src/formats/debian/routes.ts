// Debian routes under /api/v4. Spec: ../shared/reference/gitlab-spec.md §11; clients.md "Debian: dput-ng + apt".
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { PackageReads, ReadScope } from "../../core/registry";
import { groupLevel, projectAccess, projectLevel, projectOf, readAccess, scopeOf } from "../../http/access";
import { validCodename, validName } from "./control";
import { DEBIAN, DISTRIBUTIONS } from "./distribution";
import type { PackageAction } from "../../core/auth/policy";
import { createDistribution, deleteDistribution, distributionJson, distributionKey, findDistribution, listDistributions, projectStore, updateDistribution, type DistributionStore } from "./distributions";
import { groupStore } from "./group-distributions";
import { serveDists, servePool } from "./repository";
import { putDebianFile } from "./upload";

export const debianRoutes = new Hono<AppEnv>();

// Distributions API (PRIVATE-TOKEN, Deploy-Token or Job-Token header; fields in the query string, curl -d or JSON).
const projectDistributions = "/projects/:id/debian_distributions";
const store = (c: Context<AppEnv>) => projectStore(c, projectOf(c));
debianRoutes.get(projectDistributions, projectAccess("read_package"), (c) => listDistributions(c, store(c)));
debianRoutes.post(projectDistributions, projectAccess("create_package"), (c) => createDistribution(c, store(c)));
debianRoutes.get(`${projectDistributions}/:codename`, projectAccess("read_package"), async (c) => c.json(distributionJson(await findDistribution(store(c), c.req.param("codename")))));
debianRoutes.get(`${projectDistributions}/:codename/key.asc`, projectAccess("read_package"), (c) => distributionKey(c, store(c), c.req.param("codename")));
debianRoutes.put(`${projectDistributions}/:codename`, projectAccess("create_package"), (c) => updateDistribution(c, store(c), c.req.param("codename")));
debianRoutes.delete(`${projectDistributions}/:codename`, projectAccess("destroy_package"), (c) => deleteDistribution(c, store(c), c.req.param("codename")));

// The group's own distributions (GitLab's debian_group_distributions.md): read with Reporter on a private
// group, written with Developer, deleted with Maintainer (src/core/group-records.ts authorizeGroup).
const groupDistributions = "/groups/:id/-/debian_distributions";
const inGroup =
  (action: PackageAction, handler: (c: Context<AppEnv>, store: DistributionStore) => Promise<Response>) =>
  async (c: Context<AppEnv>) =>
    handler(c, groupStore(c, await c.var.registry.authorizeGroup(c.req.param("id") ?? "", action)));
debianRoutes.get(groupDistributions, inGroup("read_package", listDistributions));
debianRoutes.post(groupDistributions, inGroup("create_package", createDistribution));
debianRoutes.get(`${groupDistributions}/:codename`, inGroup("read_package", async (c, s) => c.json(distributionJson(await findDistribution(s, c.req.param("codename")!)))));
debianRoutes.get(`${groupDistributions}/:codename/key.asc`, inGroup("read_package", (c, s) => distributionKey(c, s, c.req.param("codename")!)));
debianRoutes.put(`${groupDistributions}/:codename`, inGroup("create_package", (c, s) => updateDistribution(c, s, c.req.param("codename")!)));
debianRoutes.delete(`${groupDistributions}/:codename`, inGroup("destroy_package", (c, s) => deleteDistribution(c, s, c.req.param("codename")!)));

// dput-ng: PUT each .deb (application/vnd.debian.binary-package), then .buildinfo and .changes last
// (labelled application/x-www-form-urlencoded, read raw). curl: PUT <file>.deb?distribution=&component=.
debianRoutes.put("/projects/:id/packages/debian/:file_name", projectAccess("create_package"), (c) => putDebianFile(c, projectOf(c), c.req.param("file_name")));

/** `dists/<codename>/<rest>`: the codename and what is asked under it. */
function distsRequest(c: Context<AppEnv>): { codename: string; rest: string } {
  const path = c.req.path;
  const tail = path.slice(path.indexOf("/dists/") + "/dists/".length);
  const slash = tail.indexOf("/");
  const codename = slash < 0 ? tail : tail.slice(0, slash);
  const rest = slash < 0 ? "" : tail.slice(slash + 1);
  if (!validCodename(codename) || !/^[A-Za-z0-9._/-]+$/.test(rest) || rest.includes("..")) throw new AppError("not_found", "404 Not Found");
  return { codename, rest };
}

/**
 * What a dists read asks D1 for with the access check: the distribution's row, and at group level the group's
 * own distribution (the files of an index build, needed only when the index cache misses, are a second
 * read). A malformed path reads nothing (404).
 */
function distsReads(c: Context<AppEnv>): PackageReads[] | undefined {
  try {
    const { codename } = distsRequest(c);
    // At group level also the group's own distribution of that codename (part of every cache key there).
    return [
      { packageType: DEBIAN, name: DISTRIBUTIONS, version: codename },
      { packageType: DEBIAN, groupRecord: codename },
    ];
  } catch {
    return undefined;
  }
}

/** A pool file's package version. */
const poolReads = (c: Context<AppEnv>): PackageReads => ({ packageType: DEBIAN, name: c.req.param("name") ?? "", version: c.req.param("version") ?? "" });

const dists = (c: Context<AppEnv>, scope: ReadScope) => {
  const { codename, rest } = distsRequest(c);
  return serveDists(c, scope, codename, rest);
};

// apt-get update: GET dists/<codename>/InRelease (404 unsigned), Release, Release.gpg, then the indexes
// Release lists (<component>/binary-<arch>/Packages.gz, debian-installer/binary-<arch>/Packages.gz,
// source/Sources.gz, or by-hash/SHA256/<digest>). Credentials up front from auth.conf.d.
debianRoutes.get("/projects/:id/packages/debian/dists/*", readAccess(projectLevel, distsReads), (c) => dists(c, scopeOf(c)));

// apt-get install / download: GET pool/<codename>/<letter>/<name>/<version>/<file>.
debianRoutes.get("/projects/:id/packages/debian/pool/:codename/:letter/:name/:version/:file_name", readAccess(projectLevel, poolReads), (c) => {
  const { codename, name, version, file_name: fileName } = c.req.param();
  if (!validCodename(codename) || !validName(name)) throw new AppError("not_found", "404 Not Found");
  return servePool(c, scopeOf(c), { codename, name, version, fileName });
});

// The group repository: the group's public projects that have the codename, under the group's own distribution.
debianRoutes.get("/groups/:id/-/packages/debian/dists/*", readAccess(groupLevel, distsReads), (c) => dists(c, scopeOf(c)));
debianRoutes.get("/groups/:id/-/packages/debian/pool/:codename/:projectId/:letter/:name/:version/:file_name", readAccess(groupLevel, poolReads), (c) => {
  const { codename, name, version, file_name: fileName, projectId } = c.req.param() as Record<string, string>;
  if (!validCodename(codename ?? "") || !validName(name ?? "") || !/^\d+$/.test(projectId ?? "")) throw new AppError("not_found", "404 Not Found");
  return servePool(c, scopeOf(c), { codename: codename!, name: name!, version: version ?? "", fileName: fileName ?? "", projectId: Number(projectId) });
});
