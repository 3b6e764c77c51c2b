// Every write to the tenancy and token tables: users, groups, projects, memberships, tokens. The
// management API (src/api) and the web pages (src/ui) both call these; neither writes a table itself.
export { callerRoleOf } from "./roles";
export { createUser, setUserState, updateUser, type NewUser, type UserChanges, type UserRow } from "./users";
export { createGroup, updateGroup, type GroupChanges, type NewGroup } from "./groups";
export { createProject, updateProject, type NewProject, type ProjectChanges } from "./projects";
export { addMember, checkMemberChange, removeMember, updateMember, type MemberChange, type MemberRow, type MemberSource, type Membership } from "./members";
export {
  createDeployToken,
  createJobToken,
  createPersonalAccessToken,
  revokeDeployToken,
  revokePersonalAccessToken,
  type DeployTokenOwner,
  type DeployTokenRow,
  type NewDeployToken,
  type NewJobToken,
  type NewPersonalToken,
  type PersonalTokenRow,
} from "./tokens";
