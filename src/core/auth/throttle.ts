// Password guessing is throttled per account and per client address: after too many failed sign-ins in
// a fixed window, sign-in answers 429 with Retry-After until the window ends (checked before the
// password is, so a locked key costs no PBKDF2 work). Counters live in D1 (`auth_throttle`).
//
//   check(keys)    one SELECT: any key at its limit inside its window → retry after (window end - now)
//   fail(keys)     one batch of upserts: a key whose window has ended starts a new one at 1
//   succeed(key)   the account's counter is cleared; the address counter is kept
import { sql } from "drizzle-orm";
import { inIds, type Db } from "../../db/client";
import { authThrottle } from "../../db/schema";

export interface ThrottleRule {
  failures: number;
  windowMs: number;
}

/** GitLab's defaults are in the same range (Rack::Attack: a few dozen failed logins per IP per minutes). */
export const SIGN_IN_RULES = {
  account: { failures: 10, windowMs: 15 * 60_000 },
  address: { failures: 50, windowMs: 15 * 60_000 },
} satisfies Record<string, ThrottleRule>;

export interface ThrottleKey {
  key: string;
  rule: ThrottleRule;
}

export function signInKeys(username: string, address: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `account:${username.toLowerCase()}`, rule: SIGN_IN_RULES.account }];
  if (address) keys.push({ key: `address:${address}`, rule: SIGN_IN_RULES.address });
  return keys;
}

/** Seconds until every key is below its limit again, or 0 when none is at it. */
export async function throttledFor(db: Db, keys: ThrottleKey[], now = Date.now()): Promise<number> {
  const rows = await db.select().from(authThrottle).where(inIds(authThrottle.key, keys.map((k) => k.key))).all();
  let wait = 0;
  for (const row of rows) {
    const rule = keys.find((k) => k.key === row.key)?.rule;
    if (!rule) continue;
    const ends = row.windowStartedAt.getTime() + rule.windowMs;
    if (ends > now && row.failures >= rule.failures) wait = Math.max(wait, Math.ceil((ends - now) / 1000));
  }
  return wait;
}

export async function recordFailure(db: Db, keys: ThrottleKey[], now = Date.now()): Promise<void> {
  const statements = keys.map(({ key, rule }) => {
    const expired = sql`${authThrottle.windowStartedAt} <= ${now - rule.windowMs}`;
    return db
      .insert(authThrottle)
      .values({ key, windowStartedAt: new Date(now), failures: 1 })
      .onConflictDoUpdate({
        target: authThrottle.key,
        set: {
          failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${authThrottle.failures} + 1 END`,
          windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${authThrottle.windowStartedAt} END`,
        },
      });
  });
  if (statements.length > 0) await db.batch(statements as [(typeof statements)[0], ...typeof statements]);
}

export async function clearFailures(db: Db, key: ThrottleKey): Promise<void> {
  await db.delete(authThrottle).where(sql`${authThrottle.key} = ${key.key}`).run();
}
