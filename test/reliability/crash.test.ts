// [integration] Crash suite: the province platform runs in its own process while a client issues cards and
// changes their status over REST with request ids (serialNo); the server is killed with SIGKILL at a random
// moment, restarted, and the client re-sends every unanswered write with the same request id. At the end
// every write is re-sent once more (each must return its first answer) and the database is checked:
// nothing acknowledged lost, every write applied exactly once, operations log = card states, list
// versions monotonic. RHC_CRASH_ROUNDS (default 20) kills; RHC_CRASH_BUDGET_SECONDS (default 35) stops
// earlier on a slow machine — the number of kills done is printed and recorded. A second case kills the
// server while it imports a city card file uploaded over HTTP (RHC_CRASH_IMPORT_KILLS, default 2).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe } from 'node:test';
import { systemClock } from '../../src/base/runtime.ts';
import { openDatabase } from '../../src/platform/storage/db.ts';
import { login, prepareDb } from '../../testkit/load/client.ts';
import { checkConsistency, issuanceBody, send, statusBody } from '../../testkit/load/crash.ts';
import { idNumber } from '../../testkit/platform/fixtures.ts';
import type { LedgerEntry } from '../../testkit/load/crash.ts';
import { writeSuiteResult } from '../../testkit/load/results.ts';
import { startServerProcess } from '../../testkit/load/server-process.ts';
import { bulkCityFiles } from '../../testkit/platform/exchange.ts';
import { itOnDatabases } from '../../testkit/platform/suite.ts';
import type { TempDatabase } from '../../testkit/platform/suite.ts';
import { envNumber } from './helpers.ts';

const ROUNDS = envNumber('RHC_CRASH_ROUNDS', 20);
const BUDGET_S = envNumber('RHC_CRASH_BUDGET_SECONDS', 35);
const WORKERS = 4;
const IMPORT_KILLS = envNumber('RHC_CRASH_IMPORT_KILLS', 2);
const IMPORT_RESIDENTS = envNumber('RHC_CRASH_IMPORT_RESIDENTS', 12_000);

