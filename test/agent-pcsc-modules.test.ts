// The reader agent deployed on a workstation with a real PC/SC reader and SAM must not carry the card
// simulator: `rhc agent --reader NAME` loads no module from src/cos (issue 12). The same start with
// --virtual-sam does load it — so this test can fail.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'rhc-agent-modules-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `rhc agent` with extra arguments until it listens, stops it, and returns the src/ modules it loaded. */
async function modulesLoadedBy(name: string, args: string[]): Promise<string[]> {
  const trace = join(dir, `${name}.txt`);
  const child = spawn(
    process.execPath,
    [
      '--import',
      './testkit/trace-modules.mjs',
      'bin/rhc.mjs',
      'agent',
      '--port',
      '0',
      '--token-file',
      join(dir, `${name}-token`),
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, RHC_TRACE_MODULES: trace }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`agent exited with ${code}: ${output}`)));
  });
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const src = `file://${join(ROOT, 'src')}/`;
  return [...new Set(readFileSync(trace, 'utf8').split('\n'))]
    .filter((u) => u.startsWith(src))
    .map((u) => u.slice(src.length));
}

test('rhc agent --reader NAME (PC/SC, SAM in a reader slot) loads no module from src/cos', async () => {
  const loaded = await modulesLoadedBy('pcsc', [
    '--reader',
    'Any Reader 00 00',
    '--sam-reader',
    'Any SAM 00 00',
  ]);
  assert.ok(
    loaded.includes('apps/agent/start.ts') && loaded.includes('reader/transports/pcsc.ts'),
    loaded.join(' '),
  );
  assert.deepEqual(
    loaded.filter((m) => m.startsWith('cos/')),
    [],
  );
});

test('rhc agent --reader NAME --virtual-sam loads the simulator (the trace sees cos when it is there)', async () => {
  const loaded = await modulesLoadedBy('virtual-sam', ['--reader', 'Any Reader 00 00', '--virtual-sam']);
  assert.ok(loaded.includes('apps/agent/virtual.ts'), loaded.join(' '));
  assert.ok(
    loaded.some((m) => m.startsWith('cos/sam/')),
    loaded.join(' '),
  );
});
