// Failed sign-in counters: one row per throttled key (an account or a client address), fixed windows.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const authThrottle = sqliteTable("auth_throttle", {
  /** `account:<lowercased username>` or `address:<client IP>` */
  key: text("key").primaryKey(),
  windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
  failures: integer("failures").notNull(),
});
