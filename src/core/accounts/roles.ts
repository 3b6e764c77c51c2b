// The caller's role as account rules see it (member changes, settings, visibility): administrators
// act as Owners everywhere; everyone else has their inherited role on the project or group.
import { ACCESS_LEVELS, type Actor } from "../auth/actor";

export function callerRoleOf(actor: Actor, accessLevel: number): number {
  return actor.kind === "user" && actor.user.isAdmin ? ACCESS_LEVELS.owner : accessLevel;
}
