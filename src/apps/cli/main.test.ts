// The `rhc` process as a user runs it: --version, output into a closed pipe (`rhc … | head -1`), a port
// that is taken. Spawned through bin/rhc.mjs, as a shell would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const BIN = join(import.meta.dirname, '../../../bin/rhc.mjs');
const dir = mkdtempSync(join(tmpdir(), 'rhc-main-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rhc(args: string[], o: { closeStdout?: boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (o.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('rhc --version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as {
    version: string;
  };
  const r = await rhc(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('output into a pipe the reader closed ends quietly (rhc … | head -1)', async () => {
  const r = await rhc(['codes', 'list'], { closeStdout: true });
  assert.doesNotMatch(r.stderr, /EPIPE|Error/);
  assert.equal(r.code, 0);
});

test('a taken port says which port and how to choose another', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const db = `sqlite:${join(dir, 'port.db')}`;
    const r = await rhc(['serve', '--role', 'province', '--port', String(port), '--db', db, '--quiet']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`端口 ${port} 已被占用`));
    assert.match(r.stderr, new RegExp(`--port ${port + 1}`));
    assert.match(r.stderr, /PORT=\d+ npm start/);
  } finally {
    blocker.close();
  }
});
