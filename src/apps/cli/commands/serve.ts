// `rhc serve --role province [--port 8080] [--host 127.0.0.1] [--db URL]`: runs the province platform.
// `rhc serve --role city --region 610100 --province URL --org CODE [--port 8080]`: runs a city platform — the
// same interfaces for the city's hospitals plus the file exchange with its province (src/platform/city).
import type { Command } from 'commander';
import { resolveDatabaseUrl } from '../../../platform/storage/db.ts';
import { describeUrls, startProvince, stopOnSignals } from '../../../platform/province.ts';
import { runCity } from '../../../platform/city/run.ts';
import { CONSOLE_PREFIX, registerConsole } from '../../web/index.ts';

const usage = (message: string) => Object.assign(new Error(message), { exitCode: 2 });

export function register(program: Command): void {
  program
    .command('serve')
    .description('运行平台服务 / run a platform server (--role province | city)')
    .requiredOption('--role <role>', 'server role: province | city')
    .option('--port <port>', 'TCP port', '8080')
    .option('--host <host>', 'listen address (0.0.0.0 for all interfaces)', '127.0.0.1')
    .option('--db <url>', 'sqlite:PATH or postgres://… (default $RHC_DATABASE_URL or sqlite:./data/rhc.db)')
    .option('--public-url <url>', 'public base URL written into the WSDL')
    .option('--quiet', 'no request log')
    .option('--region <code>', 'city role: the city region code (GB/T 2260), e.g. 610100')
    .option('--province <url>', 'city role: the province platform base URL')
    .option('--org <code>', 'city role: this city platform’s institution code at the province')
    .option('--user <name>', 'city role: user name at the province', 'admin')
    .option('--password <pw>', 'city role: password at the province (default $RHC_PROVINCE_PASSWORD)')
    .option('--dir <dir>', 'city role: working directory for exchange files', './data/exchange')
    .option('--interval <seconds>', 'city role: seconds between exchange rounds', '60')
    .action(
      async (o: {
        role: string;
        port: string;
        host: string;
        db?: string;
        publicUrl?: string;
        quiet?: boolean;
        region?: string;
        province?: string;
        org?: string;
        user: string;
        password?: string;
        dir: string;
        interval: string;
      }) => {
        if (o.role !== 'province' && o.role !== 'city')
          throw usage(`unknown role ${o.role} (province | city)`);
        const port = Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage(`bad --port ${o.port}`);
        const dbUrl = resolveDatabaseUrl(o.db);
        if (o.role === 'city') {
          const password = o.password ?? process.env.RHC_PROVINCE_PASSWORD;
          if (!o.region || !/^\d{6}$/.test(o.region)) throw usage('--role city needs --region <6 digits>');
          if (!o.province || !o.org) throw usage('--role city needs --province URL and --org CODE');
          if (!password) throw usage('--role city needs --password or $RHC_PROVINCE_PASSWORD');
          const interval = Number(o.interval);
          if (!(interval > 0)) throw usage('--interval must be a positive number of seconds');
          const city = await runCity({
            dbUrl,
            region: o.region,
            provinceUrl: o.province.replace(/\/$/, ''),
            orgCode: o.org,
            userName: o.user,
            password,
            dir: o.dir,
            intervalSeconds: interval,
            port,
            host: o.host,
          });
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
        });
        console.log(`RHC 省级卡管平台已启动 / province platform listening on ${run.baseUrl}`);
        for (const l of describeUrls(run.baseUrl, dbUrl)) console.log(l);
        console.log(`  管理控制台 / console:   ${run.baseUrl}${CONSOLE_PREFIX}/`);
        stopOnSignals(run);
      },
    );
}
