// The platform's CLI commands in-process: institution add (credentials printed once, usable for
// authentication), gen (bulk path), audit verify (detects tampering, exit code 1).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { buildProgram } from '../src/apps/cli/main.ts';
import { checkIdNumber } from '../src/platform/domain/id-check.ts';
import { dropSchema, schemaUrl, skipLoudly } from '../testkit/dialects.ts';

const dir = mkdtempSync(join(tmpdir(), 'rhc-cli-'));
const db = `sqlite:${join(dir, 'cli.db')}`;
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    const program = await buildProgram();
    await program.parseAsync(['node', 'rhc', ...args]);
  } finally {
    console.log = orig;
  }
  return lines.join('\n');
}

test('institution add prints credentials once; list shows the institution without secrets', async () => {
  const out = JSON.parse(
    await run(
      'institution',
      'add',
      '--code',
      '45075129-0',
      '--name',
      '演示医院',
      '--role',
      'hospital',
      '--region',
      '610102',
      '--db',
      db,
      '--json',
    ),
  );
  assert.equal(out.code, '45075129-0');
  assert.match(out.password, /^[0-9a-f]{24}$/);
  assert.match(out.appSecret, /^[0-9a-f]{32}$/);
  const list = await run('institution', 'list', '--db', db);
  assert.match(list, /45075129-0\s+hospital\s+610102/);
  assert.doesNotMatch(list, new RegExp(out.password));
  await assert.rejects(
    run('institution', 'add', '--code', '45075129-0', '--name', 'x', '--role', 'hospital', '--db', db),
    /already exists/,
  );
});

test('gen loads valid residents with cards in every state; audit verify detects tampering', async () => {
  const out = await run('gen', '--residents', '400', '--seed', '7', '--db', db);
  assert.match(out, /\+400 residents/);
  const sqlite = new BetterSqlite3(join(dir, 'cli.db'));
  try {
    const ids = sqlite.prepare('select id_no from residents').all() as { id_no: string }[];
    assert.equal(ids.length, 400);
    assert.ok(ids.every((r) => checkIdNumber(r.id_no).valid));
    const statuses = (
      sqlite.prepare('select distinct status from cards order by 1').all() as { status: string }[]
    ).map((r) => r.status);
    assert.deepEqual(statuses, ['01', '02', '10', '20', '30', '40', '50', '60', '90']);
    // audit: write two chained entries the way the platform does, then tamper
    const { AuditTrail } = await import('../src/platform/domain/audit.ts');
    const { openDatabase } = await import('../src/platform/storage/db.ts');
    const p = await openDatabase(db);
    const trail = await AuditTrail.open(p.db, { now: () => new Date('2026-06-01T00:00:00Z') });
    trail.append({
      institutionCode: 'a',
      userName: 'u',
      action: 'RHC_C0003',
      purpose: 'p',
      subject: 'card:1',
      outcome: '0000',
    });
    trail.append({
      institutionCode: 'a',
      userName: 'u',
      action: 'RHC_C0003',
      purpose: 'p',
      subject: 'card:2',
      outcome: '0000',
    });
    await trail.flush();
    await p.close();
    // two entries of the `institution add` test before (its success and its refused duplicate)
    assert.match(await run('audit', 'verify', '--db', db), /intact: 4 entries/);
    sqlite.prepare("update audit_log set subject = 'card:9' where subject = 'card:1'").run();
    const prev = process.exitCode;
    assert.match(await run('audit', 'verify', '--db', db), /BROKEN at seq 3/);
    assert.equal(process.exitCode, 1);
    process.exitCode = prev;
  } finally {
    sqlite.close();
  }
});

test('gen --region takes a GB/T 2260 city code as well as a prefix; an unknown code is a usage error', async () => {
  const cityDb = join(dir, 'city.db');
  assert.match(
    await run('gen', '--residents', '30', '--region', '610100', '--db', `sqlite:${cityDb}`),
    /\+30 residents/,
  );
  const sqlite = new BetterSqlite3(cityDb);
  try {
    const ids = sqlite.prepare('select id_no from residents').all() as { id_no: string }[];
    assert.equal(ids.length, 30);
    assert.ok(ids.every((r) => r.id_no.startsWith('6101')));
  } finally {
    sqlite.close();
  }
  await assert.rejects(
    run('gen', '--residents', '1', '--region', '619900', '--db', `sqlite:${cityDb}`),
    (e: { exitCode?: number; message?: string }) => e.exitCode === 2 && /619900/.test(e.message ?? ''),
  );
});

