// Runs every *.test.ts under src/ and test/ with Node's own test runner (Node 20 does not glob by itself).
// Usage: node scripts/run-tests.mjs [filter-substring …]
//
// A run can never hang: a test that awaits forever fails after --test-timeout, a file whose tests are done
// but whose handles linger is ended by --test-force-exit, and a file whose event loop is blocked (where no
// timer can fire) is stopped by the wall-clock limit below, which prints what was still running and kills
// the runner's whole process group (test files and the pcscd they started). RHC_TEST_TIME_LIMIT_MIN sets
// the limit (default 30; a full run takes about 5 minutes on 2 cores).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ['src', 'testkit', 'test']
  .flatMap((d) => findTests(d))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.RHC_TEST_CONCURRENCY ?? '2';
const limitMin = Number(process.env.RHC_TEST_TIME_LIMIT_MIN ?? 30);
const runner = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=600000',
    '--test-force-exit',
    ...files,
  ],
  { stdio: 'inherit', detached: true },
);
const killGroup = (signal) => {
  try {
    process.kill(-runner.pid, signal);
  } catch {
    // already gone
  }
};
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  const ps = spawnSync('ps', ['-o', 'pid,etime,args', '-g', String(runner.pid)], { encoding: 'utf8' });
  console.error(`\n*** TEST RUN STOPPED: over ${limitMin} min. Still running:\n${ps.stdout ?? ''}`);
  killGroup('SIGKILL');
}, limitMin * 60_000);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => killGroup(signal));
runner.on('exit', (code) => {
  clearTimeout(watchdog);
  killGroup('SIGKILL'); // anything a test file left behind
  process.exit(timedOut ? 124 : (code ?? 1));
});
