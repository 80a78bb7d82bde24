// Child-process entry: starts the province platform on an ephemeral loopback port and prints ONE JSON line
// `{"ready":true,"baseUrl":…,"pid":…}` on stdout, so a parent (test, bench) can load it, sample its RSS and
// kill -9 it. Config comes as one JSON argument (ServeChildConfig). Stops cleanly on SIGTERM.
import { startProvince, stopOnSignals } from '../../src/platform/province.ts';

export interface ServeChildConfig {
  dbUrl: string;
  bodyLimit?: number;
  allowPlainGateway?: boolean;
  /** Print process.memoryUsage() as JSON lines on stderr every N ms (diagnosing RSS growth). */
  memoryEveryMs?: number;
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as ServeChildConfig;
if (!cfg.dbUrl) {
  console.error('serve-child: missing dbUrl');
  process.exit(2);
}
const run = await startProvince({
  dbUrl: cfg.dbUrl,
  port: 0,
  readQuota: false, // a load rig plays a whole province through a few accounts
  ...(cfg.bodyLimit ? { bodyLimit: cfg.bodyLimit } : {}),
  allowPlainGateway: cfg.allowPlainGateway ?? false,
});
stopOnSignals(run);
// SIGUSR2 = full garbage collection (the parent starts us with --expose-gc), so RSS comparisons between the
// start and the end of a soak are not decided by how much garbage V8 happened to keep at that moment
const gc = (globalThis as { gc?: () => void }).gc;
if (gc)
  process.on('SIGUSR2', () => {
    gc();
    const m = process.memoryUsage();
    process.stderr.write(`gc-done ${m.rss} ${m.heapUsed} ${m.heapTotal}\n`);
  });
if (cfg.memoryEveryMs)
  setInterval(() => {
    const m = process.memoryUsage();
    process.stderr.write(`mem ${JSON.stringify({ t: Date.now(), ...m })}\n`);
  }, cfg.memoryEveryMs).unref();
process.stdout.write(`${JSON.stringify({ ready: true, baseUrl: run.baseUrl, pid: process.pid })}\n`);
