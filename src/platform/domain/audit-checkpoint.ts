// Signed audit checkpoints (docs/audit.md): an SM2 signature (GB/T 32918, default user ID) by the platform's
// checkpoint key over (last seq, last hash, number of entries, time). Written hourly by the service, at
// shutdown and on demand (`rhc audit checkpoint`), kept in `audit_checkpoints` and exportable as a JSON file
// that verifies anywhere with the public key alone: a checkpoint kept elsewhere detects deletion +
// re-chaining (the hash at its seq changes, or the count) and truncation (its seq is gone).
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../base/runtime.ts';
import { normalisePublicKey, rawPublicKey, sm2Sign, sm2Verify } from '../../crypto/index.ts';
import { RhcError } from '../errors.ts';
import type { PlatformDb } from '../storage/db.ts';
import type { Database } from '../storage/schema.ts';
import { GENESIS_HASH, auditTime } from './audit.ts';
import type { AuditKey } from './audit-key.ts';

export const CHECKPOINT_FORMAT = 'rhc-audit-checkpoint/1';

export interface AuditCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** seq of the newest entry covered (0: empty trail). */
  lastSeq: number;
  /** its hash (GENESIS_HASH for an empty trail). */
  lastHash: string;
  /** number of entries with seq ≤ lastSeq. */
  entries: number;
  /** when it was signed, UTC ISO 8601. */
  at: string;
  /** signer's public key, '04' ‖ x ‖ y hex (informative: verify with a public key you trust). */
  publicKey: string;
  /** SM2 signature r ‖ s (128 hex) over `checkpointMessage`. */
  signature: string;
}

/** The signed bytes (UTF-8): `rhc-audit-checkpoint/1|<lastSeq>|<lastHash>|<entries>|<at>`. */
export function checkpointMessage(c: Omit<AuditCheckpoint, 'publicKey' | 'signature'>): string {
  return [CHECKPOINT_FORMAT, c.lastSeq, c.lastHash, c.entries, c.at].join('|');
}

export function checkpointSignatureValid(c: AuditCheckpoint, publicKey: string): boolean {
  if (!/^[0-9a-f]{128}$/i.test(c.signature)) return false;
  return sm2Verify(
    publicKey,
    new TextEncoder().encode(checkpointMessage(c)),
    Uint8Array.from(Buffer.from(c.signature, 'hex')),
  );
}

type Db = Kysely<Database> | Transaction<Database>;

/** Signs the trail as it stands now and stores the checkpoint; under the audit lock, so no entry slips in. */
export async function writeCheckpoint(p: PlatformDb, key: AuditKey, clock: Clock): Promise<AuditCheckpoint> {
  return p.adapter.writeTransaction(p.db, async (t) => {
    const trx = t as Transaction<Database>;
    await p.adapter.lock(trx, 'audit');
    const last = await trx
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const n = await trx
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    const body = {
      format: CHECKPOINT_FORMAT,
      lastSeq: last?.seq ?? 0,
      lastHash: last?.hash ?? GENESIS_HASH,
      entries: Number(n.n),
      at: auditTime(clock.now()),
    } as const;
    const { privateKey, publicKey } = key.signing;
    const sig = sm2Sign(privateKey, publicKey, new TextEncoder().encode(checkpointMessage(body)));
    const cp: AuditCheckpoint = { ...body, publicKey, signature: Buffer.from(sig).toString('hex') };
    await trx
      .insertInto('audit_checkpoints')
      .values({
        last_seq: cp.lastSeq,
        last_hash: cp.lastHash,
        entries: cp.entries,
        at: cp.at,
        public_key: cp.publicKey,
        signature: cp.signature,
      })
      .execute();
    return cp;
  });
}

/** The checkpoints the database keeps, oldest first. */
export async function storedCheckpoints(db: Db): Promise<AuditCheckpoint[]> {
  const rows = await db.selectFrom('audit_checkpoints').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    format: CHECKPOINT_FORMAT,
    lastSeq: Number(r.last_seq),
    lastHash: r.last_hash,
    entries: Number(r.entries),
    at: r.at,
    publicKey: r.public_key,
    signature: r.signature,
  }));
}

/** DER SEQUENCE { INTEGER r, INTEGER s } of an r ‖ s signature (what OpenSSL and GmSSL verify). */
export function signatureDer(rsHex: string): Buffer {
  const int = (b: Buffer) => {
    let x = b;
    while (x.length > 1 && x[0] === 0 && x[1]! < 0x80) x = x.subarray(1);
    if (x[0]! >= 0x80) x = Buffer.concat([Buffer.from([0]), x]);
    return Buffer.concat([Buffer.from([2, x.length]), x]);
  };
  const rs = Buffer.from(rsHex, 'hex');
  const body = Buffer.concat([int(rs.subarray(0, 32)), int(rs.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * The exported checkpoint file: the checkpoint plus, for verifiers elsewhere, the signed text (`message`)
 * and the signature in DER (`signatureDer`, Base64) — docs/audit.md shows the OpenSSL command.
 */
export function exportCheckpoint(c: AuditCheckpoint): string {
  const file = {
    ...c,
    message: checkpointMessage(c),
    signatureDer: signatureDer(c.signature).toString('base64'),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A checkpoint file (JSON) → checkpoint; AUDIT_CHECKPOINT_FORMAT when it is not one. */
export function parseCheckpoint(text: string): AuditCheckpoint {
  let v: Partial<AuditCheckpoint>;
  try {
    v = JSON.parse(text) as Partial<AuditCheckpoint>;
  } catch (err) {
    throw new RhcError('AUDIT_CHECKPOINT_FORMAT', { detail: 'not JSON', cause: err });
  }
  const ok =
    v.format === CHECKPOINT_FORMAT &&
    Number.isSafeInteger(v.lastSeq) &&
    Number.isSafeInteger(v.entries) &&
    typeof v.lastHash === 'string' &&
    /^[0-9a-f]{64}$/.test(v.lastHash) &&
    typeof v.at === 'string' &&
    !v.at.includes('|') &&
    typeof v.publicKey === 'string' &&
    typeof v.signature === 'string';
  if (!ok) throw new RhcError('AUDIT_CHECKPOINT_FORMAT', { detail: `not a ${CHECKPOINT_FORMAT} file` });
  const { format, lastSeq, lastHash, entries, at, publicKey, signature } = v as AuditCheckpoint;
  return { format, lastSeq, lastHash, entries, at, publicKey, signature };
}

// SubjectPublicKeyInfo of an SM2 key: id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d03420004', 'hex');

/** The public key file `rhc audit public-key` writes: PEM SubjectPublicKeyInfo (OpenSSL/GmSSL read it). */
export function publicKeyPem(publicKey: string): string {
  const der = Buffer.concat([SPKI_PREFIX, Buffer.from(rawPublicKey(publicKey))]);
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PUBLIC KEY-----\n${b64}-----END PUBLIC KEY-----\n`;
}

/** A public key file: that PEM, or the key as hex ('04' ‖ x ‖ y or x ‖ y). */
export function parsePublicKeyFile(text: string): string {
  try {
    const pem = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(text);
    if (!pem) return normalisePublicKey(text.trim());
    const der = Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64');
    if (der.length !== SPKI_PREFIX.length + 64 || !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX))
      throw new Error('not an SM2 SubjectPublicKeyInfo');
    return normalisePublicKey(der.subarray(SPKI_PREFIX.length).toString('hex'));
  } catch (err) {
    throw new RhcError('AUDIT_CHECKPOINT_FORMAT', {
      detail: 'public key file: PEM or hex SM2 key',
      cause: err,
    });
  }
}
