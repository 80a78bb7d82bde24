import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { toHex } from '../../../card/apdu.ts';
import { keyCheckValue, loadKeyFile } from '../../../crypto/index.ts';
import { register } from './keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'rhc-keys-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function runCli(args: string[]): Promise<string> {
  const program = new Command('rhc').exitOverride();
  register(program);
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    await program.parseAsync(['node', 'rhc', ...args]);
  } finally {
    console.log = log;
  }
  return out.join('\n');
}

test('CLI keys generate prints path, id and KCVs — and no key bytes', async () => {
  const path = join(dir, 'cli.json');
  const output = await runCli(['keys', 'generate', '--out', path, '--id', 'cli-set']);
  assert.match(output, /cli\.json/);
  assert.match(output, /cli-set/);
  const file = loadKeyFile(path);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const secrets = [
    ...[...file.masterKeys.keys.values()].map((k) => toHex(k)),
    json.pki.issuer.privateKey,
    json.pki.sam.privateKey,
  ].map((s: string) => s.toUpperCase());
  for (const s of secrets) {
    assert.ok(!output.toUpperCase().includes(s), 'no key in the output');
    assert.ok(!output.toUpperCase().includes(s.slice(0, 12)), 'not even a fragment of a key');
  }
  for (const k of file.masterKeys.keys.values())
    assert.ok(output.includes(keyCheckValue(k)), 'each KCV is shown');
  await assert.rejects(runCli(['keys', 'generate', '--out', path]), /not overwriting/);
  const info = await runCli(['keys', 'info', path]);
  assert.match(info, /cli-set/);
  for (const s of secrets) assert.ok(!info.toUpperCase().includes(s.slice(0, 12)), 'info shows no key');
  for (const k of file.masterKeys.keys.values()) assert.ok(info.includes(keyCheckValue(k)));
});

test('CLI keys demo-info warns in Chinese and English', async () => {
  const output = await runCli(['keys', 'demo-info']);
  assert.match(output, /严禁用于真实卡片/);
  assert.match(output, /NEVER use them for real cards/);
  assert.match(output, /123456/);
});
