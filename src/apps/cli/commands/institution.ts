// `rhc institution add|list|disable|enable`: the registry of institutions allowed to call the platform.
// `add` prints the new credentials ONCE (the platform keeps only SM3(password)).
import type { Command } from 'commander';
import { systemClock, systemRandom } from '../../../card/runtime.ts';
import { commandGroup } from '../main.ts';
import { InstitutionRegistry, ROLES } from '../../../platform/domain/institutions.ts';
import type { Role } from '../../../platform/domain/institutions.ts';
import { openDatabase, resolveDatabaseUrl } from '../../../platform/storage/db.ts';

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

export function register(program: Command): void {
  const g = commandGroup(program, 'institution', '接入机构管理 / institutions allowed to call the platform');
  g.command('add')
    .description(
      '登记接入机构并输出凭据（只显示一次）/ register an institution and print its credentials once',
    )
    .requiredOption('--code <code>', 'organisation code (GB 11714 `12345678-9` or USCC)')
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
          throw Object.assign(new Error(`--role must be one of ${ROLES.join(', ')}`), { exitCode: 2 });
        const c = await withRegistry(o.db, (r) =>
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
        await withRegistry(o.db, (r) => r.setEnabled(o.code, enabled));
        console.log(`${o.code}: ${enabled ? 'enabled' : 'disabled'}`);
      });
}
