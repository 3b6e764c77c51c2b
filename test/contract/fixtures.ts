// The tenants the contract suite runs against, created once per run through the management API: one group
// and project per project kind with every caller of the access table, a project elsewhere for a foreign
// job token, and a group whose package settings forbid duplicates.
import { ADMIN_TOKEN, addMember, call, createDeployToken, createGroup, createJobToken, createPersonalToken, createProject, createUser, ok, unique } from "../support/api";
import { CALLERS, PROJECT_KINDS, PROJECT_SETTINGS, type Caller, type ProjectKind } from "./access";
import type { Credential } from "./types";

export interface Tenant {
  group: { id: number; full_path: string };
  project: { id: number };
  /** Every caller of the access table (null: anonymous). */
  callers: Record<Caller, Credential | null>;
}

export interface Fixture {
  tenants: Record<ProjectKind, Tenant>;
  /** A private project whose top-level group forbids duplicates (every format's setting), with its Developer. */
  strict: { project: { id: number }; developer: Credential };
  developer: Credential;
  maintainer: Credential;
}

const ROLES = { guest: 10, reporter: 20, developer: 30, maintainer: 40 } as const;

type User = Awaited<ReturnType<typeof createUser>>;
const personal = (user: User, token = user.token): Credential => ({ kind: "personal", token, username: user.username });

export async function createFixture(duplicateSettings: Record<string, unknown>): Promise<Fixture> {
  const [nonMember, guest, reporter, developer, maintainer] = await Promise.all([createUser(), createUser(), createUser(), createUser(), createUser()]);
  const members = { guest, reporter, developer, maintainer };
  const readApi = await createPersonalToken(developer.id, ["read_api"]);

  // The foreign job token: the same Developer's pipeline in a project of another group.
  const elsewhere = await createProject((await createGroup(unique("contract-elsewhere"), { visibility: "private" })).id, { visibility: "private" });
  await addMember("projects", elsewhere.id, developer.id, ROLES.developer);
  const otherJob = await createJobToken(elsewhere.id, developer.token);

  const tenant = async (kind: ProjectKind): Promise<Tenant> => {
    const { visibility } = PROJECT_SETTINGS[kind];
    const group = await createGroup(unique(`contract-${kind.replace(/_/g, "-")}`), { visibility });
    const project = await createProject(group.id, PROJECT_SETTINGS[kind]);
    await Promise.all(Object.entries(members).map(([role, user]) => addMember("projects", project.id, user.id, ROLES[role as keyof typeof ROLES])));
    const [deployRead, deployWrite, job] = await Promise.all([
      createDeployToken("projects", project.id, ["read_package_registry"]),
      createDeployToken("projects", project.id, ["write_package_registry"]),
      createJobToken(project.id, developer.token),
    ]);
    const callers: Record<Caller, Credential | null> = {
      anonymous: null,
      unknown_token: { kind: "personal", token: "glpat-contract-unknown-token", username: "nobody" },
      non_member: personal(nonMember),
      guest: personal(guest),
      reporter: personal(reporter),
      developer: personal(developer),
      maintainer: personal(maintainer),
      developer_read_api: personal(developer, readApi),
      deploy_token_read: { kind: "deploy", token: deployRead.token, username: deployRead.username },
      deploy_token_write: { kind: "deploy", token: deployWrite.token, username: deployWrite.username },
      job_token: { kind: "job", token: job.token, username: "gitlab-ci-token" },
      job_token_other_project: { kind: "job", token: otherJob.token, username: "gitlab-ci-token" },
    };
    if (Object.keys(callers).length !== CALLERS.length) throw new Error("every caller of the access table needs a credential");
    return { group, project, callers };
  };
  const tenants = Object.fromEntries(await Promise.all(PROJECT_KINDS.map(async (kind) => [kind, await tenant(kind)]))) as Record<ProjectKind, Tenant>;

  const strictGroup = await createGroup(unique("contract-strict"), { visibility: "private" });
  await ok(call(`/api/v4/groups/${strictGroup.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: duplicateSettings } }));
  const strictProject = await createProject(strictGroup.id, { visibility: "private" });
  await addMember("projects", strictProject.id, developer.id, ROLES.developer);

  return { tenants, strict: { project: strictProject, developer: personal(developer) }, developer: personal(developer), maintainer: personal(maintainer) };
}