async function crashRun(db: TempDatabase) {
  const prep = await prepareDb(db.url);
  const city = prep.city;
  const ledger: LedgerEntry[] = [];
  let seq = 0;
  let kills = 0;
  let inFlightAtKill = 0;
  let retriedAfterCrash = 0;
  const started = Date.now();
  const nextIssue = (): LedgerEntry => {
    const n = seq++;
    // unique, valid GB 11643 numbers: county 610102, one birth day per 1 000 cards
    const birth = new Date(Date.UTC(1960, 0, 1) + Math.floor(n / 1000) * 86400_000);
    const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '');
    const idNo = idNumber('610102', ymd, n % 1000);
    const serialNo = `CR-${process.pid}-I${n}`;
    const chip = (0xa000000000 + n).toString(16).toUpperCase();
    return {
      kind: 'issue',
      path: '/api/v1/cards/issuance',
      serialNo,
      cardNo: idNo,
      body: issuanceBody(idNo, chip, serialNo, city.code),
      mismatches: 0,
    };
  };
  const statusFor = (issue: LedgerEntry): LedgerEntry => {
    const serialNo = `CR-${process.pid}-S${seq++}`;
    const chip = (issue.body.card as { chipSerial: string }).chipSerial;
    return {
      kind: 'status',
      path: '/api/v1/cards/status',
      serialNo,
      cardNo: issue.cardNo,
      body: statusBody(issue.cardNo, chip, serialNo, city.code),
      mismatches: 0,
    };
  };
  const changed = new Set<string>();

  for (let round = 0; round < ROUNDS && (Date.now() - started) / 1000 < BUDGET_S; round++) {
    const server = await startServerProcess({ dbUrl: db.url });
    try {
      const token = await login(server.baseUrl, city);
      // recovery: the writes the dead server never answered, with their original request ids
      for (const e of ledger.filter((x) => !x.ack)) {
        assert.equal(await send(server.baseUrl, token, e), 'acked', `retry of ${e.serialNo} after restart`);
        retriedAfterCrash++;
      }
      // and a few acknowledged ones: a retry must return the first answer, not apply again
      for (const e of ledger.filter((x) => x.ack).slice(-5)) await send(server.baseUrl, token, e);
      let dead = false;
      const worker = async () => {
        while (!dead) {
          const candidates = ledger.filter((x) => x.kind === 'issue' && x.ack && !changed.has(x.cardNo));
          let e: LedgerEntry;
          if (candidates.length > 0 && Math.random() < 0.3) {
            const issue = candidates[Math.floor(Math.random() * candidates.length)]!;
            changed.add(issue.cardNo);
            e = statusFor(issue);
          } else e = nextIssue();
          ledger.push(e);
          if ((await send(server.baseUrl, token, e)) === 'lost') return;
        }
      };
      const workers = Array.from({ length: WORKERS }, worker);
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 1200));
      dead = true;
      await server.kill9();
      kills++;
      await Promise.all(workers);
      inFlightAtKill += ledger.filter((x) => !x.ack).length;
    } finally {
      await server.kill9();
    }
  }

  // final pass on a clean server: everything re-sent once more; then a clean stop and the checks
  const server = await startServerProcess({ dbUrl: db.url });
  try {
    const token = await login(server.baseUrl, city);
    for (const e of ledger.filter((x) => !x.ack)) {
      assert.equal(await send(server.baseUrl, token, e), 'acked');
      retriedAfterCrash++;
    }
    for (const e of ledger) assert.equal(await send(server.baseUrl, token, e), 'acked');
    await server.stop();
  } finally {
    await server.kill9();
  }
  const report = await checkConsistency(db.url, ledger, city.code);
  const mismatches = ledger.reduce((n, e) => n + e.mismatches, 0);
  const summary = {
    kills,
    roundsRequested: ROUNDS,
    seconds: (Date.now() - started) / 1000,
    writes: ledger.length,
    issuances: ledger.filter((e) => e.kind === 'issue').length,
    statusChanges: ledger.filter((e) => e.kind === 'status').length,
    inFlightAtKill,
    retriedAfterCrash,
    replayMismatches: mismatches,
    ...report,
  };
  console.log(`crash[${db.name}]: ${JSON.stringify(summary)}`);
  if (kills < ROUNDS)
    console.warn(
      `*** crash[${db.name}]: only ${kills} of ${ROUNDS} kills within ${BUDGET_S} s (RHC_CRASH_BUDGET_SECONDS) ***`,
    );
  writeSuiteResult(`crash-${db.name}`, summary);
  assert.ok(kills >= Math.min(ROUNDS, 3), `only ${kills} kills`);
  assert.ok(inFlightAtKill > 0, 'no write was in flight at any kill: the crashes did not interrupt work');
  assert.equal(report.integrity, 'ok');
  assert.equal(report.lostAcknowledged, 0, 'acknowledged issuances missing after the crashes');
  assert.equal(report.duplicateIssuances, 0, 'a retried issuance was applied twice');
  assert.equal(report.ourCards, report.expectedCards, 'cards in the database ≠ issuances sent');
  assert.equal(report.opsLogDisagreements, 0, 'operations log and card states disagree');
  assert.equal(report.listVersionRegressions, 0, 'a list version went down');
  assert.equal(report.idempotencyRows, ledger.length, 'each write must leave exactly one request-id row');
  assert.equal(mismatches, 0, 'a retry returned a different answer than the first');
}

async function countOf(dbUrl: string, table: 'cards' | 'exchange_files') {
  const p = await openDatabase(dbUrl);
  try {
    const r = await p.db
      .selectFrom(table as 'cards')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await p.close();
  }
}

/**
 * kill -9 of the platform while it imports a city card file uploaded over HTTP (the exchange engineer's
 * PUT /api/v1/exchange/files/:name): after each kill the file is applied entirely or not at all; the
 * upload is repeated with the same file until acknowledged, then once more (a duplicate, nothing applied).
 */
