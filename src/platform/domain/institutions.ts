// Institutions (hospitals, city platforms, card makers, banks, front-end machines), their users, the
// role → permitted-interface table, and short-lived tokens (RHC_C0001).
//
// Replay resistance (design choice, documented in docs/platform.md): the password never travels; the
// client sends SM3(SM3(password) ‖ msgCreateTime); the platform accepts msgCreateTime only within ±300 s
// of its clock AND strictly newer than the last accepted one for that user, so a captured authentication
// cannot be replayed. Tokens are stateless (SM3-HMAC over the claims with a server key kept in the
// settings table), live 15 minutes, are bound to the institution and terminal, and are re-checked
// against the institution's enabled flag on every call. Writes are additionally idempotent by serialNo,
// so a replayed write within a token's life does not apply twice.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock, Random } from '../../card/runtime.ts';
import { RhcError } from '../errors.ts';
import type { Database } from '../storage/schema.ts';
import { parseWireTime } from './format.ts';
import { passwordDigest, sameHex, sm3Hex } from './secrets.ts';

export const ROLES = ['province', 'city', 'hospital', 'maker', 'bank', 'frontend'] as const;
export type Role = (typeof ROLES)[number];

const ALL = [
  'RHC_C0001',
  'RHC_C0002',
  'RHC_C0003',
  'RHC_C0004',
  'RHC_C0005',
  'RHC_C0006',
  'RHC_C0007',
  'RHC_C0008',
  'RHC_C0009',
  'RHC_C0010',
];

/** Which business codes each role may call (design choice; hospitals reach the platform via 前置机). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  province: ALL,
  city: ALL,
  hospital: ['RHC_C0001', 'RHC_C0002', 'RHC_C0003', 'RHC_C0005', 'RHC_C0007', 'RHC_C0008'],
  frontend: ['RHC_C0001', 'RHC_C0002', 'RHC_C0003', 'RHC_C0005', 'RHC_C0007', 'RHC_C0008'],
  maker: ['RHC_C0001', 'RHC_C0003', 'RHC_C0007'],
  bank: ['RHC_C0001', 'RHC_C0003', 'RHC_C0007', 'RHC_C0010'],
};

export const TOKEN_TTL_SECONDS = 15 * 60;
export const TIME_WINDOW_SECONDS = 300;

export interface Caller {
  institutionId: number;
  institutionCode: string;
  role: Role;
  regionCode: string;
  userName: string;
  termId: string;
}

export interface NewInstitution {
  code: string;
  name: string;
  role: Role;
  regionCode: string;
  userName?: string;
}

export interface IssuedCredentials {
  code: string;
  name: string;
  role: Role;
  regionCode: string;
  userName: string;
  password: string;
  appId: string;
  appSecret: string;
}

function hex(r: Random, n: number): string {
  return Buffer.from(r.bytes(n)).toString('hex');
}

/**
 * Region prefix an institution governs: a province (xx0000) its 2 digits, anything below it its city's 4
 * digits — cards carry a city-level 应用城市代码, so a county hospital acts for the cards of its city.
 */
export function regionPrefix(region: string): string {
  return region.endsWith('0000') ? region.slice(0, 2) : region.slice(0, 4);
}

export function mayTouchRegion(caller: Caller, appCityCode: string): boolean {
  return caller.role === 'province' || appCityCode.startsWith(regionPrefix(caller.regionCode));
}

export class InstitutionRegistry {
  private readonly cache = new Map<number, { enabled: boolean; at: number }>();
  private readonly db: Kysely<Database>;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly tokenKey: Buffer;

  private constructor(db: Kysely<Database>, clock: Clock, random: Random, tokenKey: Buffer) {
    this.db = db;
    this.clock = clock;
    this.random = random;
    this.tokenKey = tokenKey;
  }

  static async open(db: Kysely<Database>, clock: Clock, random: Random): Promise<InstitutionRegistry> {
    let row = await db
      .selectFrom('settings')
      .select('value')
      .where('name', '=', 'token_key')
      .executeTakeFirst();
    if (!row) {
      await db
        .insertInto('settings')
        .values({ name: 'token_key', value: hex(random, 32) })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      row = await db
        .selectFrom('settings')
        .select('value')
        .where('name', '=', 'token_key')
        .executeTakeFirstOrThrow();
    }
    return new InstitutionRegistry(db, clock, random, Buffer.from(row.value, 'hex'));
  }

  /** Registers an institution with one user; returns the credentials (printed once, never stored in clear). */
  async add(n: NewInstitution, password?: string): Promise<IssuedCredentials> {
    if (!/^[0-9A-Za-z-]{1,22}$/.test(n.code)) throw new RhcError('FIELD_FORMAT', { field: 'code' });
    if (!/^\d{6}$/.test(n.regionCode)) throw new RhcError('FIELD_FORMAT', { field: 'regionCode' });
    if (!(ROLES as readonly string[]).includes(n.role)) throw new RhcError('FIELD_FORMAT', { field: 'role' });
    const pwd = password ?? hex(this.random, 12);
    const appSecret = hex(this.random, 16);
    const appId = `app-${hex(this.random, 8)}`;
    const userName = n.userName ?? 'admin';
    const now = this.clock.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('institutions')
        .select('id')
        .where('code', '=', n.code)
        .executeTakeFirst();
      if (exists)
        throw new RhcError('FIELD_FORMAT', { field: 'code', detail: `institution ${n.code} already exists` });
      const inst = await trx
        .insertInto('institutions')
        .values({
          code: n.code,
          name: n.name,
          role: n.role,
          region_code: n.regionCode,
          app_id: appId,
          app_secret: appSecret,
          enabled: 1,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('institution_users')
        .values({
          institution_id: inst.id,
          user_name: userName,
          pwd_sm3: sm3Hex(pwd),
          last_auth_time: null,
          enabled: 1,
          created_at: now,
        })
        .execute();
    });
    return {
      code: n.code,
      name: n.name,
      role: n.role,
      regionCode: n.regionCode,
      userName,
      password: pwd,
      appId,
      appSecret,
    };
  }

