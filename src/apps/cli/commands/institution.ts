// `rhc institution add|list|disable|enable|user …`: the registry of institutions allowed to call the
// platform and their users. `add` and `user add` print the new credentials ONCE (the platform keeps only
// SM3(password)). Every change is audited (`audited`), refused ones with their code, as the account running
// the command (cli-actor.ts).
import type { Command } from 'commander';
import { systemClock, systemRandom } from '../../../base/runtime.ts';
import { commandGroup } from '../main.ts';
import {
  InstitutionRegistry,
  ROLES,
  USER_ROLES,
  permittedCodes,
} from '../../../platform/domain/institutions/index.ts';
import type { Role, UserRole } from '../../../platform/domain/institutions/index.ts';
import { AuditTrail } from '../../../platform/domain/audit.ts';
import { openDatabase, resolveDatabaseUrl } from '../../../platform/storage/db.ts';
import { cliActor } from '../cli-actor.ts';
import { usageError } from '../usage.ts';

async function withRegistry<T>(
  db: string | undefined,
  fn: (r: InstitutionRegistry) => Promise<T>,
): Promise<T> {
  const p = await openDatabase(resolveDatabaseUrl(db));
  try {
    return await fn(await InstitutionRegistry.open(p.db, systemClock, systemRandom));
  } finally {
    await p.close();
  }
}

/** Runs one registry change and audits it (action, subject; outcome 0000 or the refusal's code). */
async function audited<T>(
  db: string | undefined,
  action: string,
  subject: string,
  fn: (r: InstitutionRegistry) => Promise<T>,
): Promise<T> {
  const p = await openDatabase(resolveDatabaseUrl(db));
  try {
    const trail = await AuditTrail.open(p, systemClock);
    const log = (outcome: string) =>
      trail.append({ ...cliActor(), action, purpose: 'institution-admin', subject, outcome });
    try {
      const out = await fn(await InstitutionRegistry.open(p.db, systemClock, systemRandom));
      log('0000');
      return out;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      log(typeof code === 'string' && /^\d{4}$/.test(code) ? code : '9001');
      throw err;
    } finally {
      await trail.flush();
    }
  } finally {
    await p.close();
  }
}

export function register(program: Command): void {
  const g = commandGroup(program, 'institution', '接入机构管理 / institutions allowed to call the platform');
  g.command('add')
    .description(
      '登记接入机构并输出凭据（只显示一次）/ register an institution and print its credentials once',
    )
    .requiredOption('--code <code>', 'organisation code (GB 11714 `12345678-8` or USCC)')
    .requiredOption('--name <name>', 'institution name')
    .requiredOption('--role <role>', `role: ${ROLES.join('|')}`)
    .option('--region <code>', 'GB/T 2260 region code', '610000')
    .option('--user <name>', 'user name', 'admin')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        code: string;
        name: string;
        role: string;
        region: string;
        user: string;
        db?: string;
        json?: boolean;
      }) => {
        if (!(ROLES as readonly string[]).includes(o.role))
          throw usageError(`--role must be one of ${ROLES.join(', ')}`);
        const subject = `institution:${o.code} role:${o.role} region:${o.region} user:${o.user}`;
        const c = await audited(o.db, 'INSTITUTION_ADD', subject, (r) =>
          r.add({ code: o.code, name: o.name, role: o.role as Role, regionCode: o.region, userName: o.user }),
        );
        if (o.json) {
          console.log(JSON.stringify(c, null, 2));
          return;
        }
        console.log(`已登记 / registered: ${c.code} ${c.name} (${c.role}, ${c.regionCode})`);
        console.log('以下凭据只显示一次，请妥善保存 / these credentials are shown ONCE:');
        console.log(`  userName   ${c.userName}`);
        console.log(`  password   ${c.password}`);
        console.log(`  app_id     ${c.appId}      (JSON gateway key id)`);
        console.log(`  app_secret ${c.appSecret}  (SM3 digest / SM4 key)`);
      },
    );
  g.command('list')
    .description('列出接入机构 / list institutions')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (o: { db?: string; json?: boolean }) => {
      const rows = await withRegistry(o.db, (r) => r.list());
      if (o.json) console.log(JSON.stringify(rows, null, 2));
      else
        for (const r of rows)
          console.log(
            `${r.code.padEnd(22)} ${r.role.padEnd(9)} ${r.region_code} ${r.enabled ? '启用 enabled ' : '停用 disabled'} ${r.name}`,
          );
    });
  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const)
    g.command(name)
      .description(
        enabled
          ? '启用机构 / enable an institution'
          : '停用机构（令牌随即失效）/ disable an institution (its tokens stop working)',
      )
      .requiredOption('--code <code>', 'organisation code')
      .option('--db <url>', 'database URL')
      .action(async (o: { code: string; db?: string }) => {
        const action = enabled ? 'INSTITUTION_ENABLE' : 'INSTITUTION_DISABLE';
        await audited(o.db, action, `institution:${o.code}`, (r) => r.setEnabled(o.code, enabled));
        console.log(`${o.code}: ${enabled ? 'enabled' : 'disabled'}`);
      });
  registerUsers(g);
}

