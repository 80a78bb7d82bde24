// Stateless bearer tokens of RHC_C0001: SM3-HMAC over the claims with a server key kept in the settings
// table, 15 minutes, bound to the institution and terminal.
import { createHmac } from 'node:crypto';
import type { Random } from '../../../base/runtime.ts';
import { RhcError } from '../../errors.ts';
import { sameText } from '../secrets.ts';
import type { Caller, Role } from './roles.ts';

export const TOKEN_TTL_SECONDS = 15 * 60;
/** A session renews (sliding) up to this long after its sign-in; then the clerk signs in again. */
export const SESSION_MAX_SECONDS = 12 * 60 * 60;

/** What a token is valid against: the user's and the terminal's token epochs, and the sign-in time (s). */
export interface Session {
  userEpoch: number;
  terminalEpoch: number;
  signedInAt: number;
}

/**
 * Claims of a token: institution id, code, role, region, user, terminal, expiry (s), user epoch, terminal
 * epoch, sign-in time (s), nonce.
 */
export interface TokenClaims {
  i: number;
  c: string;
  r: Role;
  g: string;
  u: string;
  t: string;
  e: number;
  v: number;
  w: number;
  a: number;
}

export function randomHex(r: Random, n: number): string {
  return Buffer.from(r.bytes(n)).toString('hex');
}

export class TokenSigner {
  private readonly key: Buffer;
  private readonly random: Random;

  constructor(key: Buffer, random: Random) {
    this.key = key;
    this.random = random;
  }

  issue(caller: Caller, session: Session, nowMs: number): { token: string; expiresAt: Date } {
    const exp = Math.floor(nowMs / 1000) + TOKEN_TTL_SECONDS;
    const claims = {
      i: caller.institutionId,
      c: caller.institutionCode,
      r: caller.role,
      g: caller.regionCode,
      u: caller.userName,
      t: caller.termId,
      e: exp,
      v: session.userEpoch,
      w: session.terminalEpoch,
      a: session.signedInAt,
      n: randomHex(this.random, 6),
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresAt: new Date(exp * 1000) };
  }

  private sign(body: string): string {
    return createHmac('sm3', this.key).update(body).digest('base64url');
  }

  /** Signature check and claims, or 1006. Expiry and enabled flags are the caller's to check. */
  verify(token: string): TokenClaims {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 512) throw new RhcError('TOKEN_INVALID', { detail: 'malformed token' });
    const body = token.slice(0, dot);
    if (!sameText(this.sign(body), token.slice(dot + 1)))
      throw new RhcError('TOKEN_INVALID', { detail: 'bad token signature' });
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch (err) {
      throw new RhcError('TOKEN_INVALID', { detail: 'malformed token', cause: err });
    }
  }
}
