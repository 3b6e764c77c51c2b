// POST /api/graphql: GitLab's GraphQL endpoint, serving the package-settings query and mutation
// (./schema.ts) through graphql-js. Token credentials only (PRIVATE-TOKEN, Authorization: Bearer), JSON
// bodies only, so a cross-site form can neither reach it with a cookie nor parse as a query.
//
//   curl -X POST https://HOST/api/graphql -H "Authorization: Bearer <token>" -H "Content-Type: application/json" \
//     --data '{"query":"mutation { updateNamespacePackageSettings(input: {namespacePath: \"acme\", mavenDuplicatesAllowed: false}) { packageSettings { mavenDuplicatesAllowed } errors } }"}'
import { Hono } from "hono";
import { GraphQLError, graphql, specifiedRules, type ValidationContext } from "graphql";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { readLimitedJson } from "../../http/request-body";
import { schema } from "./schema";

const MAX_BODY_BYTES = 64 * 1024;
/** Fields and fragment spreads one document may hold: each namespace or mutation field costs D1 round trips. */
const MAX_SELECTIONS = 100;

/** Refuse documents with more selections than MAX_SELECTIONS (aliases would otherwise multiply the work). */
function maxSelectionsRule(context: ValidationContext) {
  let selections = 0;
  const count = () => {
    selections++;
    if (selections === MAX_SELECTIONS + 1) context.reportError(new GraphQLError(`Query has more than ${MAX_SELECTIONS} fields`));
  };
  return { Field: count, FragmentSpread: count };
}

const requestSchema = z.object({
  query: z.string().max(MAX_BODY_BYTES),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

export const graphqlRoutes = new Hono<AppEnv>();

graphqlRoutes.post("/api/graphql", async (c) => {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (!/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/.test(type)) throw new AppError("unsupported_media_type", "415 Unsupported Media Type - send application/json");
  const parsed = requestSchema.safeParse(await readLimitedJson(c, MAX_BODY_BYTES));
  if (!parsed.success) return c.json({ errors: [{ message: "No query string was present" }] }, 200, { "Cache-Control": "no-store" });
  const { query, variables, operationName } = parsed.data;
  const result = await graphql({
    schema,
    source: query,
    variableValues: variables ?? undefined,
    operationName: operationName ?? undefined,
    contextValue: { registry: c.var.registry, chains: new Map() },
    rules: [...specifiedRules, maxSelectionsRule],
  });
  // An unexpected failure inside a resolver answers without its internal message (the log keeps it).
  const errors = result.errors?.map((error) => {
    if (!error.originalError || error.originalError instanceof GraphQLError) return error;
    console.error(`graphql request ${c.get("requestId")} failed`, error.originalError);
    return new GraphQLError(`Internal server error (request id ${c.get("requestId")})`, { path: error.path });
  });
  return c.json({ ...result, ...(errors ? { errors } : {}) }, 200, { "Cache-Control": "no-store" });
});
