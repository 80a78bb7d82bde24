// The audit trail writes through the storage adapter (no dialect branch of its own): locks, write
// transactions and bulk inserts are the adapter's, on SQLite and PostgreSQL alike. Its chain is keyed with a
// key outside the database, legacy entries verify up to the switch, signed checkpoints catch truncation and
// an insider's re-chaining (docs/audit.md).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { DialectAdapter } from '../src/storage/index.ts';
import {
  AuditTrail,
  GENESIS_HASH,
  KEYED_SCHEME,
  auditHash,
  keyedAuditHash,
} from '../src/platform/domain/audit.ts';
import {
  checkpointSignatureValid,
  parsePublicKeyFile,
  publicKeyPem,
  writeCheckpoint,
} from '../src/platform/domain/audit-checkpoint.ts';
import { auditKeyFrom, auditKeyPlace, loadAuditKey } from '../src/platform/domain/audit-key.ts';
import { verifyAuditChain } from '../src/platform/domain/audit-verify.ts';
import type { PlatformDb } from '../src/platform/storage/db.ts';
import { skipLoudly } from '../testkit/dialects.ts';
import { dbTargets } from '../testkit/platform/fixtures.ts';
import { describeOnTargets } from '../testkit/platform/suite.ts';

const clock = { now: () => new Date('2026-06-01T00:00:00Z') };

function entry(subject: string) {
  return { institutionCode: 'a', userName: 'u', action: 'RHC_C0003', purpose: 'p', subject, outcome: '0000' };
}

/** The real adapter, recording which of its methods the trail called. */
function spying(a: DialectAdapter, calls: string[]): DialectAdapter {
  return new Proxy(a, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push(prop === 'lock' ? `lock:${String(args[1])}` : String(prop));
        return v.apply(target, args);
      };
    },
  });
}

for (const target of dbTargets()) {
  describe(`audit trail over the storage adapter (${target.name})`, () => {
    let p: PlatformDb;
    let drop: () => Promise<void>;
    before(async () => {
      if (target.open) ({ p, drop } = await target.open());
    });
    after(async () => drop?.());

    test('flush and writeInTransaction lock `audit` and insert through the adapter', async (t) => {
      if (!target.open) return skipLoudly(t, target.skip!);
      const calls: string[] = [];
      const spied: PlatformDb = { ...p, adapter: spying(p.adapter, calls) };
      const trail = await AuditTrail.open(spied, clock);
      trail.append(entry('card:1'));
      trail.append(entry('card:2'));
      await trail.flush();
      assert.deepEqual(calls, ['writeTransaction', 'lock:audit', 'insertRows']);
      calls.length = 0;
      await p.db.transaction().execute((trx) => trail.writeInTransaction(trx, entry('card:3')));
      assert.deepEqual(calls, ['lock:audit', 'insertRows']);
      const rows = await p.db.selectFrom('audit_log').select('subject').orderBy('seq').execute();
      assert.deepEqual(
        rows.map((r) => r.subject),
        ['card:1', 'card:2', 'card:3'],
      );
      assert.equal((await verifyAuditChain(p.db)).ok, true);
    });
  });
}

/** Rewrites every row's prev_hash/hash in seq order with `hash` (the attacker's re-chaining). */
async function rechain(
  p: PlatformDb,
  scheme: string,
  hash: (prev: string, e: Parameters<typeof auditHash>[1]) => string,
): Promise<void> {
  const rows = await p.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const h = hash(prev, {
      at: r.at,
      institutionCode: r.institution_code,
      userName: r.user_name,
      action: r.action,
      purpose: r.purpose,
      subject: r.subject,
      outcome: r.outcome,
    });
    await p.db
      .updateTable('audit_log')
      .set({ prev_hash: prev, hash: h, scheme })
      .where('seq', '=', r.seq)
      .execute();
    prev = h;
  }
}

const otherKey = auditKeyFrom(Buffer.alloc(32, 7), 'test');

