// Every write to the tenancy and token tables: users, groups, projects, memberships, tokens. The
// management API (src/api) and the web pages (src/ui) both call these; neither writes a table itself.
// Removals (projects, groups, users) and project/group access tokens live here too.
export { callerRoleOf } from "./roles";
export { createUser, setUserState, updateUser, type NewUser, type UserChanges, type UserRow } from "./users";
export { createGroup, updateGroup, type GroupChanges, type NewGroup } from "./groups";
export { createProject, updateProject, type NewProject, type ProjectChanges } from "./projects";
export { addMember, checkMemberChange, removeMember, updateMember, type MemberCaller, type MemberChange, type MemberRow, type MemberSource, type Membership, type TargetMembership } from "./members";
export { VISIBILITY_LEVELS, groupVisibilityProblems, projectVisibilityProblem, subgroupVisibilityProblem } from "./visibility";
export {
  checkDeployTokenChange,
  createDeployToken,
  createJobToken,
  createPersonalAccessToken,
  createPublisherJobToken,
  revokeDeployToken,
  revokeJobToken,
  revokePersonalAccessToken,
  rotatePersonalAccessToken,
  type DeployTokenOwner,
  type DeployTokenRow,
  type NewDeployToken,
  type NewJobToken,
  type NewPublisherJobToken,
  type NewPersonalToken,
  type PersonalTokenRow,
} from "./tokens";
export { removeGroup, removeProject, removeUser, soloOwnedGroups, type OpenUpload } from "./removals";
export {
  checkResourceTokenManager,
  createResourceToken,
  getResourceToken,
  listResourceTokens,
  revokeResourceToken,
  rotateResourceToken,
  type NewResourceToken,
  type ResourceToken,
} from "./resource-tokens";
export {
  DEFAULT_ISSUERS,
  createTrustedPublisher,
  getTrustedPublisher,
  issuerUrlProblem,
  listTrustedPublishers,
  removeTrustedPublisher,
  type NewTrustedPublisher,
  type TrustedPublisherRow,
} from "./trusted-publishers";
export { addToAllowlist, allowlistPage, removeFromAllowlist, setJobTokenScope, type AllowlistKind } from "./job-token-scope";
