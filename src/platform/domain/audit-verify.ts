// Verifies the audit trail (docs/audit.md): recomputes the chain from the first entry — legacy plain-SM3
// entries only before the first keyed entry (which seals them), keyed HMAC-SM3 entries after it — and
// checks every checkpoint given (those the database keeps, and any exported one brought back): the entry at
// its seq must still carry its hash, and the entries up to it must still number what was signed.
import type { Kysely } from 'kysely';
import { RhcError } from '../errors.ts';
import type { Database } from '../storage/schema.ts';
import { GENESIS_HASH, KEYED_SCHEME, auditHash, keyedAuditHash, storageFor } from './audit.ts';
import type { AuditCheckpoint } from './audit-checkpoint.ts';
import { checkpointSignatureValid, storedCheckpoints } from './audit-checkpoint.ts';
import { auditKeyPlace, loadAuditKey } from './audit-key.ts';
import type { AuditKey } from './audit-key.ts';

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  /** Legacy (plain SM3) entries before the switch to the keyed chain. */
  legacy: number;
  /** Checkpoints checked (stored and given). */
  checkpoints: number;
  /** The newest entry verified. */
  last?: { seq: number; hash: string };
  /** First problem: the entry (or checkpoint seq) and what is wrong. */
  brokenAt?: { seq: number; problem: string };
}

export interface VerifyOptions {
  /** Default: the key of the database's key place (never created here). */
  key?: AuditKey;
  /** Exported checkpoints to check besides the stored ones (their signatures are checked by the caller). */
  checkpoints?: AuditCheckpoint[];
}

type Row = Database['audit_log'] & { seq: number; scheme: string };

function expectedHash(r: Row, prev: string, key: AuditKey | undefined): string | undefined {
  const e = {
    at: r.at,
    institutionCode: r.institution_code,
    userName: r.user_name,
    action: r.action,
    purpose: r.purpose,
    subject: r.subject,
    outcome: r.outcome,
  };
  if (r.scheme === 'sm3') return auditHash(prev, e);
  if (r.scheme !== KEYED_SCHEME) return undefined;
  if (!key) throw new RhcError('AUDIT_KEY_MISSING', { detail: `keyed entry seq ${r.seq}` });
  return keyedAuditHash(key.chain, prev, e);
}

/** Recomputes the chain; detects edited, deleted, reordered, re-chained and (with checkpoints) cut entries. */
export async function verifyAuditChain(
  db: Kysely<Database>,
  o: VerifyOptions = {},
): Promise<AuditVerifyResult> {
  const key = o.key ?? (await loadAuditKey(auditKeyPlace(storageFor(db)), { create: false }));
  const stored = key ? await storedCheckpoints(db) : [];
  const own = stored.filter((c) => checkpointSignatureValid(c, key!.signing.publicKey));
  const pending = new Map<number, AuditCheckpoint[]>();
  for (const c of [...own, ...(o.checkpoints ?? [])])
    pending.set(c.lastSeq, [...(pending.get(c.lastSeq) ?? []), c]);
  const result: AuditVerifyResult = {
    ok: true,
    entries: 0,
    legacy: 0,
    checkpoints: own.length + (o.checkpoints?.length ?? 0),
  };
  const broken = (seq: number, problem: string): AuditVerifyResult => ({
    ...result,
    ok: false,
    brokenAt: { seq, problem },
  });
  if (own.length !== stored.length) {
    const bad = stored.find((c) => !checkpointSignatureValid(c, key!.signing.publicKey))!;
    return broken(bad.lastSeq, "a stored checkpoint is not signed by this platform's key");
  }
  const checkAt = (seq: number, hash: string): string | undefined => {
    for (const c of pending.get(seq) ?? []) {
      if (c.lastHash !== hash)
        return `checkpoint of ${c.at}: entry ${seq} no longer has the signed hash (rewritten)`;
      if (c.entries !== result.entries)
        return `checkpoint of ${c.at}: ${c.entries} entries signed up to seq ${seq}, ${result.entries} found (deleted)`;
    }
    pending.delete(seq);
    return undefined;
  };
  const atGenesis = checkAt(0, GENESIS_HASH);
  if (atGenesis) return broken(0, atGenesis);
  let prev = GENESIS_HASH;
  let after = 0;
  let keyed = false;
  for (;;) {
    const rows = (await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(5000)
      .execute()) as Row[];
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.prev_hash !== prev) return broken(r.seq, 'prev_hash does not link to the previous entry');
      if (r.scheme === 'sm3' && keyed)
        return broken(r.seq, 'plain SM3 entry after the switch to the keyed chain');
      const expect = expectedHash(r, prev, key);
      if (expect === undefined) return broken(r.seq, `unknown hash scheme ${r.scheme}`);
      if (expect !== r.hash) return broken(r.seq, 'entry content does not match its hash');
      keyed ||= r.scheme === KEYED_SCHEME;
      if (!keyed) result.legacy++;
      prev = r.hash;
      result.entries++;
      result.last = { seq: r.seq, hash: r.hash };
      after = r.seq;
      const cp = checkAt(r.seq, r.hash);
      if (cp) return broken(r.seq, cp);
    }
  }
  const [missing] = [...pending.keys()].sort((a, b) => a - b);
  if (missing !== undefined)
    return broken(
      missing,
      `entry ${missing} of a signed checkpoint is gone (the trail was cut or rewritten)`,
    );
  if (result.legacy > 0 && !keyed)
    return broken(
      result.last!.seq,
      'legacy (plain SM3) chain not sealed by a keyed entry: start the platform once with its audit key',
    );
  return result;
}
