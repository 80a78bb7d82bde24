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
import type { Clock, Random } from '../../base/runtime.ts';
import { checkOrgCode } from '../../codes/index.ts';
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

/**
 * Roles of the users inside an institution (design choice). A user may call what its institution's role
 * allows AND its own role allows: the issuance window's operator writes, a doctor's workstation account
 * only queries, an auditor sees statistics. Users created with an institution are admins.
 */
export const USER_ROLES = ['admin', 'operator', 'query', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const USER_ROLE_PERMISSIONS: Readonly<Record<UserRole, readonly string[]>> = {
  admin: ALL,
  operator: ALL,
  query: ['RHC_C0001', 'RHC_C0002', 'RHC_C0003', 'RHC_C0007', 'RHC_C0008'],
  auditor: ['RHC_C0001', 'RHC_C0008'],
};

/** Business codes a user of `role` in an institution of `instRole` may call. */
export function permittedCodes(instRole: Role, role: UserRole): string[] {
  const mine = USER_ROLE_PERMISSIONS[role] ?? [];
  return (ROLE_PERMISSIONS[instRole] ?? []).filter((c) => mine.includes(c));
}

export const TOKEN_TTL_SECONDS = 15 * 60;
export const TIME_WINDOW_SECONDS = 300;

export interface Caller {
  institutionId: number;
  institutionCode: string;
  role: Role;
  regionCode: string;
  userName: string;
  /** The user's role (read from the database on every call, cached 10 s: changes apply quickly). */
  userRole: UserRole;
  termId: string;
}

export interface NewInstitution {
  code: string;
  name: string;
  role: Role;
  regionCode: string;
  userName?: string;
}

export interface NewUser {
  userName: string;
  role: UserRole;
}

export interface UserCredentials {
  institutionCode: string;
  userName: string;
  role: UserRole;
  password: string;
}

const USER_NAME_RE = /^[0-9A-Za-z_.@-]{1,32}$/;

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

/** Claims of a token: institution id, code, role, region, user, terminal, expiry (s), nonce. */
interface TokenClaims {
  i: number;
  c: string;
  r: Role;
  g: string;
  u: string;
  t: string;
  e: number;
}

export class InstitutionRegistry {
  /** Tokens whose signature was checked (expiry and enabled flags are still checked on every call). */
  private readonly verifiedTokens = new Map<string, TokenClaims>();
  private readonly cache = new Map<
    string,
    { institutionEnabled: boolean; enabled: boolean; role: UserRole; at: number }
  >();
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
    const org = checkOrgCode(n.code); // GB 11714 / GB 32100 check character (issue 13 §7)
    if (!org.valid) throw new RhcError('FIELD_FORMAT', { field: 'code', detail: `${org.zh} / ${org.en}` });
    if (!/^\d{6}$/.test(n.regionCode)) throw new RhcError('FIELD_FORMAT', { field: 'regionCode' });
    if (!(ROLES as readonly string[]).includes(n.role)) throw new RhcError('FIELD_FORMAT', { field: 'role' });
    const pwd = password ?? hex(this.random, 12);
    const appSecret = hex(this.random, 16);
    const appId = `app-${hex(this.random, 8)}`;
    const userName = n.userName ?? 'admin';
    if (!USER_NAME_RE.test(userName)) throw new RhcError('FIELD_FORMAT', { field: 'userName' });
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
          role: 'admin',
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

  private async institutionId(code: string): Promise<number> {
    const inst = await this.db
      .selectFrom('institutions')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirst();
    if (!inst)
      throw new RhcError('INSTITUTION_NOT_REGISTERED', { field: 'code', detail: `no institution ${code}` });
    return inst.id;
  }

  /** Adds a user to an institution; returns the password (printed once, only its SM3 is stored). */
  async addUser(code: string, u: NewUser, password?: string): Promise<UserCredentials> {
    if (!USER_NAME_RE.test(u.userName)) throw new RhcError('FIELD_FORMAT', { field: 'userName' });
    if (!(USER_ROLES as readonly string[]).includes(u.role))
      throw new RhcError('FIELD_FORMAT', { field: 'role', detail: `one of ${USER_ROLES.join(', ')}` });
    const id = await this.institutionId(code);
    const pwd = password ?? hex(this.random, 12);
    await this.db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('institution_users')
        .select('id')
        .where('institution_id', '=', id)
        .where('user_name', '=', u.userName)
        .executeTakeFirst();
      if (exists)
        throw new RhcError('FIELD_FORMAT', {
          field: 'userName',
          detail: `user ${u.userName} of ${code} already exists`,
        });
      await trx
        .insertInto('institution_users')
        .values({
          institution_id: id,
          user_name: u.userName,
          pwd_sm3: sm3Hex(pwd),
          last_auth_time: null,
          enabled: 1,
          created_at: this.clock.now().toISOString(),
          role: u.role,
        })
        .execute();
    });
    return { institutionCode: code, userName: u.userName, role: u.role, password: pwd };
  }

  async listUsers(code: string) {
    const id = await this.institutionId(code);
    return this.db
      .selectFrom('institution_users')
      .select(['user_name', 'role', 'enabled', 'last_auth_time', 'created_at'])
      .where('institution_id', '=', id)
      .orderBy('user_name')
      .execute();
  }

  /** Changes a user's role, enabled flag or password (a new random one when `password: true`). */
  async updateUser(
    code: string,
    userName: string,
    ch: { role?: UserRole; enabled?: boolean; newPassword?: boolean },
  ): Promise<{ password?: string }> {
    if (ch.role !== undefined && !(USER_ROLES as readonly string[]).includes(ch.role))
      throw new RhcError('FIELD_FORMAT', { field: 'role', detail: `one of ${USER_ROLES.join(', ')}` });
    const id = await this.institutionId(code);
    const pwd = ch.newPassword ? hex(this.random, 12) : undefined;
    const r = await this.db
      .updateTable('institution_users')
      .set({
        ...(ch.role !== undefined ? { role: ch.role } : {}),
        ...(ch.enabled !== undefined ? { enabled: ch.enabled ? 1 : 0 } : {}),
        ...(pwd ? { pwd_sm3: sm3Hex(pwd) } : {}),
      })
      .where('institution_id', '=', id)
      .where('user_name', '=', userName)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new RhcError('FIELD_FORMAT', { field: 'userName', detail: `no user ${userName} of ${code}` });
    this.cache.clear();
    return pwd ? { password: pwd } : {};
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
      userRole: user.role as UserRole,
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
    // a client sends the same token for up to 15 minutes: its signature is checked once, then remembered
    let c = this.verifiedTokens.get(token);
    if (!c) {
      c = this.verifyToken(token);
      if (this.verifiedTokens.size >= 10_000) this.verifiedTokens.clear();
      this.verifiedTokens.set(token, c);
    }
    if (c.e * 1000 <= this.clock.now().getTime())
      throw new RhcError('TOKEN_INVALID', { detail: 'token expired' });
    const user = await this.currentUser(c.i, c.u);
    if (!user.institutionEnabled) throw new RhcError('INSTITUTION_NOT_REGISTERED');
    if (!user.enabled)
      throw new RhcError('TOKEN_INVALID', { detail: 'user disabled since the token was issued' });
    return {
      institutionId: c.i,
      institutionCode: c.c,
      role: c.r,
      regionCode: c.g,
      userName: c.u,
      userRole: user.role,
      termId: c.t,
    };
  }

  private verifyToken(token: string): TokenClaims {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 512) throw new RhcError('TOKEN_INVALID', { detail: 'malformed token' });
    const body = token.slice(0, dot);
    if (!sameHex(this.sign(body), token.slice(dot + 1)))
      throw new RhcError('TOKEN_INVALID', { detail: 'bad token signature' });
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch (err) {
      throw new RhcError('TOKEN_INVALID', { detail: 'malformed token', cause: err });
    }
  }

  /** Whether the institution and the user are still enabled, and the user's current role (cached 10 s). */
  private async currentUser(
    id: number,
    userName: string,
  ): Promise<{ institutionEnabled: boolean; enabled: boolean; role: UserRole }> {
    const now = Date.now();
    const key = `${id}|${userName}`;
    const hit = this.cache.get(key);
    if (hit && now - hit.at < 10_000) return hit;
    const row = await this.db
      .selectFrom('institutions as i')
      .innerJoin('institution_users as u', 'u.institution_id', 'i.id')
      .select(['i.enabled as inst', 'u.enabled as usr', 'u.role'])
      .where('i.id', '=', id)
      .where('u.user_name', '=', userName)
      .executeTakeFirst();
    const entry = {
      institutionEnabled: !!row?.inst,
      enabled: !!row?.usr,
      role: (row?.role ?? 'query') as UserRole,
      at: now,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, entry);
    return entry;
  }
}

export function assertPermitted(caller: Caller, businessCode: string): void {
  if (!ROLE_PERMISSIONS[caller.role]?.includes(businessCode))
    throw new RhcError('NOT_PERMITTED', { detail: `role ${caller.role} may not call ${businessCode}` });
  if (!USER_ROLE_PERMISSIONS[caller.userRole]?.includes(businessCode))
    throw new RhcError('NOT_PERMITTED', {
      detail: `user role ${caller.userRole} may not call ${businessCode}`,
    });
}
