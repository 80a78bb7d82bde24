// The registry of institutions (hospitals, city platforms, card makers, banks, front-end machines) and
// their users: administration, RHC_C0001 login (login.ts) and token → caller on every call. Tokens are
// re-checked against the institution's and the user's enabled flags on every call.
import type { Kysely } from 'kysely';
import type { Clock, Random } from '../../../base/runtime.ts';
import { checkOrgCode, checkTextValue, describeTextProblem } from '../../../codes/index.ts';
import { RhcError } from '../../errors.ts';
import type { Database } from '../../storage/schema.ts';
import { login } from './login.ts';
import type { LoginContext, LoginInput } from './login.ts';
import { storedFromSm3, storedPassword } from './passwords.ts';
import { storageOf } from '../../../storage/index.ts';
import { sealKeyFor } from '../../storage/seal-key.ts';
import { ROLES, USER_ROLES } from './roles.ts';
import type { Caller, Role, UserRole } from './roles.ts';
import { TokenSigner, randomHex } from './tokens.ts';
import type { Session } from './tokens.ts';
import { Sessions } from './sessions.ts';

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

export class InstitutionRegistry {
  private readonly db: Kysely<Database>;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly sessions: Sessions;

  private readonly sealKey: Buffer;

  private constructor(db: Kysely<Database>, clock: Clock, random: Random, tokenKey: Buffer, sealKey: Buffer) {
    this.sealKey = sealKey;
    this.db = db;
    this.clock = clock;
    this.random = random;
    this.sessions = new Sessions(db, clock, new TokenSigner(tokenKey, random));
  }

  /**
   * Opens the registry; `sealKey` defaults to the database's seal key (storage/seal-key.ts). Rows still
   * holding a plain SM3 (from before migration 008) are sealed here, where the key is known.
   */
  static async open(
    db: Kysely<Database>,
    clock: Clock,
    random: Random,
    sealKey: Buffer = sealKeyFor(storageOf(db)),
  ): Promise<InstitutionRegistry> {
    await sealPlainPasswords(db, sealKey);
    let row = await db
      .selectFrom('settings')
      .select('value')
      .where('name', '=', 'token_key')
      .executeTakeFirst();
    if (!row) {
      await db
        .insertInto('settings')
        .values({ name: 'token_key', value: randomHex(random, 32) })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      row = await db
        .selectFrom('settings')
        .select('value')
        .where('name', '=', 'token_key')
        .executeTakeFirstOrThrow();
    }
    return new InstitutionRegistry(db, clock, random, Buffer.from(row.value, 'hex'), sealKey);
  }

  /** Registers an institution with one user; returns the credentials (printed once, never stored in clear). */
  async add(n: NewInstitution, password?: string): Promise<IssuedCredentials> {
    const org = checkOrgCode(n.code); // GB 11714 / GB 32100 check character (issue 13 §7)
    if (!org.valid) throw new RhcError('FIELD_FORMAT', { field: 'code', detail: `${org.zh} / ${org.en}` });
    if (!/^\d{6}$/.test(n.regionCode)) throw new RhcError('FIELD_FORMAT', { field: 'regionCode' });
    if (!(ROLES as readonly string[]).includes(n.role)) throw new RhcError('FIELD_FORMAT', { field: 'role' });
    // the name is answered by RHC_C0001 and shown on every console: the one text rule, as for residents
    const name = checkTextValue(n.name);
    if (!name.ok || name.value.length === 0 || name.value.length > 70)
      throw new RhcError('FIELD_FORMAT', {
        field: 'name',
        detail: name.ok ? 'name of 1–70 characters' : describeTextProblem(name),
      });
    const pwd = password ?? randomHex(this.random, 12);
    const appSecret = randomHex(this.random, 16);
    const appId = `app-${randomHex(this.random, 8)}`;
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
          name: name.value,
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
          ...storedPassword(this.sealKey, pwd, n.code, userName),
          last_auth_time: null,
          enabled: 1,
          created_at: now,
          role: 'admin',
        })
        .execute();
    });
    return {
      code: n.code,
      name: name.value,
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
    const pwd = password ?? randomHex(this.random, 12);
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
          ...storedPassword(this.sealKey, pwd, code, u.userName),
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
    const pwd = ch.newPassword ? randomHex(this.random, 12) : undefined;
    // a reset or a disable revokes the tokens already issued (a re-enable does not bring them back)
    const revoke = pwd !== undefined || ch.enabled === false;
    const r = await this.db
      .updateTable('institution_users')
      .set((eb) => ({
        ...(ch.role !== undefined ? { role: ch.role } : {}),
        ...(ch.enabled !== undefined ? { enabled: ch.enabled ? 1 : 0 } : {}),
        ...(pwd ? storedPassword(this.sealKey, pwd, code, userName) : {}),
        ...(revoke ? { token_epoch: eb('token_epoch', '+', 1) } : {}),
      }))
      .where('institution_id', '=', id)
      .where('user_name', '=', userName)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new RhcError('FIELD_FORMAT', { field: 'userName', detail: `no user ${userName} of ${code}` });
    this.sessions.forget();
    return pwd ? { password: pwd } : {};
  }

  async setEnabled(code: string, enabled: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('institutions')
        .set({ enabled: enabled ? 1 : 0 })
        .where('code', '=', code)
        .execute();
      // disabling revokes every token of its users: re-enabling later does not revive them
      if (!enabled)
        await trx
          .updateTable('institution_users')
          .set((eb) => ({ token_epoch: eb('token_epoch', '+', 1) }))
          .where('institution_id', 'in', trx.selectFrom('institutions').select('id').where('code', '=', code))
          .execute();
    });
    this.sessions.forget();
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
  authenticate(input: LoginInput, lc: LoginContext = {}) {
    return login(this.db, this.clock, this.sealKey, input, lc);
  }

  issueToken(caller: Caller, session: Session): { token: string; expiresAt: Date } {
    return this.sessions.issue(caller, session);
  }

  /** Token → caller on every call (sessions.ts). */
  callerFromToken(token: string | undefined): Promise<Caller> {
    return this.sessions.callerFromToken(token);
  }

  /** A fresh token for a valid one (sliding session). */
  renewToken(token: string | undefined): Promise<{ token: string; expiresAt: Date }> {
    return this.sessions.renew(token);
  }

  /** Revokes the tokens of the token's terminal. */
  signOut(token: string | undefined): Promise<Caller> {
    return this.sessions.signOut(token);
  }
}

/** Seals the passwords of rows from before migration 008 (plain hex SM3 in `pwd_sm3`) and blanks them. */
async function sealPlainPasswords(db: Kysely<Database>, sealKey: Buffer): Promise<void> {
  const rows = await db
    .selectFrom('institution_users as u')
    .innerJoin('institutions as i', 'i.id', 'u.institution_id')
    .select(['u.id', 'u.user_name', 'u.pwd_sm3', 'i.code'])
    .where('u.pwd_sm3', '!=', '')
    .execute();
  for (const r of rows)
    await db
      .updateTable('institution_users')
      .set(storedFromSm3(sealKey, r.pwd_sm3, r.code, r.user_name))
      .where('id', '=', r.id)
      .where('pwd_sm3', '=', r.pwd_sm3)
      .execute();
}
