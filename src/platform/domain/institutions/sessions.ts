// Token → caller on every call, sliding renewal and sign-out. A token carries the user's and the terminal's
// token epochs: a password reset or a disable bumps the user's (institution disable: all its users'), a
// sign-out the terminal's, and every call compares them with the database (cached 10 s like the user role;
// the cache of this process is dropped at once on every change made through it).
import type { Kysely } from 'kysely';
import type { Clock } from '../../../base/runtime.ts';
import { RhcError } from '../../errors.ts';
import type { Database } from '../../storage/schema.ts';
import type { Caller, UserRole } from './roles.ts';
import { SESSION_MAX_SECONDS } from './tokens.ts';
import type { Session, TokenClaims, TokenSigner } from './tokens.ts';

const CACHE_MS = 10_000;

interface Current {
  institutionEnabled: boolean;
  enabled: boolean;
  role: UserRole;
  userEpoch: number;
  /** -1 when the terminal never signed in (no token of it can be valid). */
  terminalEpoch: number;
  at: number;
}

export class Sessions {
  /** Tokens whose signature was checked (expiry, epochs and enabled flags are still checked every call). */
  private readonly verified = new Map<string, TokenClaims>();
  private readonly cache = new Map<string, Current>();
  private readonly db: Kysely<Database>;
  private readonly clock: Clock;
  private readonly signer: TokenSigner;

  constructor(db: Kysely<Database>, clock: Clock, signer: TokenSigner) {
    this.db = db;
    this.clock = clock;
    this.signer = signer;
  }

  issue(caller: Caller, session: Session): { token: string; expiresAt: Date } {
    return this.signer.issue(caller, session, this.clock.now().getTime());
  }

  /** Forgets what this process cached (after a change of users, roles, epochs or enabled flags). */
  forget(): void {
    this.cache.clear();
  }

  private claims(token: string | undefined): TokenClaims {
    if (!token) throw new RhcError('TOKEN_INVALID', { detail: 'token missing' });
    // a client sends the same token for up to 15 minutes: its signature is checked once, then remembered
    let c = this.verified.get(token);
    if (!c) {
      c = this.signer.verify(token);
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, c);
    }
    return c;
  }

  /** Token → caller, or 1006 (missing, forged, expired, revoked) / 1004 (institution disabled since). */
  async callerFromToken(token: string | undefined): Promise<Caller> {
    const c = this.claims(token);
    if (c.e * 1000 <= this.clock.now().getTime())
      throw new RhcError('TOKEN_INVALID', { detail: 'token expired' });
    const cur = await this.current(c.i, c.u, c.t);
    if (!cur.institutionEnabled) throw new RhcError('INSTITUTION_NOT_REGISTERED');
    if (!cur.enabled)
      throw new RhcError('TOKEN_INVALID', { detail: 'user disabled since the token was issued' });
    if (c.v !== cur.userEpoch || c.w !== cur.terminalEpoch)
      throw new RhcError('TOKEN_INVALID', {
        detail: 'token revoked (signed out, password reset or account disabled since)',
      });
    return {
      institutionId: c.i,
      institutionCode: c.c,
      role: c.r,
      regionCode: c.g,
      userName: c.u,
      userRole: cur.role,
      termId: c.t,
    };
  }

  /** A fresh token for a valid one (sliding session, up to SESSION_MAX_SECONDS after the sign-in). */
  async renew(token: string | undefined): Promise<{ token: string; expiresAt: Date }> {
    const caller = await this.callerFromToken(token);
    const c = this.claims(token);
    if (this.clock.now().getTime() / 1000 - c.a > SESSION_MAX_SECONDS)
      throw new RhcError('TOKEN_INVALID', { detail: 'session too old to renew: sign in again' });
    return this.issue(caller, { userEpoch: c.v, terminalEpoch: c.w, signedInAt: c.a });
  }

  /** Revokes every token of the token's terminal (console sign-out). */
  async signOut(token: string | undefined): Promise<Caller> {
    const caller = await this.callerFromToken(token);
    const user = this.db
      .selectFrom('institution_users')
      .select('id')
      .where('institution_id', '=', caller.institutionId)
      .where('user_name', '=', caller.userName);
    await this.db
      .updateTable('auth_terminals')
      .set((eb) => ({ token_epoch: eb('token_epoch', '+', 1) }))
      .where('user_id', '=', user)
      .where('term_id', '=', caller.termId)
      .execute();
    this.forget();
    return caller;
  }

  /** Enabled flags, role and epochs of (institution, user, terminal), cached briefly. */
  private async current(id: number, userName: string, termId: string): Promise<Current> {
    const now = Date.now();
    const key = `${id}|${userName}|${termId}`;
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_MS) return hit;
    const row = await this.db
      .selectFrom('institutions as i')
      .innerJoin('institution_users as u', 'u.institution_id', 'i.id')
      .leftJoin('auth_terminals as t', (j) => j.onRef('t.user_id', '=', 'u.id').on('t.term_id', '=', termId))
      .select([
        'i.enabled as inst',
        'u.enabled as usr',
        'u.role',
        'u.token_epoch as ue',
        't.token_epoch as te',
      ])
      .where('i.id', '=', id)
      .where('u.user_name', '=', userName)
      .executeTakeFirst();
    const entry: Current = {
      institutionEnabled: !!row?.inst,
      enabled: !!row?.usr,
      role: (row?.role ?? 'query') as UserRole,
      userEpoch: Number(row?.ue ?? -1),
      terminalEpoch: row?.te === null || row?.te === undefined ? -1 : Number(row.te),
      at: now,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, entry);
    return entry;
  }
}