function userRole(v: string | undefined): UserRole | undefined {
  if (v === undefined) return undefined;
  if (!(USER_ROLES as readonly string[]).includes(v))
    throw usageError(`--role must be one of ${USER_ROLES.join(', ')}`);
  return v as UserRole;
}

function registerUsers(g: Command): void {
  const u = g
    .command('user')
    .description(
      `机构用户管理 / users of an institution — roles ${USER_ROLES.join('|')}: a user may call what its institution's role AND its own role allow`,
    );
  u.command('add')
    .description('新增用户并输出密码（只显示一次）/ add a user and print its password once')
    .requiredOption('--code <code>', 'organisation code')
    .requiredOption('--user <name>', 'user name')
    .option('--role <role>', `user role: ${USER_ROLES.join('|')}`, 'operator')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (o: { code: string; user: string; role: string; db?: string; json?: boolean }) => {
      const role = userRole(o.role)!;
      const subject = `institution:${o.code} user:${o.user} role:${role}`;
      const c = await audited(o.db, 'USER_ADD', subject, (r) =>
        r.addUser(o.code, { userName: o.user, role }),
      );
      if (o.json) {
        console.log(JSON.stringify(c, null, 2));
        return;
      }
      console.log(`已新增用户 / user added: ${c.institutionCode} ${c.userName} (${c.role})`);
      console.log('以下密码只显示一次 / this password is shown ONCE:');
      console.log(`  password   ${c.password}`);
    });
  u.command('list')
    .description('列出机构用户 / list the users of an institution')
    .requiredOption('--code <code>', 'organisation code')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (o: { code: string; db?: string; json?: boolean }) => {
      const { rows, instRole } = await withRegistry(o.db, async (r) => ({
        rows: await r.listUsers(o.code),
        instRole: (await r.list()).find((i) => i.code === o.code)!.role as Role,
      }));
      const out = rows.map((x) => ({
        ...x,
        allowedCodes: permittedCodes(instRole, x.role as UserRole),
      }));
      if (o.json) console.log(JSON.stringify(out, null, 2));
      else
        for (const x of out)
          console.log(
            `${x.user_name.padEnd(20)} ${x.role.padEnd(9)} ${x.enabled ? '启用 enabled ' : '停用 disabled'} ${x.allowedCodes.join(',')}`,
          );
    });
  u.command('set')
    .description(
      '修改用户角色、启停或重置密码（停用后令牌随即失效）/ change a user: role, enable/disable (its tokens stop working), new password',
    )
    .requiredOption('--code <code>', 'organisation code')
    .requiredOption('--user <name>', 'user name')
    .option('--role <role>', `new role: ${USER_ROLES.join('|')}`)
    .option('--disable', 'disable the user')
    .option('--enable', 'enable the user')
    .option('--reset-password', 'set a new random password and print it once')
    .option('--db <url>', 'database URL')
    .action(
      async (o: {
        code: string;
        user: string;
        role?: string;
        disable?: boolean;
        enable?: boolean;
        resetPassword?: boolean;
        db?: string;
      }) => {
        if (o.disable && o.enable) throw usageError('--disable and --enable exclude each other');
        const role = userRole(o.role);
        const changes = [
          ...(role ? [`role:${role}`] : []),
          ...(o.disable ? ['enabled:0'] : o.enable ? ['enabled:1'] : []),
          ...(o.resetPassword ? ['password:reset'] : []),
        ];
        const subject = [`institution:${o.code}`, `user:${o.user}`, ...changes].join(' ');
        const r = await audited(o.db, 'USER_UPDATE', subject, (reg) =>
          reg.updateUser(o.code, o.user, {
            ...(role ? { role } : {}),
            ...(o.disable ? { enabled: false } : o.enable ? { enabled: true } : {}),
            ...(o.resetPassword ? { newPassword: true } : {}),
          }),
        );
        console.log(`${o.code} ${o.user}: updated`);
        if (r.password) console.log(`  password   ${r.password}   (shown ONCE)`);
      },
    );
}
