// GitLab's GraphQL form of the cleanup policy: `project(fullPath) { packagesCleanupPolicy { keepNDuplicatedPackageFiles
// nextRunAt } }` and `updatePackagesCleanupPolicy(input: {projectPath, keepNDuplicatedPackageFiles})`, Maintainers
// (GitLab: authorize :admin_package). Packyard's rules stay on REST (docs/storage.md).
// Spec: GitLab app/graphql/types/packages/cleanup/policy_type.rb, keep_duplicated_package_files_enum.rb,
// app/graphql/mutations/packages/cleanup/policy/update.rb.
import { GraphQLEnumType, GraphQLError, GraphQLID, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLFieldConfig } from "graphql";
import { ACCESS_LEVELS } from "../../core/auth/actor";
import { AppError } from "../../core/errors";
import type { Registry } from "../../core/registry";
import { getCleanupPolicy, saveCleanupPolicy, type StoredPolicy } from "../../core/storage/cleanup-policy";
import type { KeepNDuplicated } from "../../core/storage/cleanup-rules";
import type { ProjectContext } from "../../core/tenancy";
import { RESOURCE_NOT_AVAILABLE, type GraphqlContext } from "./package-settings";

const keepEnum = new GraphQLEnumType({
  name: "PackagesCleanupKeepDuplicatedPackageFilesEnum",
  values: {
    ALL_PACKAGE_FILES: { value: "all" },
    ONE_PACKAGE_FILE: { value: "1" },
    TEN_PACKAGE_FILES: { value: "10" },
    TWENTY_PACKAGE_FILES: { value: "20" },
    THIRTY_PACKAGE_FILES: { value: "30" },
    FORTY_PACKAGE_FILES: { value: "40" },
    FIFTY_PACKAGE_FILES: { value: "50" },
  },
});

interface PolicyView {
  keepNDuplicatedPackageFiles: KeepNDuplicated;
  nextRunAt: string | null;
}

const policyType = new GraphQLObjectType<PolicyView>({
  name: "PackagesCleanupPolicy",
  fields: {
    keepNDuplicatedPackageFiles: { type: new GraphQLNonNull(keepEnum) },
    nextRunAt: { type: GraphQLString },
  },
});

const viewOf = (policy: StoredPolicy): PolicyView => ({ keepNDuplicatedPackageFiles: policy.keepNDuplicatedPackageFiles, nextRunAt: policy.nextRunAt ? policy.nextRunAt.toISOString() : null });

interface ProjectView {
  ctx: ProjectContext;
}

/** A Maintainer (or administrator) with a token that reads (`read_api`, `api`) or writes (`api`). */
function maintains(registry: Registry, ctx: ProjectContext, write: boolean): boolean {
  const actor = registry.actor;
  if (actor.kind !== "user") return false;
  if (!(write ? actor.scopes.includes("api") : actor.scopes.some((s) => s === "api" || s === "read_api"))) return false;
  return actor.user.isAdmin || ctx.accessLevel >= ACCESS_LEVELS.maintainer;
}

async function projectByPath(registry: Registry, fullPath: string): Promise<ProjectContext | null> {
  if (/^\d+$/.test(fullPath)) return null;
  return registry.authorize(fullPath, "read_project").catch((error) => {
    if (error instanceof AppError && ["not_found", "unauthorized", "forbidden", "registry_disabled"].includes(error.code)) return null;
    throw error;
  });
}

const projectType = new GraphQLObjectType<ProjectView, GraphqlContext>({
  name: "Project",
  fields: {
    id: { type: new GraphQLNonNull(GraphQLID), resolve: ({ ctx }) => `gid://gitlab/Project/${ctx.project.id}` },
    name: { type: new GraphQLNonNull(GraphQLString), resolve: ({ ctx }) => ctx.project.name },
    fullPath: { type: new GraphQLNonNull(GraphQLID), resolve: ({ ctx }) => ctx.project.fullPath },
    // null unless the caller may administer the project's packages.
    packagesCleanupPolicy: {
      type: policyType,
      resolve: async ({ ctx }, _args, { registry }) => (maintains(registry, ctx, false) ? viewOf(await getCleanupPolicy(registry.db, ctx.project.id)) : null),
    },
  },
});

export const projectField: GraphQLFieldConfig<unknown, GraphqlContext> = {
  type: projectType,
  args: { fullPath: { type: new GraphQLNonNull(GraphQLID) } },
  resolve: async (_root, args: { fullPath: string }, { registry }) => {
    const ctx = await projectByPath(registry, args.fullPath);
    return ctx ? { ctx } : null;
  },
};

const updateInput = new GraphQLInputObjectType({
  name: "UpdatePackagesCleanupPolicyInput",
  fields: {
    clientMutationId: { type: GraphQLString },
    projectPath: { type: new GraphQLNonNull(GraphQLID) },
    keepNDuplicatedPackageFiles: { type: keepEnum },
  },
});

const updatePayload = new GraphQLObjectType({
  name: "UpdatePackagesCleanupPolicyPayload",
  fields: {
    clientMutationId: { type: GraphQLString },
    errors: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) },
    packagesCleanupPolicy: { type: policyType },
  },
});

export const updatePolicyField: GraphQLFieldConfig<unknown, GraphqlContext> = {
  type: updatePayload,
  args: { input: { type: new GraphQLNonNull(updateInput) } },
  resolve: async (_root, args: { input: { clientMutationId?: string | null; projectPath: string; keepNDuplicatedPackageFiles?: KeepNDuplicated | null } }, { registry }) => {
    const ctx = await projectByPath(registry, args.input.projectPath);
    if (!ctx || !maintains(registry, ctx, true)) throw new GraphQLError(RESOURCE_NOT_AVAILABLE);
    const keep = args.input.keepNDuplicatedPackageFiles ?? undefined;
    const saved = await saveCleanupPolicy(registry.db, ctx.project.id, { keepNDuplicatedPackageFiles: keep });
    return { clientMutationId: args.input.clientMutationId ?? null, errors: [], packagesCleanupPolicy: viewOf(saved) };
  },
};
