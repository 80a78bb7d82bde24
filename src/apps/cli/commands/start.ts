// `rhc start` (what `npm start` runs): the province platform on SQLite (./data/rhc.db by default) with demo
// data generated on the first start, printing the URLs and the DEMO credentials.
import type { Command } from 'commander';
import { systemClock } from '../../../base/runtime.ts';
import { describeUrls, startProvince, stopOnSignals } from '../../../platform/province.ts';
import { ensureDemoData } from '../../../platform/seed/demo.ts';
import type { DemoSummary } from '../../../platform/seed/demo.ts';
import { resolveDatabaseUrl } from '../../../platform/storage/db.ts';
import { CONSOLE_PREFIX, registerConsole } from '../../web/index.ts';
import { parsePort } from '../usage.ts';

export function register(program: Command): void {
  program
    .command('start')
    .description('启动演示平台 / start the province platform with demo data (SQLite)')
    .option('--port <port>', 'TCP port (default $PORT or 8080)', process.env.PORT ?? '8080')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--db <url>', 'database URL (default $RHC_DATABASE_URL or sqlite:./data/rhc.db)')
    .option('--residents <n>', 'synthetic residents on first start', '3000')
    .action(async (o: { port: string; host: string; db?: string; residents: string }) => {
      const dbUrl = resolveDatabaseUrl(o.db);
      let demo: DemoSummary | undefined;
      const run = await startProvince({
        dbUrl,
        port: parsePort(o.port),
        host: o.host,
        logger: false,
        configureApp: registerConsole,
        beforeListen: async (p, svc) => {
          demo = await ensureDemoData(p, svc, systemClock, Number(o.residents));
        },
      });
      console.log(`RHC 省级卡管平台（演示）/ province platform (demo) on ${run.baseUrl}`);
      for (const l of describeUrls(run.baseUrl, dbUrl)) console.log(l);
      console.log(`  管理控制台 / console:   ${run.baseUrl}${CONSOLE_PREFIX}/`);
      if (demo) {
        console.log(
          `\n  ${demo.seeded ? '已生成演示数据 / demo data generated' : '演示数据 / demo data'}: ${demo.residents} residents`,
        );
        console.log(
          `  演示凭据（本机随机生成，仅供演示）/ DEMO credentials, random for this install${demo.credentialsFile ? ` (also in ${demo.credentialsFile}, mode 0600)` : ''}:`,
        );
        if (demo.credentials.length === 0)
          console.log(
            '    (凭据文件缺失 credentials file missing: rhc institution user set --reset-password …)',
          );
        for (const c of demo.credentials)
          console.log(
            `    ${c.code}  ${c.role.padEnd(8)} user=${c.userName} password=${c.password}  app_id=${c.appId ?? ''} app_secret=${c.appSecret ?? ''}  ${c.name}`,
          );
      }
      console.log('\n  Ctrl+C 停止 / to stop');
      stopOnSignals(run);
    });
}
