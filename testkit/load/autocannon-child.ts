// Child-process entry: runs autocannon (bounded in time) with a rotating list of request bodies and prints
// one JSON line of results. A separate process, so the load generator never shares the server's (or the
// test's) event loop. Config: one JSON argument (AutocannonConfig).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AutocannonConfig, LoadResult } from './autocannon.ts';

// autocannon ships no type declarations: the few result fields used here, typed locally
interface AutocannonRun {
  requests: { average: number; total: number };
  latency: { average: number; p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  o: Record<string, unknown>,
) => Promise<AutocannonRun>;

const cfg = JSON.parse(process.argv[2] ?? '{}') as AutocannonConfig;
const bodies = cfg.bodiesFile ? (JSON.parse(readFileSync(cfg.bodiesFile, 'utf8')) as string[]) : null;
let i = 0;
const r = await autocannon({
  url: cfg.url,
  connections: cfg.connections,
  duration: cfg.durationSeconds,
  method: cfg.method as 'GET' | 'POST',
  headers: cfg.headers,
  ...(cfg.rate ? { overallRate: cfg.rate } : {}),
  ...(bodies
    ? {
        requests: [
          {
            setupRequest: (req: Record<string, unknown>) => {
              req.body = bodies[i++ % bodies.length];
              return req;
            },
          },
        ],
      }
    : {}),
});
const out: LoadResult = {
  rps: r.requests.average,
  total: r.requests.total,
  mean: r.latency.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
};
process.stdout.write(JSON.stringify(out));
