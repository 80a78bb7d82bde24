// The `rhc id` and `rhc codes` commands, run as a user would: `node bin/rhc.mjs …` in a child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { IdCheckResult } from './id-number.ts';
import type { CodeTable } from './types.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function rhc(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'rhc.mjs'), ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('rhc id check', { concurrency: 2 }, () => {
  it('valid number: exit 0, Chinese + English, masked number', async () => {
    const r = await rhc('id', 'check', '11010519491231002X');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /有效 valid/);
    assert.match(r.stdout, /1949-12-31/);
    assert.match(r.stdout, /女 female/);
    assert.match(r.stdout, /北京市 朝阳区/);
    assert.match(r.stdout, /110105\*{8}002X/);
    assert.doesNotMatch(r.stdout, /11010519491231002X/);
  });

  it('invalid number: exit 1 and the error code', async () => {
    const r = await rhc('id', 'check', '110105194912310021');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /无效 invalid/);
    assert.match(r.stdout, /ID_CHECK_DIGIT/);
  });

  it('15-digit and 3-character numbers: invalid with a length code, the 18-digit number offered', async () => {
    const r = await rhc('id', 'check', '610102900101123', '--reveal');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /无效 invalid/);
    assert.match(r.stdout, /ID_FIRST_GENERATION/);
    assert.match(r.stdout, /610102199001011231/);
    const short = await rhc('id', 'check', '110');
    assert.equal(short.code, 1, short.stderr);
    assert.match(short.stdout, /ID_LENGTH/);
    assert.doesNotMatch(short.stdout, /ID_CHECK_DIGIT/);
  });

  it('--json prints the IdCheckResult; --today decides "future"', async () => {
    const r = await rhc('id', 'check', '110105202501010011', '--json', '--today', '20241231');
    assert.equal(r.code, 1, r.stderr);
    const result = JSON.parse(r.stdout) as IdCheckResult;
    assert.equal(result.valid, false);
    assert.deepEqual(
      result.errors.map((e) => e.code),
      ['ID_BIRTH_DATE_FUTURE'],
    );
    assert.equal(result.input, '110105202501010011');
    const ok = await rhc('id', 'check', '110105202501010011', '--json', '--today', '20250101');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as IdCheckResult).birthDate, '20250101');
  });

  it('usage errors exit 2', async () => {
    const missing = await rhc('id', 'check');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument/);
    const badToday = await rhc('id', 'check', '11010519491231002X', '--today', '2025-01-01');
    assert.equal(badToday.code, 2);
    assert.match(badToday.stderr, /--today/);
  });
});

describe('rhc codes', { concurrency: 2 }, () => {
  it('list and show --json', async () => {
    const list = await rhc('codes', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /ethnicity\s+中国各民族名称代码 Ethnicity/);
    const show = await rhc('codes', 'show', 'marital-status', '--json');
    assert.equal(show.code, 0, show.stderr);
    const table = JSON.parse(show.stdout) as CodeTable;
    assert.equal(table.id, 'marital-status');
    assert.deepEqual(table.entries[0], { code: '10', zh: '未婚', en: 'never married' });
  });

  it('unknown table exits 2 and names the known tables', async () => {
    const r = await rhc('codes', 'show', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown code table: 'nope'.*ethnicity/);
  });
});
