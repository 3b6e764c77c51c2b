// The GraphQL schema Packyard serves: GitLab's `namespace(fullPath) { packageSettings }` query and its
// `updateNamespacePackageSettings` mutation, with GitLab's type, field, input and payload names.
// Spec: GitLab app/graphql/types/namespace/package_settings_type.rb,
// app/graphql/mutations/namespace/package_settings/update.rb, doc/api/graphql/reference.
import {
  GraphQLBoolean,
  GraphQLError,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
} from "graphql";
import { invalidDuplicatePattern } from "../../core/publish/duplicates";
import type { PackageSettingsView } from "./package-settings";
import { namespaceByPath, updatePackageSettings, type GraphqlContext, type NamespaceView } from "./package-settings";
import { projectField, updatePolicyField } from "./cleanup-policy";

/** GitLab's UntrustedRegexp scalar: a pattern RE2 compiles, refused at coercion with GitLab's message. */
const untrustedRegexp = new GraphQLScalarType<string, string>({
  name: "UntrustedRegexp",
  description: "A regex that is possible to safely use in an RE2 engine",
  serialize: (value) => String(value),
  coerceInputValue: (value) => checkedPattern(value),
  coerceInputLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("UntrustedRegexp must be a string");
    return checkedPattern(ast.value);
  },
});

function checkedPattern(value: unknown): string {
  if (typeof value !== "string") throw new GraphQLError("UntrustedRegexp must be a string");
  const problem = invalidDuplicatePattern(value);
  if (problem) throw new GraphQLError(`${value} is an invalid regexp: ${problem}`);
  return value;
}

/** GitLab's fields of PackageSettings: [camelCase name, type, nullable]. Booleans unless a regex. */
const SETTINGS_FIELDS: [keyof PackageSettingsView, "boolean" | "regexp", boolean][] = [
  ["mavenDuplicatesAllowed", "boolean", false],
  ["mavenDuplicateExceptionRegex", "regexp", true],
  ["genericDuplicatesAllowed", "boolean", false],
  ["genericDuplicateExceptionRegex", "regexp", true],
  ["nugetDuplicatesAllowed", "boolean", false],
  ["nugetDuplicateExceptionRegex", "regexp", true],
  ["nugetSymbolServerEnabled", "boolean", false],
  ["terraformModuleDuplicatesAllowed", "boolean", false],
  ["terraformModuleDuplicateExceptionRegex", "regexp", true],
  ["mavenPackageRequestsForwarding", "boolean", true],
  ["npmPackageRequestsForwarding", "boolean", true],
  ["pypiPackageRequestsForwarding", "boolean", true],
  ["lockMavenPackageRequestsForwarding", "boolean", false],
  ["lockNpmPackageRequestsForwarding", "boolean", false],
  ["lockPypiPackageRequestsForwarding", "boolean", false],
  ["mavenPackageRequestsForwardingLocked", "boolean", false],
  ["npmPackageRequestsForwardingLocked", "boolean", false],
  ["pypiPackageRequestsForwardingLocked", "boolean", false],
];

const scalarOf = (kind: "boolean" | "regexp") => (kind === "boolean" ? GraphQLBoolean : untrustedRegexp);

const packageSettingsType = new GraphQLObjectType<PackageSettingsView>({
  name: "PackageSettings",
  description: "Namespace-level Package Registry settings",
  fields: Object.fromEntries(
    SETTINGS_FIELDS.map(([name, kind, nullable]) => [name, { type: nullable ? scalarOf(kind) : new GraphQLNonNull(scalarOf(kind)) }]),
  ) as GraphQLFieldConfigMap<PackageSettingsView, GraphqlContext>,
});

const namespaceType = new GraphQLObjectType<NamespaceView, GraphqlContext>({
  name: "Namespace",
  fields: {
    id: { type: new GraphQLNonNull(GraphQLID) },
    name: { type: new GraphQLNonNull(GraphQLString) },
    path: { type: new GraphQLNonNull(GraphQLString) },
    fullName: { type: new GraphQLNonNull(GraphQLString) },
    fullPath: { type: new GraphQLNonNull(GraphQLID) },
    visibility: { type: GraphQLString },
    // null unless the caller may administer the namespace's packages (GitLab: authorize :admin_package).
    packageSettings: { type: packageSettingsType, resolve: (namespace, _args, context) => namespace.packageSettings(context) },
  },
});

/** The mutation's arguments: every settable field of PackageSettings (the `…Locked` ones are read-only). */
const INPUT_FIELDS = SETTINGS_FIELDS.filter(([name]) => !name.endsWith("Locked"));

const updateInput = new GraphQLInputObjectType({
  name: "UpdateNamespacePackageSettingsInput",
  fields: {
    clientMutationId: { type: GraphQLString },
    namespacePath: { type: new GraphQLNonNull(GraphQLID) },
    ...(Object.fromEntries(INPUT_FIELDS.map(([name, kind]) => [name, { type: scalarOf(kind) }])) as GraphQLInputFieldConfigMap),
  },
});

const updatePayload = new GraphQLObjectType({
  name: "UpdateNamespacePackageSettingsPayload",
  fields: {
    clientMutationId: { type: GraphQLString },
    errors: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) },
    packageSettings: { type: packageSettingsType },
  },
});

export const schema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, GraphqlContext>({
    name: "Query",
    fields: {
      namespace: {
        type: namespaceType,
        args: { fullPath: { type: new GraphQLNonNull(GraphQLID) } },
        resolve: (_root, args: { fullPath: string }, context) => namespaceByPath(context, args.fullPath),
      },
      project: projectField,
    },
  }),
  mutation: new GraphQLObjectType<unknown, GraphqlContext>({
    name: "Mutation",
    fields: {
      updateNamespacePackageSettings: {
        type: updatePayload,
        args: { input: { type: new GraphQLNonNull(updateInput) } },
        resolve: (_root, args: { input: Record<string, unknown> }, context) => updatePackageSettings(context, args.input),
      },
      updatePackagesCleanupPolicy: updatePolicyField,
    },
  }),
});
