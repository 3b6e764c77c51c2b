// Cargo routes under /api/v4: the sparse index and the registry web API at project level
// (`/projects/:id/packages/cargo/…`, publish and yank here) and group level (`/groups/:id/-/packages/cargo/…`,
// reads only: every readable project of the group). Each route declares its access.
// Spec: https://doc.rust-lang.org/cargo/reference/registries.html; client sequence: docs/formats/cargo.md.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { badRequest } from "../../core/errors";
import { groupLevel, projectAccess, projectLevel, readAccess, scopeOf } from "../../http/access";
import { cargoReads, listOwners, searchCrates, serveCrate, serveIndex } from "./reads";
import { changeOwners, publishCrate, setYanked } from "./writes";

const PROJECT = "/projects/:id/packages/cargo";
const GROUP = "/groups/:id/-/packages/cargo";

export const cargoRoutes = new Hono<AppEnv>();

for (const [prefix, levelOf] of [
  [PROJECT, projectLevel],
  [GROUP, groupLevel],
] as const) {
  cargoRoutes.get(`${prefix}/index/*`, readAccess(levelOf, cargoReads.index), (c) => serveIndex(c, scopeOf(c)));
  // GitLab's beta names the index `…/packages/cargo/metadata/`: the same index, so its users change only the host.
  cargoRoutes.get(`${prefix}/metadata/*`, readAccess(levelOf, cargoReads.index), (c) => serveIndex(c, scopeOf(c)));
  cargoRoutes.get(`${prefix}/api/v1/crates`, readAccess(levelOf, cargoReads.search), (c) => searchCrates(c, scopeOf(c)));
  cargoRoutes.get(`${prefix}/api/v1/crates/:name/:version/download`, readAccess(levelOf, cargoReads.crate), (c) => serveCrate(c, scopeOf(c)));
  cargoRoutes.get(`${prefix}/api/v1/crates/:name/owners`, readAccess(levelOf, cargoReads.owners), (c) => listOwners(c, scopeOf(c)));
}

// Writes: the caller's role on the project decides before a byte of the body is read. Yanking is a
// Maintainer's, as deprecating is for npm.
cargoRoutes.put(`${PROJECT}/api/v1/crates/new`, projectAccess("create_package"), publishCrate);
cargoRoutes.delete(`${PROJECT}/api/v1/crates/:name/:version/yank`, projectAccess("destroy_package"), setYanked(true));
cargoRoutes.put(`${PROJECT}/api/v1/crates/:name/:version/unyank`, projectAccess("destroy_package"), setYanked(false));
cargoRoutes.on(["PUT", "DELETE"], `${PROJECT}/api/v1/crates/:name/owners`, projectAccess("read_package"), changeOwners);

// A group's registry is for installing: cargo publish against it is told where to publish instead.
cargoRoutes.on(["PUT", "DELETE"], `${GROUP}/api/v1/crates/*`, () => {
  throw badRequest("a group's cargo registry is read-only: publish and yank through a project's registry (/api/v4/projects/:id/packages/cargo/index/)");
});
