// The audit key, kept OUTSIDE the database (docs/audit.md): $RHC_AUDIT_KEY (64 hex digits), else the file
// $RHC_AUDIT_KEY_FILE, else `audit.key` beside the SQLite file (PostgreSQL: ./data/audit.key), created 0600
// (folder 0700) on first start. A stolen or edited database alone cannot re-chain the audit trail. Two keys
// are derived from it, each for one job: the HMAC-SM3 key of the chain and the SM2 key that signs checkpoints
// (its public key is exported with `rhc audit public-key` so a checkpoint verifies elsewhere).
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SM2_ORDER, publicKeyOf } from '../../crypto/index.ts';
import type { Sm2KeyPair } from '../../crypto/index.ts';
import { RhcError } from '../errors.ts';

export interface AuditKey {
  /** HMAC-SM3 key of the chain (derived). */
  readonly chain: Buffer;
  /** SM2 key pair that signs checkpoints (derived). */
  readonly signing: Sm2KeyPair;
  /** Where the key came from, for messages (never the key). */
  readonly source: string;
}

/** Where a database's audit key lives: `env` names a variable, `file` a path. */
export interface AuditKeyPlace {
  env?: string;
  file?: string;
  /** In-memory databases get a per-process key (tests). */
  memory?: true;
}

export function auditKeyPlace(
  db: { sqlitePath?: string },
  env: NodeJS.ProcessEnv = process.env,
): AuditKeyPlace {
  if (env.RHC_AUDIT_KEY) return { env: 'RHC_AUDIT_KEY' };
  if (env.RHC_AUDIT_KEY_FILE) return { file: resolve(env.RHC_AUDIT_KEY_FILE) };
  if (db.sqlitePath === ':memory:') return { memory: true };
  if (db.sqlitePath) return { file: join(dirname(resolve(db.sqlitePath)), 'audit.key') };
  return { file: resolve('data', 'audit.key') };
}

const derive = (master: Buffer, label: string) => createHmac('sm3', master).update(label).digest();

/** The chain and signing keys of one master secret (32 bytes). */
export function auditKeyFrom(master: Buffer, source: string): AuditKey {
  // d = (HMAC-SM3(master, label) mod (n − 2)) + 1: a valid SM2 private key, reproducible from the master
  const d =
    (BigInt('0x' + derive(master, 'rhc audit checkpoint v1').toString('hex')) % (SM2_ORDER - 2n)) + 1n;
  const privateKey = d.toString(16).padStart(64, '0');
  return {
    chain: derive(master, 'rhc audit chain v1'),
    signing: { privateKey, publicKey: publicKeyOf(privateKey) },
    source,
  };
}

function parseMaster(text: string, source: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new RhcError('AUDIT_KEY_INVALID', { detail: `${source}: expected 64 hex digits` });
  return Buffer.from(hex, 'hex');
}

const memoryMaster = randomBytes(32);

/**
 * Loads the audit key of `place`; with `create`, a missing key file is made (random, 0600 in a 0700 folder).
 * Undefined when there is none and `create` is false. A key file readable by group or others is refused.
 */
export async function loadAuditKey(
  place: AuditKeyPlace,
  o: { create: boolean; env?: NodeJS.ProcessEnv },
): Promise<AuditKey | undefined> {
  const env = o.env ?? process.env;
  if (place.env) return auditKeyFrom(parseMaster(env[place.env] ?? '', `$${place.env}`), `$${place.env}`);
  if (place.memory) return auditKeyFrom(memoryMaster, 'in-memory (per process)');
  const file = place.file!;
  let text: string;
  try {
    const st = await stat(file);
    if ((st.mode & 0o077) !== 0)
      throw new RhcError('AUDIT_KEY_INVALID', {
        detail: `${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}): chmod 600`,
      });
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!o.create) return undefined;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    text = randomBytes(32).toString('hex');
    try {
      // 'wx': two processes starting at once keep the first key
      await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(file, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      text = await readFile(file, 'utf8');
    }
  }
  return auditKeyFrom(parseMaster(text, file), file);
}
