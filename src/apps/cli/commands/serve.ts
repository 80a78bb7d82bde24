// `rhc serve --role province [--port 8080] [--host 127.0.0.1] [--db URL]`: runs the province platform.
// `rhc serve --role city --region 610100 --province URL --org CODE [--port 8080]`: runs a city platform — the
// same interfaces for the city's hospitals plus the file exchange with its province (src/platform/city).
import type { Command } from 'commander';
import { resolveDatabaseUrl } from '../../../platform/storage/db.ts';
import { addCityOptions, cityRunOptions, type CityCliOptions } from '../city-options.ts';
import { parsePort, usageError as usage } from '../usage.ts';
import { describeUrls, startProvince, stopOnSignals } from '../../../platform/province.ts';
import { runCity } from '../../../platform/city/run.ts';
import { hasDemoAccounts } from '../../../platform/seed/demo.ts';
import { CONSOLE_PREFIX, registerConsole } from '../../web/index.ts';

export function register(program: Command): void {
  const serve = program
    .command('serve')
    .description('运行平台服务 / run a platform server (--role province | city)')
    .requiredOption('--role <role>', 'server role: province | city')
    .option('--port <port>', 'TCP port', '8080')
    .option('--host <host>', 'listen address (0.0.0.0 for all interfaces)', '127.0.0.1')
    .option('--db <url>', 'sqlite:PATH or postgres://… (default $RHC_DATABASE_URL or sqlite:./data/rhc.db)')
    .option('--public-url <url>', 'public base URL written into the WSDL')
    .option('--quiet', 'no request log')
    .option('--allow-demo-accounts', 'serve a database seeded by `rhc start` (its demo accounts log in)');
  addCityOptions(serve, false, 'city role: ').action(
    async (
      o: CityCliOptions & {
        role: string;
        port: string;
        host: string;
        publicUrl?: string;
        quiet?: boolean;
        allowDemoAccounts?: boolean;
      },
    ) => {
      if (o.role !== 'province' && o.role !== 'city') throw usage(`unknown role ${o.role} (province | city)`);
      const port = parsePort(o.port);
      const dbUrl = resolveDatabaseUrl(o.db);
      if (o.role === 'city') {
        const city = await runCity({ ...cityRunOptions(o), port, host: o.host });
        console.log(`RHC 市级卡管平台 ${o.region} / city platform on ${city.baseUrl ?? '(no port)'}`);
        const stop = () => void city.stop().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return;
      }
      const run = await startProvince({
        dbUrl,
        port,
        host: o.host,
        logger: !o.quiet,
        configureApp: registerConsole,
        ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
        beforeListen: async (p) => {
          if (!(await hasDemoAccounts(p))) return;
          if (!o.allowDemoAccounts)
            throw usage(
              '此数据库含演示账户（rhc start 生成），拒绝作为正式平台启动；请换用新数据库，或加 --allow-demo-accounts ' +
                '(this database holds the demo accounts of `rhc start`: use a fresh database, or pass --allow-demo-accounts)',
            );
          console.error(
            '\n*** 警告 WARNING: 演示账户可登录 — demo accounts of `rhc start` can sign in to this server (--allow-demo-accounts) ***\n',
          );
        },
      });
      console.log(`RHC 省级卡管平台已启动 / province platform listening on ${run.baseUrl}`);
      for (const l of describeUrls(run.baseUrl, dbUrl)) console.log(l);
      console.log(`  管理控制台 / console:   ${run.baseUrl}${CONSOLE_PREFIX}/`);
      stopOnSignals(run);
    },
  );
}
