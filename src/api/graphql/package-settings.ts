// Resolvers of the package-settings query and mutation: who may see and change a namespace's settings
// (GitLab: `admin_package`, the namespace's Owner since 17.0, or an administrator) and GitLab's field values
// (forwarding as it cascades, `…Locked` when an ancestor or the instance locks it).
// Spec: GitLab app/graphql/mutations/namespace/package_settings/update.rb, app/services/namespaces/package_settings/update_service.rb.
import { GraphQLError } from "graphql";
import type { NamespacePackageSettings } from "../../db/schema";
import { ACCESS_LEVELS } from "../../core/auth/actor";
import type { Registry } from "../../core/registry";
import { FORWARDING_FORMATS, cascadedForwarding, forwardingField, lockField, type PackageSettings } from "../../core/settings/package-settings";
import { getSettingsChain, updateNamespacePackageSettings, type SettingsChain } from "../../core/settings/store";
import { canReadGroup, getNamespaceByRef, roleOnNamespace, type NamespaceRow } from "../../core/tenancy";

export interface GraphqlContext {
  registry: Registry;
  /** Settings chains read in this request, by namespace id (aliases of one namespace read it once). */
  chains: Map<number, Promise<SettingsChain>>;
}

function chainOf(context: GraphqlContext, namespace: NamespaceRow): Promise<SettingsChain> {
  let chain = context.chains.get(namespace.id);
  if (!chain) {
    chain = getSettingsChain(context.registry.db, namespace);
    context.chains.set(namespace.id, chain);
  }
  return chain;
}

export type PackageSettingsView = Record<string, string | boolean | null>;

export interface NamespaceView {
  id: string;
  name: string;
  path: string;
  fullName: string;
  fullPath: string;
  visibility: string;
  packageSettings: (context: GraphqlContext) => Promise<PackageSettingsView | null>;
}

/** GitLab's message for a resource that is missing or not the caller's to change. */
export const RESOURCE_NOT_AVAILABLE = "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function viewOf({ chain, instance }: SettingsChain): PackageSettingsView {
  const own = chain.at(-1)!;
  const view: PackageSettingsView = {};
  for (const [key, value] of Object.entries(own)) view[camel(key)] = value;
  for (const format of FORWARDING_FORMATS) {
    const inForce = cascadedForwarding(format, chain, instance);
    view[camel(forwardingField(format))] = inForce.value;
    view[`${camel(forwardingField(format))}Locked`] = inForce.locked;
  }
  return view;
}

/** The signed-in user behind the request, with a scope that reads (`read_api`, `api`) or writes (`api`). */
function userWithScope(registry: Registry, write: boolean) {
  const actor = registry.actor;
  if (actor.kind !== "user") return null;
  const ok = write ? actor.scopes.includes("api") : actor.scopes.some((s) => s === "api" || s === "read_api");
  return ok ? actor.user : null;
}

async function visible(registry: Registry, namespace: NamespaceRow): Promise<boolean> {
  if (namespace.kind === "group") return canReadGroup(registry.db, registry.actor, namespace, registry.roles);
  const user = userWithScope(registry, false);
  return user !== null && (user.isAdmin || namespace.ownerId === user.id);
}

async function administers(registry: Registry, namespace: NamespaceRow, write: boolean): Promise<boolean> {
  const user = userWithScope(registry, write);
  if (!user) return false;
  if (user.isAdmin) return true;
  if (namespace.kind === "user") return namespace.ownerId === user.id;
  return roleOnNamespace(await registry.roles(), namespace) >= ACCESS_LEVELS.owner;
}

export async function namespaceByPath({ registry }: GraphqlContext, fullPath: string): Promise<NamespaceView | null> {
  const namespace = /^\d+$/.test(fullPath) ? null : await getNamespaceByRef(registry.db, fullPath);
  if (!namespace || !(await visible(registry, namespace))) return null;
  return {
    id: `gid://gitlab/${namespace.kind === "group" ? "Group" : "Namespaces::UserNamespace"}/${namespace.id}`,
    name: namespace.name,
    path: namespace.path,
    fullName: namespace.fullPath.split("/").join(" / "),
    fullPath: namespace.fullPath,
    visibility: namespace.visibility,
    packageSettings: async (context) => ((await administers(context.registry, namespace, false)) ? viewOf(await chainOf(context, namespace)) : null),
  };
}

/** Input names of the mutation that map onto stored settings (camelCase → GitLab's column). */
const SETTABLE: (keyof PackageSettings)[] = [
  "maven_duplicates_allowed",
  "maven_duplicate_exception_regex",
  "generic_duplicates_allowed",
  "generic_duplicate_exception_regex",
  "nuget_duplicates_allowed",
  "nuget_duplicate_exception_regex",
  "nuget_symbol_server_enabled",
  "terraform_module_duplicates_allowed",
  "terraform_module_duplicate_exception_regex",
  ...FORWARDING_FORMATS.flatMap((f) => [forwardingField(f), lockField(f)]),
];

export async function updatePackageSettings({ registry, chains }: GraphqlContext, input: Record<string, unknown>) {
  const path = String(input.namespacePath ?? "");
  const namespace = /^\d+$/.test(path) ? null : await getNamespaceByRef(registry.db, path);
  if (!namespace || !(await visible(registry, namespace)) || !(await administers(registry, namespace, true))) throw new GraphQLError(RESOURCE_NOT_AVAILABLE);
  const changes: NamespacePackageSettings = {};
  for (const key of SETTABLE) {
    const value = input[camel(key)];
    // GitLab's boolean columns are NOT NULL: a null for them is ignored; forwarding takes null (inherit).
    if (value === undefined || (value === null && !key.endsWith("_package_requests_forwarding"))) continue;
    (changes as Record<string, unknown>)[key] = value;
  }
  const outcome = await updateNamespacePackageSettings(registry.db, namespace, changes);
  chains.clear(); // what later fields of this request read must see the change
  const clientMutationId = input.clientMutationId ?? null;
  if (!outcome.ok) return { clientMutationId, errors: [toSentence(outcome.errors)], packageSettings: null };
  return { clientMutationId, errors: [], packageSettings: viewOf(outcome.settings) };
}

/** Rails' Array#to_sentence. */
function toSentence(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
