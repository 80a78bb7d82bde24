// The seal key: the SM4 key that seals what the provincial digest scheme needs (hex SM3(password)), kept
// OUTSIDE the database so that a stolen database file alone is not a login (docs/credentials.md).
// Where it comes from, in order: $RHC_SEAL_KEY (32 hex digits); $RHC_SEAL_KEY_FILE; for a SQLite file
// the file `<database>.seal-key` beside it; for PostgreSQL ./data/seal.key. The file is created on first
// start (mode 0600 in a 0700 folder) and refused when group or others can read it. An in-memory SQLite
// database gets a fresh key (nothing outlives the process anyway).
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PlatformDb } from './db.ts';

const HEX32 = /^[0-9a-fA-F]{32}$/;

/** Where the seal key file of a database is (undefined: none, e.g. in memory or from the environment). */
export function sealKeyPath(p: Pick<PlatformDb, 'kind' | 'sqlitePath'>): string | undefined {
  if (process.env.RHC_SEAL_KEY) return undefined;
  if (process.env.RHC_SEAL_KEY_FILE) return process.env.RHC_SEAL_KEY_FILE;
  if (p.kind === 'sqlite')
    return p.sqlitePath === ':memory:' || !p.sqlitePath ? undefined : `${p.sqlitePath}.seal-key`;
  return './data/seal.key';
}

function readKeyFile(path: string): Buffer {
  const st = statSync(path);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
    throw new Error(
      `密钥文件权限过宽 seal key file is accessible by other users (mode ${(st.mode & 0o777).toString(8)}); chmod 600 ${path}`,
    );
  const hex = readFileSync(path, 'utf8').trim();
  if (!HEX32.test(hex)) throw new Error(`seal key file ${path}: expected 32 hex digits`);
  return Buffer.from(hex, 'hex');
}

/** Creates the key file (0600, folder 0700) unless another process just did; returns the key in it. */
function createKeyFile(path: string): Buffer {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(path);
    throw e;
  }
  try {
    fchmodSync(fd, 0o600); // whatever the umask
    writeSync(fd, `${randomBytes(16).toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  return readKeyFile(path);
}

/** The seal key of this database (created on first start where it lives in a file). */
export function sealKeyFor(p: Pick<PlatformDb, 'kind' | 'sqlitePath'>): Buffer {
  const env = process.env.RHC_SEAL_KEY;
  if (env) {
    if (!HEX32.test(env)) throw new Error('RHC_SEAL_KEY: expected 32 hex digits (an SM4 key)');
    return Buffer.from(env, 'hex');
  }
  const path = sealKeyPath(p);
  if (!path) return randomBytes(16);
  try {
    return readKeyFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return createKeyFile(path);
    throw e;
  }
}
