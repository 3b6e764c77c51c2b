// The full permission matrix: every project visibility × registry access level × actor (anonymous,
// each role, admin, read-only token, deploy tokens of every reach and scope, job tokens) × action,
// against an expectation table written from the seed's visibility × role table and GitLab's token rules;
// then member changes by every role (the HTTP matrix of member and visibility changes: test/api/role-matrix.test.ts).
import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/auth/actor";
import { decide, type Decision, type PackageAction, type ProjectSubject } from "../../src/core/auth/policy";
import { checkMemberChange, type MemberChange } from "../../src/core/accounts";
import { AppError } from "../../src/core/errors";

const PROJECT_ID = 7;
const GROUP_ID = 3;
const OTHER_GROUP_ID = 4;
const user = (isAdmin = false) => ({ id: 2, username: "u", name: "U", isAdmin });

interface Case {
  name: string;
  actor: Actor;
  role: number;
}

const CASES: Case[] = [
  { name: "anonymous", actor: { kind: "anonymous" }, role: 0 },
  { name: "signed-in non-member", actor: { kind: "user", user: user(), scopes: ["api"], via: "personal_access_token" }, role: 0 },
  ...[10, 20, 30, 40, 50].map((role) => ({ name: `member ${role}`, actor: { kind: "user", user: user(), scopes: ["api"], via: "personal_access_token" } as Actor, role })),
  { name: "admin", actor: { kind: "user", user: user(true), scopes: ["api"], via: "admin_token" }, role: 0 },
  { name: "developer with read_api token", actor: { kind: "user", user: user(), scopes: ["read_api"], via: "personal_access_token" }, role: 30 },
  { name: "maintainer with read_api token", actor: { kind: "user", user: user(), scopes: ["read_api"], via: "personal_access_token" }, role: 40 },
  { name: "project deploy token read", actor: deploy(PROJECT_ID, null, ["read_package_registry"]), role: 0 },
  { name: "project deploy token write", actor: deploy(PROJECT_ID, null, ["write_package_registry"]), role: 0 },
  { name: "other project's deploy token", actor: deploy(99, null, ["read_package_registry", "write_package_registry"]), role: 0 },
  { name: "group deploy token write", actor: deploy(null, GROUP_ID, ["write_package_registry"]), role: 0 },
  { name: "other group's deploy token", actor: deploy(null, OTHER_GROUP_ID, ["write_package_registry"]), role: 0 },
  { name: "deploy token without package scopes", actor: deploy(PROJECT_ID, null, ["read_repository"]), role: 0 },
  { name: "job token of this project (developer)", actor: job(PROJECT_ID), role: 30 },
  { name: "job token of this project (maintainer)", actor: job(PROJECT_ID), role: 40 },
  { name: "job token of another project", actor: job(99), role: 30 },
];

function deploy(projectId: number | null, namespaceId: number | null, scopes: string[]): Actor {
  return { kind: "deploy_token", token: { id: 1, username: "d", projectId, namespaceId, scopes } };
}
function job(projectId: number): Actor {
  return { kind: "job_token", user: user(), projectId, pipeline: { id: 1, ref: "main", sha: "abc" } };
}

const VISIBILITIES = ["public", "internal", "private"] as const;
const LEVELS = ["enabled", "private", "public", "disabled"] as const;
const ACTIONS: PackageAction[] = ["read_package", "create_package", "destroy_package_file", "destroy_package"];

/** Minimum role per action (seed table): pulls depend on the registry's effective visibility. */
const MIN_ROLE = { create_package: 30, destroy_package_file: 40, destroy_package: 40 } as const;
const PULL_RULE = { public: "anyone", internal: "signed-in", private: "reporter" } as const;

function expected(c: Case, visibility: (typeof VISIBILITIES)[number], level: (typeof LEVELS)[number], action: PackageAction): Decision {
  const a = c.actor;
  const isAdmin = a.kind === "user" && a.user.isAdmin;
  const deployReach = a.kind === "deploy_token" && (a.token.projectId === PROJECT_ID || a.token.namespaceId === GROUP_ID);
  const foreignJob = a.kind === "job_token" && a.projectId !== PROJECT_ID;
  // Who can see the project at all (its page, its existence).
  const sees =
    visibility === "public" ||
    isAdmin ||
    deployReach ||
    (!foreignJob && visibility === "internal" && (a.kind === "user" || a.kind === "job_token")) ||
    (!foreignJob && visibility === "private" && c.role >= 10 && a.kind !== "deploy_token");
  const deny: Decision = a.kind === "anonymous" ? "unauthorized" : sees ? "forbidden" : "not_found";
  if (level === "disabled") return sees ? "registry_disabled" : deny;

  const effective = level === "public" ? "public" : level === "private" ? "private" : visibility;
  if (action === "read_package") {
    if (PULL_RULE[effective] === "anyone") return "allow";
    if (a.kind === "anonymous") return deny;
    if (a.kind === "deploy_token") return deployReach && a.token.scopes.some((s) => s.endsWith("_package_registry")) ? "allow" : deny;
    if (foreignJob) return deny;
    if (isAdmin || PULL_RULE[effective] === "signed-in") return "allow";
    return c.role >= 20 ? "allow" : deny;
  }
  // Writes.
  if (a.kind === "anonymous" || foreignJob) return deny;
  if (a.kind === "deploy_token") {
    return action === "create_package" && deployReach && a.token.scopes.includes("write_package_registry") ? "allow" : deny;
  }
  if (a.kind === "user" && !a.scopes.includes("api")) return deny;
  return isAdmin || c.role >= MIN_ROLE[action as keyof typeof MIN_ROLE] ? "allow" : deny;
}

