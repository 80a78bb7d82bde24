import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cityRunOptions, type CityCliOptions } from './city-options.ts';

const dir = mkdtempSync(join(tmpdir(), 'rhc-secret-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, text: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const base: CityCliOptions = {
  region: '610100',
  province: 'https://p.example/',
  org: '61010000-9',
  user: 'admin',
  dir,
  interval: '60',
};

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.RHC_PROVINCE_PASSWORD;
  if (value === undefined) delete process.env.RHC_PROVINCE_PASSWORD;
  else process.env.RHC_PROVINCE_PASSWORD = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.RHC_PROVINCE_PASSWORD;
    else process.env.RHC_PROVINCE_PASSWORD = saved;
  }
}

describe('city password: environment or an owner-only file, never the command line', () => {
  it('refuses --password with the way to pass it instead (exit code 2)', () => {
    assert.throws(
      () => withEnv(undefined, () => cityRunOptions({ ...base, password: 'secret' })),
      (e: Error & { exitCode?: number }) =>
        e.exitCode === 2 && /ps/.test(e.message) && /--password-file/.test(e.message),
    );
  });

  it('reads a 0600 file, dropping the trailing line end; the file wins over the environment', () => {
    const file = secretFile('ok', 'Pa55|word\n', 0o600);
    const o = withEnv('from-env', () => cityRunOptions({ ...base, passwordFile: file }));
    assert.equal(o.password, 'Pa55|word');
  });

  it('refuses a file other users can read, naming the chmod to run', () => {
    const file = secretFile('open', 'pw\n', 0o644);
    assert.throws(
      () => withEnv(undefined, () => cityRunOptions({ ...base, passwordFile: file })),
      /chmod 600/,
    );
  });

  it('takes $RHC_PROVINCE_PASSWORD, and says how to give one when there is none', () => {
    assert.equal(withEnv('from-env', () => cityRunOptions(base)).password, 'from-env');
    assert.throws(
      () => withEnv(undefined, () => cityRunOptions(base)),
      /RHC_PROVINCE_PASSWORD or --password-file/,
    );
  });
});