  async setEnabled(code: string, enabled: boolean): Promise<void> {
    await this.db
      .updateTable('institutions')
      .set({ enabled: enabled ? 1 : 0 })
      .where('code', '=', code)
      .execute();
    this.cache.clear();
  }

  async list() {
    return this.db
      .selectFrom('institutions')
      .select(['code', 'name', 'role', 'region_code', 'app_id', 'enabled', 'created_at'])
      .orderBy('code')
      .execute();
  }

  async byAppId(appId: string) {
    return this.db.selectFrom('institutions').selectAll().where('app_id', '=', appId).executeTakeFirst();
  }

  /** RHC_C0001 credential check; returns the caller and its institution name. */
  async authenticate(input: {
    orgCode: string;
    userName: string;
    pwdDigest: string;
    msgCreateTime: string;
    termId: string;
  }) {
    const sent = parseWireTime(input.msgCreateTime);
    if (!sent) throw new RhcError('FIELD_FORMAT', { field: 'msgCreateTime' });
    if (Math.abs(sent.getTime() - this.clock.now().getTime()) > TIME_WINDOW_SECONDS * 1000)
      throw new RhcError('TIMESTAMP_WINDOW', { field: 'msgCreateTime' });
    const inst = await this.db
      .selectFrom('institutions')
      .selectAll()
      .where('code', '=', input.orgCode)
      .executeTakeFirst();
    if (!inst || !inst.enabled) throw new RhcError('INSTITUTION_NOT_REGISTERED', { field: 'orgCode' });
    const user = await this.db
      .selectFrom('institution_users')
      .selectAll()
      .where('institution_id', '=', inst.id)
      .where('user_name', '=', input.userName)
      .executeTakeFirst();
    if (
      !user ||
      !user.enabled ||
      !sameHex(passwordDigest(user.pwd_sm3, input.msgCreateTime), input.pwdDigest)
    )
      throw new RhcError('AUTH_FAILED');
    // replay guard: strictly newer than the last accepted authentication of this user
    const upd = await this.db
      .updateTable('institution_users')
      .set({ last_auth_time: input.msgCreateTime })
      .where('id', '=', user.id)
      .where((eb) =>
        eb.or([eb('last_auth_time', 'is', null), eb('last_auth_time', '<', input.msgCreateTime)]),
      )
      .executeTakeFirst();
    if (Number(upd.numUpdatedRows) !== 1)
      throw new RhcError('AUTH_FAILED', {
        detail: 'msgCreateTime not newer than the last authentication (replay)',
      });
    const caller: Caller = {
      institutionId: inst.id,
      institutionCode: inst.code,
      role: inst.role as Role,
      regionCode: inst.region_code,
      userName: user.user_name,
      termId: input.termId,
    };
    return { caller, orgName: inst.name };
  }

  issueToken(caller: Caller): { token: string; expiresAt: Date } {
    const exp = Math.floor(this.clock.now().getTime() / 1000) + TOKEN_TTL_SECONDS;
    const claims = {
      i: caller.institutionId,
      c: caller.institutionCode,
      r: caller.role,
      g: caller.regionCode,
      u: caller.userName,
      t: caller.termId,
      e: exp,
      n: hex(this.random, 6),
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresAt: new Date(exp * 1000) };
  }

  private sign(body: string): string {
    return createHmac('sm3', this.tokenKey).update(body).digest('base64url');
  }

  /** Token → caller, or 1006 (missing, forged, expired) / 1004 (institution disabled since). */
  async callerFromToken(token: string | undefined): Promise<Caller> {
    if (!token) throw new RhcError('TOKEN_INVALID', { detail: 'token missing' });
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 512) throw new RhcError('TOKEN_INVALID', { detail: 'malformed token' });
    const body = token.slice(0, dot);
    if (!sameHex(this.sign(body), token.slice(dot + 1)))
      throw new RhcError('TOKEN_INVALID', { detail: 'bad token signature' });
    let c: { i: number; c: string; r: Role; g: string; u: string; t: string; e: number };
    try {
      c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch (err) {
      throw new RhcError('TOKEN_INVALID', { detail: 'malformed token', cause: err });
    }
    if (c.e * 1000 <= this.clock.now().getTime())
      throw new RhcError('TOKEN_INVALID', { detail: 'token expired' });
    if (!(await this.isEnabled(c.i))) throw new RhcError('INSTITUTION_NOT_REGISTERED');
    return {
      institutionId: c.i,
      institutionCode: c.c,
      role: c.r,
      regionCode: c.g,
      userName: c.u,
      termId: c.t,
    };
  }

  private async isEnabled(id: number): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < 10_000) return hit.enabled;
    const row = await this.db
      .selectFrom('institutions')
      .select('enabled')
      .where('id', '=', id)
      .executeTakeFirst();
    const enabled = !!row?.enabled;
    this.cache.set(id, { enabled, at: now });
    return enabled;
  }
}

export function assertPermitted(caller: Caller, businessCode: string): void {
  if (!ROLE_PERMISSIONS[caller.role]?.includes(businessCode))
    throw new RhcError('NOT_PERMITTED', { detail: `role ${caller.role} may not call ${businessCode}` });
}