describe("permission policy matrix", () => {
  for (const visibility of VISIBILITIES) {
    for (const level of LEVELS) {
      it(`${visibility} project, registry ${level}`, () => {
        const subject: ProjectSubject = { id: PROJECT_ID, visibility, registryAccessLevel: level, namespaceIds: [GROUP_ID, 5] };
        const mismatches: string[] = [];
        for (const c of CASES) {
          for (const action of ACTIONS) {
            const got = decide(c.actor, c.role, action, subject);
            const want = expected(c, visibility, level, action);
            if (got !== want) mismatches.push(`${c.name} ${action}: got ${got}, want ${want}`);
          }
        }
        expect(mismatches).toEqual([]);
      });
    }
  }

  it("lets only administrators and Maintainers (people with the api scope, not job tokens) administer a project", () => {
    const subject: ProjectSubject = { id: PROJECT_ID, visibility: "private", registryAccessLevel: "enabled", namespaceIds: [GROUP_ID] };
    const results = CASES.map((c) => `${c.name}:${decide(c.actor, c.role, "admin_project", subject)}`);
    const allowed = results.filter((r) => r.endsWith(":allow")).map((r) => r.split(":")[0]);
    expect(allowed).toEqual(["member 40", "member 50", "admin"]);
  });
});

// Member changes (src/core/accounts/members.ts `checkMemberChange`), by every role on a project and on a
// group, against a table written from GitLab's rules: projects are managed by Maintainers, groups by Owners;
// the Owner role is the Owners'; nobody grants above their own role; anyone may leave; a group's last Owner
// stays. The caller is user 1; the target user 2 unless the change is the caller's own.
describe("member change matrix", () => {
  const ROLES = [
    { name: "non-member", role: 0 },
    { name: "guest", role: 10 },
    { name: "reporter", role: 20 },
    { name: "developer", role: 30 },
    { name: "maintainer", role: 40 },
    { name: "owner", role: 50 },
    { name: "admin", role: 50 }, // callerRoleOf: administrators act as Owners
  ] as const;
  const MEMBERS = ["guest", "reporter", "developer", "maintainer", "owner", "admin"];
  const other = { lastOwner: false };
  const CHANGES: { name: string; change: MemberChange; project: readonly string[]; group: readonly string[] }[] = [
    { name: "add a Developer", change: { kind: "add", userId: 2, accessLevel: 30 }, project: ["maintainer", "owner", "admin"], group: ["owner", "admin"] },
    { name: "add an Owner", change: { kind: "add", userId: 2, accessLevel: 50 }, project: ["owner", "admin"], group: ["owner", "admin"] },
    { name: "raise a Developer to Maintainer", change: { kind: "update", userId: 2, accessLevel: 40, current: 30, ...other }, project: ["maintainer", "owner", "admin"], group: ["owner", "admin"] },
    { name: "raise a Maintainer to Owner", change: { kind: "update", userId: 2, accessLevel: 50, current: 40, ...other }, project: ["owner", "admin"], group: ["owner", "admin"] },
    { name: "demote an Owner", change: { kind: "update", userId: 2, accessLevel: 40, current: 50, ...other }, project: ["owner", "admin"], group: ["owner", "admin"] },
    { name: "raise one's own role to Owner", change: { kind: "update", userId: 1, accessLevel: 50, current: 40, ...other }, project: ["owner", "admin"], group: ["owner", "admin"] },
    { name: "lower one's own role", change: { kind: "update", userId: 1, accessLevel: 20, current: 30, ...other }, project: ["maintainer", "owner", "admin"], group: ["owner", "admin"] },
    { name: "remove a Developer", change: { kind: "remove", userId: 2, current: 30, ...other }, project: ["maintainer", "owner", "admin"], group: ["owner", "admin"] },
    { name: "remove an Owner", change: { kind: "remove", userId: 2, current: 50, ...other }, project: ["owner", "admin"], group: ["owner", "admin"] },
    // A non-member has no membership to remove: the write answers 404 (and the API refuses them first).
    { name: "leave", change: { kind: "remove", userId: 1, current: 30, ...other }, project: ["non-member", ...MEMBERS], group: ["non-member", ...MEMBERS] },
    { name: "demote the group's last Owner", change: { kind: "update", userId: 2, accessLevel: 40, current: 50, lastOwner: true }, project: [], group: [] },
    { name: "remove the group's last Owner", change: { kind: "remove", userId: 2, current: 50, lastOwner: true }, project: [], group: [] },
    { name: "leave as the group's last Owner", change: { kind: "remove", userId: 1, current: 50, lastOwner: true }, project: [], group: [] },
  ];

  for (const sourceType of ["Project", "Namespace"] as const) {
    it(`on a ${sourceType === "Project" ? "project" : "group"}`, () => {
      const mismatches: string[] = [];
      for (const c of CHANGES) {
        const allowed: string[] = [];
        for (const r of ROLES) {
          try {
            checkMemberChange({ sourceType, id: 1 }, c.change, { userId: 1, role: r.role });
            allowed.push(r.name);
          } catch (error) {
            if (!(error instanceof AppError) || error.code !== "forbidden") throw error;
          }
        }
        const want = sourceType === "Project" ? c.project : c.group;
        if (allowed.join() !== want.join()) mismatches.push(`${c.name}: got [${allowed}], want [${want}]`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