test('gen on PostgreSQL goes through the unnest bulk path', async (t) => {
  const url = process.env.RHC_TEST_POSTGRES_URL;
  if (!url) return skipLoudly(t, 'RHC_TEST_POSTGRES_URL not set — PostgreSQL tests SKIPPED');
  const schema = `rhc_cli_${process.pid}`;
  const target = schemaUrl(url, schema);
  try {
    const out = await run('gen', '--residents', '300', '--seed', '3', '--db', target);
    assert.match(out, /\+300 residents/);
    const { openDatabase } = await import('../src/platform/storage/db.ts');
    const p = await openDatabase(target);
    try {
      const n = await p.db
        .selectFrom('cards')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.ok(Number(n.n) >= 300);
      // the serial sequence was moved past the loaded ids: a normal insert still works
      const r = await p.db
        .insertInto('residents')
        .values({
          main_index: 'F'.repeat(64),
          id_type: '99',
          id_no: 'X1',
          name: '测试',
          sex: '9',
          nation: null,
          birth_date: '20000101',
          health_record_no: null,
          ncms_no: null,
          phone1: null,
          phone2: null,
          address1_type: null,
          address1: null,
          address2_type: null,
          address2: null,
          contacts_json: null,
          education: null,
          marital: null,
          occupation: null,
          region_code: '610100',
          created_at: 'x',
          updated_at: 'x',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      assert.equal(r.id, 301);
    } finally {
      await p.close();
    }
  } finally {
    await dropSchema(url, schema);
  }
});

test('two processes writing audit entries to one database extend a single chain', async () => {
  const { AuditTrail } = await import('../src/platform/domain/audit.ts');
  const { verifyAuditChain } = await import('../src/platform/domain/audit-verify.ts');
  const { openDatabase } = await import('../src/platform/storage/db.ts');
  const url = `sqlite:${join(dir, 'two-writers.db')}`;
  const a = await openDatabase(url);
  const b = await openDatabase(url);
  try {
    const clock = { now: () => new Date('2026-06-01T00:00:00Z') };
    const ta = await AuditTrail.open(a.db, clock);
    const tb = await AuditTrail.open(b.db, clock);
    for (let i = 0; i < 3; i++) {
      ta.append({
        institutionCode: 'server',
        userName: 'u',
        action: 'RHC_C0003',
        purpose: 'p',
        subject: `card:${i}`,
        outcome: '0000',
      });
      tb.append({
        institutionCode: 'cli',
        userName: 'u',
        action: 'IMPORT',
        purpose: 'p',
        subject: `file:${i}`,
        outcome: '0000',
      });
      // one after the other: two SQLite handles in ONE process would block each other's synchronous
      // busy wait (separate processes wait for each other normally)
      await ta.flush();
      await tb.flush();
    }
    const r = await verifyAuditChain(a.db);
    assert.equal(r.ok, true);
    assert.equal(r.entries, 6);
  } finally {
    await a.close();
    await b.close();
  }
});

test('audit checkpoint and public-key export; verify --checkpoint catches truncation, OpenSSL verifies the signature', async (t) => {
  const url = `sqlite:${join(dir, 'checkpointed.db')}`;
  const { AuditTrail } = await import('../src/platform/domain/audit.ts');
  const { openDatabase } = await import('../src/platform/storage/db.ts');
  const p = await openDatabase(url);
  const trail = await AuditTrail.open(p, { now: () => new Date('2026-06-01T00:00:00Z') });
  for (const subject of ['card:1', 'card:2', 'card:3'])
    trail.append({
      institutionCode: 'a',
      userName: 'u',
      action: 'RHC_C0003',
      purpose: 'p',
      subject,
      outcome: '0000',
    });
  await trail.flush();
  await p.close();
  assert.equal(statSync(join(dir, 'audit.key')).mode & 0o777, 0o600, 'key beside the database, 0600');
  const cpFile = join(dir, 'cp.json');
  const pubFile = join(dir, 'audit-pub.pem');
  await run('audit', 'checkpoint', '--db', url, '--out', cpFile);
  await run('audit', 'public-key', '--db', url, '--out', pubFile);
  const cp = JSON.parse(readFileSync(cpFile, 'utf8'));
  assert.equal(cp.entries, 3);
  assert.match(
    await run('audit', 'verify', '--db', url, '--checkpoint', cpFile, '--public-key', pubFile),
    /intact: 3 entries \(0 legacy\), 2 checkpoints/,
  );
  // verifiable elsewhere: OpenSSL with the exported public key, message and DER signature
  const msg = join(dir, 'cp.msg');
  const sig = join(dir, 'cp.sig');
  writeFileSync(msg, cp.message);
  writeFileSync(sig, Buffer.from(cp.signatureDer, 'base64'));
  const ossl = spawnSync('openssl', [
    ...['pkeyutl', '-verify', '-pubin', '-inkey', pubFile, '-rawin', '-in', msg, '-sigfile', sig],
    ...['-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678'],
  ]);
  if (ossl.error) skipLoudly(t, 'openssl not installed — external checkpoint check SKIPPED');
  else assert.match(ossl.stdout.toString(), /Signature Verified Successfully/);
  // a checkpoint edited to fit a shorter trail no longer verifies
  const forged = join(dir, 'cp-forged.json');
  writeFileSync(forged, JSON.stringify({ ...cp, entries: 2 }));
  await assert.rejects(
    run('audit', 'verify', '--db', url, '--checkpoint', forged, '--public-key', pubFile),
    /AUDIT_CHECKPOINT_SIGNATURE|9006/,
  );
  // cut the newest entry and every stored checkpoint: only the exported checkpoint can tell
  const sqlite = new BetterSqlite3(join(dir, 'checkpointed.db'));
  sqlite.prepare('delete from audit_log where seq = (select max(seq) from audit_log)').run();
  sqlite.prepare('delete from audit_checkpoints').run();
  sqlite.close();
  assert.match(await run('audit', 'verify', '--db', url), /intact: 2 entries/);
  const prev = process.exitCode;
  assert.match(
    await run('audit', 'verify', '--db', url, '--checkpoint', cpFile, '--public-key', pubFile),
    /BROKEN at seq 3: entry 3 of a signed checkpoint is gone/,
  );
  assert.equal(process.exitCode, 1);
  process.exitCode = prev;
});

test('institution and user administration is audited as the account running rhc; audit list filters and pages', async () => {
  const url = `sqlite:${join(dir, 'admin.db')}`;
  await run(
    'institution',
    'add',
    '--code',
    '61010000-9',
    '--name',
    '西安',
    '--role',
    'city',
    '--region',
    '610100',
    '--db',
    url,
    '--json',
  );
  await run(
    'institution',
    'user',
    'add',
    '--code',
    '61010000-9',
    '--user',
    'clerk',
    '--role',
    'query',
    '--db',
    url,
    '--json',
  );
  await run(
    'institution',
    'user',
    'set',
    '--code',
    '61010000-9',
    '--user',
    'clerk',
    '--role',
    'operator',
    '--reset-password',
    '--db',
    url,
  );
  await run('institution', 'disable', '--code', '61010000-9', '--db', url);
  await assert.rejects(
    run('institution', 'user', 'set', '--code', '61010000-9', '--user', 'nobody', '--disable', '--db', url),
  );
  const all = JSON.parse(await run('audit', 'list', '--db', url, '--json'));
  assert.deepEqual(
    all.rows.map((r: { action: string; outcome: string }) => `${r.action} ${r.outcome}`),
    [
      'USER_UPDATE 1002',
      'INSTITUTION_DISABLE 0000',
      'USER_UPDATE 0000',
      'USER_ADD 0000',
      'INSTITUTION_ADD 0000',
    ],
  );
  assert.ok(
    all.rows.every((r: { userName: string }) => /^cli:\S+$/.test(r.userName)),
    'the real account',
  );
  assert.match(all.rows[2].subject, /user:clerk role:operator password:reset/);
  const page = JSON.parse(
    await run(
      'audit',
      'list',
      '--db',
      url,
      '--action',
      'USER_UPDATE',
      '--limit',
      '1',
      '--page',
      '2',
      '--json',
    ),
  );
  assert.equal(page.rows.length, 1);
  assert.equal(page.rows[0].outcome, '0000');
  assert.equal(page.more, false);
  const none = JSON.parse(await run('audit', 'list', '--db', url, '--from', '20990101', '--json'));
  assert.equal(none.rows.length, 0);
  assert.match(await run('audit', 'verify', '--db', url), /intact: 5 entries/);
});

test('audit list --resident matches a resident through internal ids, never by a stored ID number', async () => {
  const url = `sqlite:${join(dir, 'resident.db')}`;
  const { openDatabase } = await import('../src/platform/storage/db.ts');
  const { AuditTrail } = await import('../src/platform/domain/audit.ts');
  await run('gen', '--residents', '5', '--seed', '1', '--db', url);
  const p = await openDatabase(url);
  const r = await p.db.selectFrom('residents').select(['id', 'id_no']).orderBy('id').limit(2).execute();
  const trail = await AuditTrail.open(p, { now: () => new Date('2026-06-01T00:00:00Z') });
  const e = (subject: string) => ({
    institutionCode: 'h',
    userName: 'u',
    action: 'RHC_C0003',
    purpose: 'p',
    subject,
    outcome: '0000',
  });
  trail.append(e(`card:999 resident:${r[0]!.id}`));
  trail.append(e(`card:998 resident:${r[1]!.id}`));
  trail.append(e(`card:997 resident:${r[0]!.id}0`));
  await trail.flush();
  await p.close();
  const out = JSON.parse(await run('audit', 'list', '--db', url, '--resident', r[0]!.id_no, '--json'));
  assert.deepEqual(
    out.rows.map((x: { subject: string }) => x.subject),
    [`card:999 resident:${r[0]!.id}`],
  );
  const text = await run('audit', 'list', '--db', url, '--resident', r[0]!.id_no);
  assert.match(text, /2026-06-01 08:00:00\+08:00/, 'China time with its offset');
  assert.doesNotMatch(text, new RegExp(r[0]!.id_no));
});
