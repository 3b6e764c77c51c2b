// Reads through D1's Sessions API: a request's reads share one session that may be served by a read
// replica ("first-unconstrained"), writes go to the primary. A replica may lag behind the primary, so a
// read that finds nothing (or is refused) is asked again of the primary, unless the session has already
// been served by the primary in this request (a session never goes back in time, so a write that finished
// before then is visible). That gives read-your-writes across requests without client bookmarks: a CI job
// that installs what the previous job published never sees a 404 for it.
import { createDb, type Db } from "../../db/client";
import { AppError } from "../errors";

export class ReadSession {
  private sessionDb: Db | null = null;
  /** Whether a batch of this session reported being served by the primary. */
  private sawPrimary = false;

  constructor(private readonly d1: D1Database) {}

  /**
   * `read` on the session; again on `primary` when its answer is a miss (or an AppError such as 404) that a
   * lagging replica could explain.
   */
  async read<T>(primary: Db, read: (db: Db) => Promise<T>, isMiss: (result: T) => boolean): Promise<T> {
    try {
      const result = await read(this.db());
      if (this.sawPrimary || !isMiss(result)) return result;
    } catch (error) {
      if (this.sawPrimary || !(error instanceof AppError)) throw error;
    }
    return read(primary);
  }

  private db(): Db {
    if (this.sessionDb) return this.sessionDb;
    const session: D1DatabaseSession | D1Database = typeof this.d1.withSession === "function" ? this.d1.withSession("first-unconstrained") : this.d1;
    // drizzle calls only prepare and batch; batch results carry where they were served.
    const tracked = {
      prepare: (query: string) => session.prepare(query),
      batch: async <T>(statements: D1PreparedStatement[]) => {
        const results = await session.batch<T>(statements);
        if (results.length > 0 && results.every((r) => r.meta?.served_by_primary === true)) this.sawPrimary = true;
        return results;
      },
    };
    this.sessionDb = createDb(tracked as unknown as D1Database);
    return this.sessionDb;
  }
}
