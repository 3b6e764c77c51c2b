// Statements drizzle builds once per isolate instead of once per request. Building a select (its SQL tree,
// then the SQL text and parameter list) cost about 30% of the Worker's CPU on an authenticated packument, whose
// one D1 batch holds about nine statements of a handful of shapes.
//
// A compiled family is a function of a `variant` string only: its `build` sees the variant and placeholders
// (`sql.placeholder(name)`), never a request's values, so what it builds for a variant is the same for every
// request, and the variant string is the whole cache key by construction. Each use binds its values to the
// placeholders: driver values only (strings, numbers, null; a placeholder skips the column's encoder), and an
// array bound through `json_each` is passed as its JSON text.
//
// A use is a batch item of the same type as what `build` returned (`db.batch` takes it; `.all()`/`.get()` run it
// alone). This relies on drizzle-orm's prepared-query internals (`_prepare`, `session.prepareQuery`), pinned by
// the lockfile and pinned down by test/db/compiled.test.ts.
import { fillPlaceholders, sql, type Placeholder } from "drizzle-orm";
import { createDb, type Db } from "./client";

/** What drizzle's select builders and prepared queries expose to its own batch (internal API). */
interface PreparedQueryInternals {
  query: { sql: string; params: unknown[] };
  fields?: unknown;
  executeMethod: string;
  customResultMapper?: unknown;
  joinsNotNullableMap?: unknown;
  isResponseInArrayMode(): boolean;
  all(): Promise<unknown>;
  get(): Promise<unknown>;
}
interface SessionInternals {
  prepareQuery(query: { sql: string; params: unknown[] }, fields: unknown, executeMethod: string, arrayMode: boolean, customResultMapper?: unknown): PreparedQueryInternals;
}
type Buildable = { _prepare(): PreparedQueryInternals };

interface Template {
  query: { sql: string; params: unknown[] };
  fields: unknown;
  executeMethod: string;
  arrayMode: boolean;
  customResultMapper: unknown;
  joinsNotNullableMap: unknown;
}

/** A placeholder named `name` (the value each use binds). */
export const slot = (name: string): Placeholder => sql.placeholder(name);

/**
 * The client templates are built on: drizzle prepares each statement it builds on its client, and a template
 * is not a use (nothing is sent, and a D1 binding that counts statements must not count it).
 */
const templateDb = createDb({ prepare: () => ({}) } as unknown as D1Database);

let builds = 0;
/** How many statement lists compiled families have built in this isolate (tests pin that hot reads build none). */
export const compiledBuilds = () => builds;

/** How many variants a family keeps (variants come from a closed set in code; this only bounds a mistake). */
const MAX_VARIANTS = 64;

/**
 * A family of statement lists built once per variant: `family(db, variant, values)` gives `build(db, variant)`'s
 * statements with `values` bound to their placeholders, ready for one `db.batch`.
 */
export function compiledFamily<const Q extends readonly unknown[]>(build: (db: Db, variant: string) => Q) {
  const templates = new Map<string, Template[]>();
  return (db: Db, variant: string, values: Record<string, unknown>): Q => {
    let list = templates.get(variant);
    if (!list) {
      list = build(templateDb, variant).map((statement) => templateOf(statement as unknown as Buildable));
      builds++;
      if (templates.size < MAX_VARIANTS) templates.set(variant, list);
    }
    const session = (db as unknown as { session: SessionInternals }).session;
    return list.map((template) => boundItem(session, template, values)) as unknown as Q;
  };
}

function templateOf(statement: Buildable): Template {
  const prepared = statement._prepare();
  return {
    query: prepared.query,
    fields: prepared.fields,
    executeMethod: prepared.executeMethod,
    arrayMode: prepared.isResponseInArrayMode(),
    customResultMapper: prepared.customResultMapper,
    joinsNotNullableMap: prepared.joinsNotNullableMap,
  };
}

/** A batch item: drizzle's batch calls `_prepare()`, then binds `getQuery().params` and maps rows with it. */
function boundItem(session: SessionInternals, template: Template, values: Record<string, unknown>) {
  const prepare = () => {
    // Throws for a placeholder without a value.
    const params = fillPlaceholders(template.query.params, values);
    const prepared = session.prepareQuery({ sql: template.query.sql, params }, template.fields, template.executeMethod, template.arrayMode, template.customResultMapper);
    prepared.joinsNotNullableMap = template.joinsNotNullableMap;
    return prepared;
  };
  return { _prepare: prepare, all: () => prepare().all(), get: () => prepare().get() };
}
