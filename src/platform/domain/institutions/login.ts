// RHC_C0001 credential check.
//
// Replay resistance (design choice, documented in docs/platform.md): the password never travels; the
// client sends SM3(SM3(password) ‖ msgCreateTime); the platform accepts msgCreateTime only within ±300 s
// of its clock AND strictly newer than the last accepted one from that terminal (user + termId: one
// terminal's fast clock does not lock out the user's other terminals), so a captured authentication cannot
// be replayed. Writes are additionally idempotent by serialNo, so a replayed write within a token's
// life does not apply twice.
import type { Kysely } from 'kysely';
import type { Clock } from '../../../base/runtime.ts';
import { RhcError } from '../../errors.ts';
import type { Database } from '../../storage/schema.ts';
import { parseWireTime } from '../format.ts';
import { digestMatches, proofMatches, scramAuthMessage } from './passwords.ts';
import type { StoredPassword } from './passwords.ts';
import { checkThrottle, clearFailures, recordFailure, throttleKeys } from './throttle.ts';
import type { ThrottleKey } from './throttle.ts';
import type { Caller, Role, UserRole } from './roles.ts';
import type { Session } from './tokens.ts';

export const TIME_WINDOW_SECONDS = 300;

export interface LoginInput {
  orgCode: string;
  userName: string;
  /** The provincial digest scheme (§2.2), checked against the sealed SM3(password). */
  pwdDigest?: string | undefined;
  /** The SCRAM-style proof of the typed bindings (passwords.ts), checked against the stored verifier. */
  clientProof?: string | undefined;
  msgCreateTime: string;
  termId: string;
}

/** Where a sign-in came from, and who hears of a lockout (the audit). */
export interface LoginContext {
  /** Source address of the request (REST/SOAP/envelope bindings); per-source throttling needs it. */
  source?: string | undefined;
  onLockout?: (key: ThrottleKey) => void;
}

/**
 * Checks the credentials; returns the caller, its institution name and the session of the new token, or
 * throws 1013 (throttled) / 1009 / 1004 / 1005. Failures count towards the throttle (throttle.ts).
 */
export async function login(
  db: Kysely<Database>,
  clock: Clock,
  sealKey: Buffer,
  input: LoginInput,
  lc: LoginContext = {},
) {
  if (input.pwdDigest === undefined && input.clientProof === undefined)
    throw new RhcError('FIELD_MISSING', { field: 'pwdDigest', detail: 'send pwdDigest or clientProof' });
  const keys = throttleKeys(input.orgCode, input.userName, lc.source);
  await checkThrottle(db, clock.now(), keys);
  try {
    const out = await check(db, clock, sealKey, input);
    await clearFailures(db, keys);
    return out;
  } catch (err) {
    if (err instanceof RhcError && (err.code === '1005' || err.code === '1004'))
      for (const k of await recordFailure(db, clock.now(), keys)) lc.onLockout?.(k);
    throw err;
  }
}

function proves(sealKey: Buffer, user: StoredPassword, input: LoginInput): boolean {
  if (input.clientProof !== undefined) return proofMatches(user, scramAuthMessage(input), input.clientProof);
  return digestMatches(sealKey, user, input.msgCreateTime, input.pwdDigest ?? '');
}

async function check(db: Kysely<Database>, clock: Clock, sealKey: Buffer, input: LoginInput) {
  const sent = parseWireTime(input.msgCreateTime);
  if (!sent) throw new RhcError('FIELD_FORMAT', { field: 'msgCreateTime' });
  if (Math.abs(sent.getTime() - clock.now().getTime()) > TIME_WINDOW_SECONDS * 1000)
    throw new RhcError('TIMESTAMP_WINDOW', { field: 'msgCreateTime' });
  const inst = await db
    .selectFrom('institutions')
    .selectAll()
    .where('code', '=', input.orgCode)
    .executeTakeFirst();
  if (!inst || !inst.enabled) throw new RhcError('INSTITUTION_NOT_REGISTERED', { field: 'orgCode' });
  const user = await db
    .selectFrom('institution_users')
    .selectAll()
    .where('institution_id', '=', inst.id)
    .where('user_name', '=', input.userName)
    .executeTakeFirst();
  if (!user || !user.enabled || !proves(sealKey, user, input)) throw new RhcError('AUTH_FAILED');
  // replay guard: strictly newer than the last accepted authentication of this terminal
  const term = await db
    .insertInto('auth_terminals')
    .values({ user_id: user.id, term_id: input.termId, last_auth_time: input.msgCreateTime })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'term_id'])
        .doUpdateSet({ last_auth_time: input.msgCreateTime })
        .where('auth_terminals.last_auth_time', '<', input.msgCreateTime),
    )
    .returning('token_epoch')
    .executeTakeFirst();
  if (!term)
    throw new RhcError('AUTH_FAILED', {
      detail: 'msgCreateTime not newer than the last authentication from this terminal (replay)',
    });
  const caller: Caller = {
    institutionId: inst.id,
    institutionCode: inst.code,
    role: inst.role as Role,
    regionCode: inst.region_code,
    userName: user.user_name,
    userRole: user.role as UserRole,
    termId: input.termId,
  };
  const session: Session = {
    userEpoch: user.token_epoch,
    terminalEpoch: term.token_epoch,
    signedInAt: Math.floor(clock.now().getTime() / 1000),
  };
  return { caller, orgName: inst.name, session };
}
