// The reader agent started as `rhc agent --reader NAME` (a real PC/SC reader) loads no module from src/cos:
// the deployed agent does not boot through the simulator. The process runs bin/rhc.mjs with the module-load
// trace of testkit/trace-modules.mjs; a request opens the PC/SC path (no reader need exist: the answer may be
// an error). The virtual-card case shows the trace does see the simulator when it is asked for.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newCard, saveCard } from '../src/cos/index.ts';
import { demoMasterKeys } from '../src/crypto/index.ts';
import { getProfile } from '../src/card/profiles/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rhc-agent-modules-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `rhc agent …` with the trace, waits for the listening line, asks /card/info, stops it; returns the loaded files. */
async function agentModules(name: string, args: string[]): Promise<string[]> {
  const trace = join(dir, `${name}.modules`);
  const tokenFile = join(dir, `${name}.token`);
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
      tokenFile,
      ...args,
    ],
    { env: { ...process.env, RHC_TRACE_MODULES: trace }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent did not start: ${out}${err}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`agent exited (${code}): ${out}${err}`)));
    });
    const token = readFileSync(tokenFile, 'utf8').trim();
    const res = await fetch(`${url}/card/info`, { headers: { authorization: `Bearer ${token}` } });
    await res.text(); // whatever the answer (no reader, no card): the start path has run
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file://'));
}

const fromCos = (urls: string[]) => urls.filter((u) => u.includes('/src/cos/'));

test('rhc agent --reader NAME (PC/SC) loads no module from src/cos', async () => {
  const urls = await agentModules('pcsc', ['--reader', 'RHC no such reader']);
  assert.ok(
    urls.some((u) => u.endsWith('/src/apps/agent/start.ts')),
    'the trace saw the agent start',
  );
  assert.ok(
    urls.some((u) => u.endsWith('/src/reader/transports/pcsc.ts')),
    'the PC/SC transport was loaded',
  );
  assert.deepEqual(fromCos(urls), []);
});

test('rhc agent --virtual FILE loads the simulator (the trace sees src/cos)', async () => {
  const profile = getProfile('national');
  const card = join(dir, 'card.json');
  saveCard(
    card,
    newCard({ idNumber: '11010519491231002X', name: '张三', masterKeys: demoMasterKeys(profile) }).state,
  );
  const urls = await agentModules('virtual', ['--virtual', card]);
  assert.ok(urls.some((u) => u.endsWith('/src/apps/agent/virtual.ts')));
  assert.ok(urls.some((u) => u.endsWith('/src/cos/card/virtual-card.ts')));
});
