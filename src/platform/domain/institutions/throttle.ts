// Throttling of failed sign-ins (issue 13 §3): failures are counted per user (`user:<org>|<name>`) and per
// source address (`source:<ip>`) in ONE row per key (auth_throttle), so an unauthenticated caller cannot
// grow the database by failing. From the FREE-th failure in a window each further failure locks the key for
// 2^(n − FREE + 1) s (2, 4, 8 …), up to 15 minutes; a locked key is refused (1013, HTTP 429, Retry-After) before the
// credentials are looked at. A success clears the user's count (not the source's: an attacker's own valid
// account must not reset its guessing budget).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { RhcError } from '../../errors.ts';
import type { Database } from '../../storage/schema.ts';

/** Failures allowed per window before backoff, per kind of key (data, documented in docs/credentials.md). */
export const THROTTLE = {
  free: { user: 5, source: 20 },
  maxLockSeconds: 15 * 60,
  /** A count older than this starts again from one. */
  windowSeconds: 60 * 60,
} as const;

export type ThrottleKey = { kind: keyof typeof THROTTLE.free; key: string };

export function throttleKeys(orgCode: string, userName: string, source: string | undefined): ThrottleKey[] {
  return [
    { kind: 'user', key: `user:${orgCode}|${userName}` },
    ...(source ? [{ kind: 'source' as const, key: `source:${source}` }] : []),
  ];
}

/** Refuses (1013) while any of the keys is locked. */
export async function checkThrottle(db: Kysely<Database>, now: Date, keys: ThrottleKey[]): Promise<void> {
  const rows = await db
    .selectFrom('auth_throttle')
    .select(['locked_until'])
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .execute();
  const until = Math.max(0, ...rows.map((r) => (r.locked_until ? Date.parse(r.locked_until) : 0)));
  if (until > now.getTime()) {
    const wait = Math.ceil((until - now.getTime()) / 1000);
    throw new RhcError('AUTH_THROTTLED', {
      detail: `too many failed sign-ins; retry after ${wait} s`,
      retryAfterSeconds: wait,
    });
  }
}

/** Counts a failure on every key; returns the keys whose lockout began with this failure (audit them). */
export async function recordFailure(
  db: Kysely<Database>,
  now: Date,
  keys: ThrottleKey[],
): Promise<ThrottleKey[]> {
  const at = now.toISOString();
  const stale = new Date(now.getTime() - THROTTLE.windowSeconds * 1000).toISOString();
  const began: ThrottleKey[] = [];
  for (const k of keys) {
    // one atomic upsert per key: concurrent failures all count
    const row = await db
      .insertInto('auth_throttle')
      .values({ key: k.key, failures: 1, locked_until: null, updated_at: at })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when auth_throttle.updated_at < ${stale} then 1 else auth_throttle.failures + 1 end`,
          updated_at: at,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const n = Number(row.failures);
    const free = THROTTLE.free[k.kind];
    if (n < free) continue;
    const seconds = Math.min(2 ** (n - free + 1), THROTTLE.maxLockSeconds);
    await db
      .updateTable('auth_throttle')
      .set({ locked_until: new Date(now.getTime() + seconds * 1000).toISOString() })
      .where('key', '=', k.key)
      .execute();
    if (n === free) began.push(k);
  }
  return began;
}

/** A successful sign-in clears the user's count. */
export async function clearFailures(db: Kysely<Database>, keys: ThrottleKey[]): Promise<void> {
  const users = keys.filter((k) => k.kind === 'user').map((k) => k.key);
  if (users.length) await db.deleteFrom('auth_throttle').where('key', 'in', users).execute();
}
