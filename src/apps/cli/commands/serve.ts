// `rhc serve --role province [--port 8080] [--host 127.0.0.1] [--db URL]`: runs a platform server.
// Only the province role lives in src/platform; other roles are served by their own layers.
import type { Command } from 'commander';
import { resolveDatabaseUrl } from '../../../platform/storage/db.ts';
import { describeUrls, startProvince, stopOnSignals } from '../../../platform/province.ts';
import { CONSOLE_PREFIX, registerConsole } from '../../web/index.ts';

export function register(program: Command): void {
  program
    .command('serve')
    .description('运行平台服务 / run a platform server (--role province)')
    .requiredOption('--role <role>', 'server role: province')
    .option('--port <port>', 'TCP port', '8080')
    .option('--host <host>', 'listen address (0.0.0.0 for all interfaces)', '127.0.0.1')
    .option('--db <url>', 'sqlite:PATH or postgres://… (default $RHC_DATABASE_URL or sqlite:./data/rhc.db)')
    .option('--public-url <url>', 'public base URL written into the WSDL')
    .option('--quiet', 'no request log')
    .action(
      async (o: {
        role: string;
        port: string;
        host: string;
        db?: string;
        publicUrl?: string;
        quiet?: boolean;
      }) => {
        if (o.role !== 'province')
          throw Object.assign(new Error(`role ${o.role} is not served by this command (province only)`), {
            exitCode: 2,
          });
        const port = Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw Object.assign(new Error(`bad --port ${o.port}`), { exitCode: 2 });
        const dbUrl = resolveDatabaseUrl(o.db);
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