describeOnTargets('keyed audit chain and signed checkpoints', (target) => {
  let p: PlatformDb;
  let drop: () => Promise<void>;
  let trail: AuditTrail;
  beforeEach(async () => {
    ({ p, drop } = await target.open!());
    trail = await AuditTrail.open(p, clock);
    for (let i = 1; i <= 5; i++) trail.append(entry(`card:${i}`));
    await trail.flush();
  });
  afterEach(async () => drop());
  const seqOf = async (subject: string) =>
    (
      await p.db
        .selectFrom('audit_log')
        .select('seq')
        .where('subject', '=', subject)
        .executeTakeFirstOrThrow()
    ).seq;

  test('new entries are keyed (hmac-sm3); an edited entry fails', async () => {
    const rows = await p.db.selectFrom('audit_log').select(['scheme']).execute();
    assert.ok(rows.every((r) => r.scheme === KEYED_SCHEME));
    assert.deepEqual(await verifyAuditChain(p.db), {
      ok: true,
      entries: 5,
      legacy: 0,
      checkpoints: 0,
      last: (await verifyAuditChain(p.db)).last,
    });
    const victim = await seqOf('card:3');
    await p.db.updateTable('audit_log').set({ outcome: '1011' }).where('seq', '=', victim).execute();
    assert.deepEqual((await verifyAuditChain(p.db)).brokenAt?.seq, victim);
  });

  test('deleting an entry and re-chaining fails: with plain SM3, or keyed with another key', async () => {
    await p.db
      .deleteFrom('audit_log')
      .where('seq', '=', await seqOf('card:2'))
      .execute();
    await rechain(p, 'sm3', auditHash);
    const plain = await verifyAuditChain(p.db);
    assert.equal(plain.ok, false, 'the old attack: re-chained with plain SM3');
    await rechain(p, KEYED_SCHEME, (prev, e) => keyedAuditHash(otherKey.chain, prev, e));
    const wrongKey = await verifyAuditChain(p.db);
    assert.equal(wrongKey.ok, false);
    assert.match(wrongKey.brokenAt!.problem, /does not match its hash/);
  });

  test('legacy plain-SM3 entries verify up to the switch; a plain entry after it fails', async () => {
    const q = await target.open!();
    try {
      // entries as written before migration 007: scheme 'sm3', plain hash
      let prev = GENESIS_HASH;
      for (const subject of ['old:1', 'old:2']) {
        const e = { ...entry(subject), at: '2026-05-01T00:00:00.000Z' };
        const hash = auditHash(prev, e);
        await q.p.db
          .insertInto('audit_log')
          .values({
            at: e.at,
            institution_code: e.institutionCode,
            user_name: e.userName,
            action: e.action,
            purpose: e.purpose,
            subject,
            outcome: e.outcome,
            prev_hash: prev,
            hash,
            scheme: 'sm3',
          })
          .execute();
        prev = hash;
      }
      const unsealed = await verifyAuditChain(q.p.db);
      assert.equal(unsealed.ok, false, 'a plain chain not sealed by a keyed entry is not accepted');
      const t = await AuditTrail.open(q.p, clock);
      t.append(entry('new:1'));
      await t.flush();
      const r = await verifyAuditChain(q.p.db);
      assert.equal(r.ok, true, r.brokenAt?.problem);
      assert.equal(r.legacy, 2);
      assert.equal(r.entries, 4, 'two legacy, the AUDIT_SCHEME switch entry, one new');
      const sw = await q.p.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'AUDIT_SCHEME')
        .execute();
      assert.equal(sw.length, 1);
      assert.equal(sw[0]!.user_name, 'system');
      // relabelling keyed entries as plain (a downgrade) fails
      await rechain(q.p, 'sm3', auditHash);
      assert.equal((await verifyAuditChain(q.p.db)).ok, false);
    } finally {
      await q.drop();
    }
  });

  test('a stored checkpoint detects truncation of the newest entries', async () => {
    await writeCheckpoint(p, trail.key, clock);
    assert.equal((await verifyAuditChain(p.db)).ok, true);
    await p.db
      .deleteFrom('audit_log')
      .where('seq', '>=', await seqOf('card:4'))
      .execute();
    const r = await verifyAuditChain(p.db);
    assert.equal(r.ok, false);
    assert.match(r.brokenAt!.problem, /gone/);
  });

  test('an exported checkpoint detects deletion + re-chaining with the key, and truncation', async () => {
    const cp = await writeCheckpoint(p, trail.key, clock);
    assert.equal(checkpointSignatureValid(cp, trail.key.signing.publicKey), true);
    assert.equal(checkpointSignatureValid({ ...cp, entries: 4 }, trail.key.signing.publicKey), false);
    // an insider with the key deletes an entry, re-chains and removes the stored checkpoints
    await p.db.deleteFrom('audit_checkpoints').execute();
    await p.db
      .deleteFrom('audit_log')
      .where('seq', '=', await seqOf('card:2'))
      .execute();
    await rechain(p, KEYED_SCHEME, (prev, e) => keyedAuditHash(trail.key.chain, prev, e));
    assert.equal((await verifyAuditChain(p.db)).ok, true, 'the chain alone cannot see it');
    const r = await verifyAuditChain(p.db, { checkpoints: [cp] });
    assert.equal(r.ok, false);
    assert.match(r.brokenAt!.problem, /rewritten/);
    // cutting the newest entries instead
    await p.db.deleteFrom('audit_log').where('seq', '=', cp.lastSeq).execute();
    await rechain(p, KEYED_SCHEME, (prev, e) => keyedAuditHash(trail.key.chain, prev, e));
    const cut = await verifyAuditChain(p.db, { checkpoints: [cp] });
    assert.equal(cut.ok, false);
    assert.match(cut.brokenAt!.problem, /gone/);
  });

  test('the public key file round-trips (PEM SubjectPublicKeyInfo)', () => {
    const pem = publicKeyPem(trail.key.signing.publicKey);
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(parsePublicKeyFile(pem), trail.key.signing.publicKey);
  });
});

test('the audit key lives outside the database: env, or audit.key 0600 beside the file, created once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhc-audit-key-'));
  try {
    const place = auditKeyPlace({ sqlitePath: join(dir, 'db', 'rhc.db') }, {});
    assert.equal(place.file, join(dir, 'db', 'audit.key'));
    assert.equal(await loadAuditKey(place, { create: false, env: {} }), undefined);
    const k1 = await loadAuditKey(place, { create: true, env: {} });
    assert.equal(statSync(place.file!).mode & 0o777, 0o600);
    const k2 = await loadAuditKey(place, { create: true, env: {} });
    assert.deepEqual(k2!.chain, k1!.chain, 'the second start reads the same key');
    chmodSync(place.file!, 0o644);
    await assert.rejects(loadAuditKey(place, { create: true, env: {} }), /9003|AUDIT_KEY_INVALID/);
    const env = { RHC_AUDIT_KEY: 'ab'.repeat(32) };
    const fromEnv = await loadAuditKey(auditKeyPlace({ sqlitePath: join(dir, 'x.db') }, env), {
      create: true,
      env,
    });
    assert.deepEqual(fromEnv!.chain, auditKeyFrom(Buffer.from('ab'.repeat(32), 'hex'), '').chain);
    await assert.rejects(
      loadAuditKey({ env: 'RHC_AUDIT_KEY' }, { create: true, env: { RHC_AUDIT_KEY: 'short' } }),
      /AUDIT_KEY_INVALID/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
