// Counts the D1 statements a page prepares, so every page can report its query budget in a
// `Server-Timing` header (tests and the list-page measurement read it), and the round trips they
// took (a batch of several statements is one), so tests can show that a write is one batch.

export interface CountingD1 {
  d1: D1Database;
  count: () => number;
  /** Statements sent alone, plus batches. */
  roundTrips: () => number;
}

export function countingD1(target: D1Database): CountingD1 {
  let statements = 0;
  let batched = 0;
  let batches = 0;
  // Reads go through a session (src/core/registry/read-session.ts): its statements count too.
  const countedSession = (session: D1DatabaseSession) => ({
    prepare: (query: string) => {
      statements++;
      return session.prepare(query);
    },
    batch: (list: D1PreparedStatement[]) => {
      batches++;
      batched += list.length;
      return session.batch(list);
    },
    getBookmark: () => session.getBookmark(),
  });
  const d1 = new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      if (property === "prepare") {
        return (query: string) => {
          statements++;
          return object.prepare(query);
        };
      }
      if (property === "withSession") {
        return (constraint?: string) => countedSession(object.withSession(constraint));
      }
      if (property === "exec") {
        return (query: string) => {
          statements++;
          return object.exec(query);
        };
      }
      if (property === "batch") {
        return (list: D1PreparedStatement[]) => {
          batches++;
          batched += list.length;
          return object.batch(list);
        };
      }
      return value.bind(object);
    },
  });
  return { d1, count: () => statements, roundTrips: () => statements - batched + batches };
}