async function importCrashRun(db: TempDatabase, scratch: string) {
  const prep = await prepareDb(db.url);
  // the city side: a synthetic population exported as the JMXX (residents) and KXX (cards) up files
  const { jm, kxx } = await bulkCityFiles(scratch, IMPORT_RESIDENTS, {
    seed: 31,
    clock: systemClock,
    // seed/synthetic.ts writes address type '1' where the exchange code table has '01' (reported)
    afterLoad: (city) =>
      city.db
        .updateTable('residents')
        .set({ address1_type: '01' })
        .where('address1_type', '=', '1')
        .execute(),
  });
  const upload = (baseUrl: string, token: string, f: { path: string; file: string }, signal?: AbortSignal) =>
    fetch(`${baseUrl}/api/v1/exchange/files/${f.file}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` },
      body: readFileSync(f.path),
      ...(signal ? { signal } : {}),
    });
  let kills = 0;
  let killedMidImport = 0;
  let acknowledged = false;
  const partial: number[] = [];
  // the residents file goes first (cards need their holders); its upload time, on this machine now,
  // sizes the window in which the card file (about as many records) is killed
  let importMs = 1000;
  {
    const s = await startServerProcess({ dbUrl: db.url });
    try {
      const token = await login(s.baseUrl, prep.city);
      const t0 = Date.now();
      const r = await upload(s.baseUrl, token, jm);
      importMs = Date.now() - t0;
      assert.equal(r.status, 200, `JMXX upload: ${await r.text()}`);
    } finally {
      await s.stop();
      await s.kill9();
    }
  }
  const baseCards = await countOf(db.url, 'cards');
  for (let round = 0; round < IMPORT_KILLS * 3 && kills < IMPORT_KILLS && !acknowledged; round++) {
    const s = await startServerProcess({ dbUrl: db.url });
    try {
      const token = await login(s.baseUrl, prep.city);
      const put = upload(s.baseUrl, token, kxx).then(
        async (r) => ({ status: r.status, body: await r.text() }),
        () => undefined,
      );
      // a random moment inside the upload + import: 5–70 % of the residents file's time
      const delay = importMs * (0.05 + Math.random() * 0.65);
      const done = await Promise.race([put, new Promise<'kill'>((r) => setTimeout(() => r('kill'), delay))]);
      if (done === 'kill') {
        await s.kill9();
        kills++;
        if ((await put) === undefined) killedMidImport++;
      } else {
        assert.ok(done && done.status === 200, `KXX upload: ${done?.status} ${done?.body.slice(0, 300)}`);
        acknowledged = true;
      }
    } finally {
      await s.kill9();
    }
    const n = (await countOf(db.url, 'cards')) - baseCards;
    if (n !== 0 && n !== kxx.records) partial.push(n);
  }
  // finish: upload until acknowledged (applied, or "duplicate" if a killed run had committed), then again
  const s = await startServerProcess({ dbUrl: db.url });
  let final: unknown;
  let repeat: unknown;
  try {
    const token = await login(s.baseUrl, prep.city);
    const a = await upload(s.baseUrl, token, kxx);
    final = JSON.parse(await a.text());
    assert.equal(a.status, 200);
    const b = await upload(s.baseUrl, token, kxx);
    repeat = JSON.parse(await b.text());
    assert.equal(b.status, 200);
    await s.stop();
  } finally {
    await s.kill9();
  }
  const cards = (await countOf(db.url, 'cards')) - baseCards;
  const files = await countOf(db.url, 'exchange_files');
  const summary = {
    residents: IMPORT_RESIDENTS,
    fileRecords: kxx.records,
    kills,
    killedMidImport,
    partialStates: partial.length,
    appliedCards: cards,
    finalOutcome: (final as { outcome?: string }).outcome,
    repeatOutcome: (repeat as { outcome?: string }).outcome,
    ledgerFiles: files,
  };
  console.log(`crash-import[${db.name}]: ${JSON.stringify(summary)}`);
  writeSuiteResult(`crash-import-${db.name}`, summary);
  assert.deepEqual(partial, [], 'a killed import left a partly applied file');
  assert.equal(cards, kxx.records, 'the card file must be applied exactly once in the end');
  assert.equal(summary.repeatOutcome, 'duplicate', 'a repeated upload must not apply again');
  assert.ok(kills > 0, 'no kill happened: the import finished too fast (raise RHC_CRASH_IMPORT_RESIDENTS)');
}

describe('crash suite [integration]', () => {
  itOnDatabases(
    'kill -9 during a card-file import over HTTP → all or nothing, then applied once',
    { timeout: 300_000 },
    (db) => importCrashRun(db, db.dir),
  );
  itOnDatabases(
    'kill -9 during issuance and status changes → consistent, exactly once, nothing lost',
    { timeout: 300_000 },
    crashRun,
  );
});
