// The drizzle client over the D1 binding, and the SQL helpers every core query shares. Only src/core,
// src/api and src/ui import this file; formats reach D1 through the registry context.
import { drizzle } from "drizzle-orm/d1";
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

export type Db = ReturnType<typeof createDb>;

/**
 * Without `schema`: nothing uses drizzle's relational `db.query` API, and building its table map from the
 * schema cost about a fifth of the CPU of every request (each request makes its own client over its binding
 * or D1 session).
 */
export function createDb(d1: D1Database) {
  return drizzle(d1);
}

/**
 * `column IN (ids)` with one bound parameter, however many ids: D1 allows at most 100 bound
 * parameters per statement, and a group can hold thousands of projects. A compiled statement
 * (src/db/compiled.ts) passes a placeholder instead, bound to the ids' JSON text.
 */
export function inIds(column: SQLWrapper, ids: readonly (number | string)[] | SQLWrapper): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${isList(ids) ? idsParam(ids) : ids}))`;
}

/** The one parameter `inIds` binds for a list: what a compiled statement's placeholder for it is given. */
export const idsParam = (ids: readonly (number | string)[]): string => JSON.stringify(ids);

const isList = (ids: readonly (number | string)[] | SQLWrapper): ids is readonly (number | string)[] => Array.isArray(ids);
