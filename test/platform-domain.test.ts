// Domain tests of the platform service on every database target: life cycle, lists, idempotency, audit,
// authentication. The transition table below is typed in by hand from platform-interfaces.md §5.2.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { sql } from 'kysely';
import { verifyAuditChain } from '../src/platform/domain/audit-verify.ts';
import { maskId } from '../src/platform/domain/masking.ts';
import type { Caller } from '../src/platform/domain/institutions/index.ts';
import { TRANSITIONS } from '../src/platform/domain/lifecycle.ts';
import { RhcError } from '../src/platform/errors.ts';
import { appliedMigrations, platformMigrations } from '../src/platform/storage/migrations.ts';
import { authRequest, idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

const SPEC_TRANSITIONS: Record<string, string[]> = {
  '01': ['02', '90'],
  '02': ['10', '90'],
  '10': ['20', '90'],
  '20': ['30', '90'],
  '30': ['40', '50', '60', '90'],
  '40': ['30', '90'],
  '50': ['30', '90'],
  '60': ['30', '90'],
  '90': [],
};

test('transition table matches §5.2', () => {
  const got = Object.fromEntries(Object.entries(TRANSITIONS).map(([k, v]) => [k, Object.keys(v).sort()]));
  assert.deepEqual(got, SPEC_TRANSITIONS);
});

async function rejects(p: Promise<unknown>, code: string, field?: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RhcError, `expected RhcError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field) assert.equal(e.field, field);
    return true;
  });
}

describeOnTargets('platform domain', (target) => {
  const { f } = usePlatform(target);
  let city: Caller;
  let cityB: Caller;
  let hospital: Caller;
  before(async () => {
    const who = async (k: string) =>
      (await f.svc.registry.authenticate(authRequest(f.creds[k]!, f.clock))).caller;
    city = await who('city');
    cityB = await who('cityB');
    hospital = await who('hospital');
  });

  test('migrations ran and are recorded', async () => {
    const all = Object.keys(platformMigrations(f.p.adapter)).sort();
    assert.equal(all[0], '001_initial');
    assert.deepEqual(await appliedMigrations(f.p.db as never), all);
  });

  test('issue → lost → found → freeze → unfreeze → cancel, with lists and operations log', async () => {
    const id = idNumber('610102', '19900101', 123);
    const issued = await f.svc.syncIssuance(city, issuanceRequest(id, 'A1B2C3D4E5', 's-1'));
    assert.equal(issued.status, '30');
    const v0 = await f.svc.verifyCard(hospital, { cardNo: id, chipSerial: 'A1B2C3D4E5' });
    assert.equal(v0.valid, true);
    assert.equal(v0.holder?.name, '王堃');
    const base = {
      cardNo: id,
      chipSerial: 'A1B2C3D4E5',
      opTime: '20260601100500',
      opOrgCode: '61010000-9',
      operator: 'op1',
    };
    const lost = await f.svc.syncStatus(city, {
      ...base,
      oldStatus: '30',
      newStatus: '40',
      reasonCode: '02',
      serialNo: 's-2',
    });
    assert.equal(lost.currentStatus, '40');
    assert.match(lost.blacklistVersion, /^20260601\.\d{4}$/);
    const v1 = await f.svc.verifyCard(hospital, { cardNo: id, chipSerial: 'A1B2C3D4E5' });
    assert.deepEqual([v1.valid, v1.resultCode, v1.onBlacklist], [false, '3004', true]);
    // illegal: lost → frozen is not in the table
    await rejects(
      f.svc.syncStatus(city, {
        ...base,
        oldStatus: '40',
        newStatus: '50',
        reasonCode: '09',
        serialNo: 's-3',
      }),
      '3009',
    );
    // stale oldStatus
    await rejects(
      f.svc.syncStatus(city, {
        ...base,
        oldStatus: '30',
        newStatus: '50',
        reasonCode: '09',
        serialNo: 's-3b',
      }),
      '3009',
      'oldStatus',
    );
    const found = await f.svc.syncStatus(city, {
      ...base,
      oldStatus: '40',
      newStatus: '30',
      reasonCode: '01',
      serialNo: 's-4',
    });
    assert.ok(
      found.blacklistVersion > lost.blacklistVersion,
      'found removes from the blacklist with a newer version',
    );
    await f.svc.syncStatus(city, {
      ...base,
      oldStatus: '30',
      newStatus: '50',
      reasonCode: '09',
      serialNo: 's-5',
    });
    assert.equal(
      (await f.svc.verifyCard(hospital, { cardNo: id, chipSerial: 'A1B2C3D4E5' })).resultCode,
      '3005',
    );
    await f.svc.syncStatus(city, {
      ...base,
      oldStatus: '50',
      newStatus: '30',
      reasonCode: '01',
      serialNo: 's-6',
    });
    // delta since the first blacklist version: lost was added, then deleted, frozen added, deleted
    const delta = await f.svc.getList(city, { listType: 'B', haveVersion: lost.blacklistVersion });
    assert.equal(delta.mode, 'D');
    assert.deepEqual(
      delta.entries.map((e) => `${e.op}${e.status}`),
      ['D30', 'A50', 'D30'],
    );
    const ops = await f.p.db
      .selectFrom('card_operations')
      .select('op_type')
      .where('op_type', '!=', '12')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      ops.map((o) => o.op_type),
      ['01', '03', '04', '05', '06'],
    );
    // an unknown version → full list + 4001
    const full = await f.svc.getList(city, { listType: 'B', haveVersion: '20200101.0001' });
    assert.deepEqual([full.mode, full.resultCode, full.entries.length], ['F', '4001', 0]);
    const white = await f.svc.getList(city, { listType: 'W' });
    assert.deepEqual(
      white.entries.map((e) => e.cardNo),
      [id],
    );
  });

  test('reissue retires the old chip and issues a new one with the same card number', async () => {
    const id = idNumber('610103', '19851230', 222);
    await f.svc.syncIssuance(city, issuanceRequest(id, 'OLD0000001', 'r-1', { name: '李𠮷' }));
    const r = await f.svc.syncReplacement(city, {
      type: '1',
      cardNo: id,
      oldChipSerial: 'OLD0000001',
      newChipSerial: 'NEW0000001',
      newValidUntil: '20360601',
      reasonCode: '02',
      opTime: '20260601110000',
      opOrgCode: '61010000-9',
      operator: 'op1',
      serialNo: 'r-2',
    });
    assert.deepEqual([r.oldStatus, r.newStatus], ['90', '30']);
    const oldV = await f.svc.verifyCard(hospital, { cardNo: id, chipSerial: 'OLD0000001' });
    assert.deepEqual([oldV.valid, oldV.resultCode, oldV.onBlacklist], [false, '3006', true]);
    const newV = await f.svc.verifyCard(hospital, { cardNo: id, chipSerial: 'NEW0000001' });
    assert.equal(newV.valid, true);
    assert.equal(newV.holder?.name, '李𠮷');
    await rejects(f.svc.verifyCard(hospital, { cardNo: id, chipSerial: 'FORGED0001' }), '3002', 'chipSerial');
    await rejects(
      f.svc.verifyCard(hospital, { cardNo: idNumber('610103', '19851230', 224), chipSerial: 'X' }),
      '3001',
    );
    const black = await f.svc.getList(city, { listType: 'B', scope: '610100' });
    assert.ok(black.entries.some((e) => e.chipSerial === 'OLD0000001' && e.status === '90'));
    // a second issuance for the same holder must go through 补/换
    await rejects(
      f.svc.syncIssuance(city, issuanceRequest(id, 'THIRD00001', 'r-3', { name: '李𠮷' })),
      '3011',
    );
  });

  test('lists page through full and delta answers; the full-list version is pinned across pages', async () => {
    const all: string[] = [];
    let page = await f.svc.getList(city, { listType: 'W', pageSize: 1 });
    const version = page.version;
    all.push(...page.entries.map((e) => e.chipSerial!));
    while (page.nextPageToken) {
      page = await f.svc.getList(city, { listType: 'W', pageSize: 1, pageToken: page.nextPageToken });
      assert.equal(page.version, version);
      all.push(...page.entries.map((e) => e.chipSerial!));
    }
    const white = await f.svc.getList(city, { listType: 'W', pageSize: 1000 });
    assert.deepEqual(
      all,
      white.entries.map((e) => e.chipSerial),
    );
    const deltas: string[] = [];
    let d = await f.svc.getList(city, { listType: 'B', haveVersion: '00000000.0000', pageSize: 2 });
    deltas.push(...d.entries.map((e) => e.op + e.status));
    while (d.nextPageToken) {
      d = await f.svc.getList(city, {
        listType: 'B',
        haveVersion: '00000000.0000',
        pageSize: 2,
        pageToken: d.nextPageToken,
      });
      deltas.push(...d.entries.map((e) => e.op + e.status));
    }
    const oneShot = await f.svc.getList(city, {
      listType: 'B',
      haveVersion: '00000000.0000',
      pageSize: 1000,
    });
    assert.deepEqual(
      deltas,
      oneShot.entries.map((e) => e.op + e.status),
    );
    assert.equal(d.version, oneShot.version);
  });

  test('writes are idempotent by serialNo; other content under the same serialNo is refused', async () => {
    const id = idNumber('610104', '20000229', 5);
    const req = issuanceRequest(id, 'IDEM000001', 'i-1');
    const a = await f.svc.syncIssuance(city, req);
    const b = await f.svc.syncIssuance(city, req);
    assert.deepEqual(b, a);
    const n = await f.p.db
      .selectFrom('cards')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('card_no', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 1);
    await rejects(f.svc.syncIssuance(city, { ...req, operator: 'someone-else' }), '1012', 'serialNo');
    await rejects(f.svc.syncIssuance(city, { ...req, serialNo: 'i-2' }), '3010');
  });

  test('authorisation: wrong role and other region are refused', async () => {
    const id = idNumber('610105', '19700101', 11);
    await rejects(f.svc.syncIssuance(hospital, issuanceRequest(id, 'ROLE000001', 'x-1')), '1011');
    await rejects(f.svc.syncIssuance(cityB, issuanceRequest(id, 'ROLE000001', 'x-2')), '1011');
    await f.svc.syncIssuance(city, issuanceRequest(id, 'ROLE000001', 'x-3'));
    await rejects(
      f.svc.syncStatus(cityB, {
        cardNo: id,
        chipSerial: 'ROLE000001',
        oldStatus: '30',
        newStatus: '40',
        reasonCode: '02',
        opTime: '20260601100000',
        opOrgCode: '61020000-X',
        operator: 'o',
        serialNo: 'x-4',
      }),
      '1011',
    );
  });

  test('ID verification: check digit, lower-case x, sex/birth consistency, name match', async () => {
    await rejects(
      f.svc.verifyId(hospital, { idType: '01', idNo: '110105194912310021', name: '张三' }),
      '2001',
      'idNo',
    );
    await rejects(
      f.svc.verifyId(hospital, { idType: '01', idNo: '11010519491231002x', name: '张三' }),
      '2002',
    );
    // a wrong length is a length code, not a check digit (issue 13 §7); 15-digit numbers: the one rule
    await rejects(f.svc.verifyId(hospital, { idType: '01', idNo: '110', name: '张三' }), '2006', 'idNo');
    await rejects(
      f.svc.verifyId(hospital, { idType: '01', idNo: '610102900101123', name: '张三' }),
      '2006',
      'idNo',
    );
    await rejects(
      f.svc.verifyId(hospital, { idType: '01', idNo: '11010519491231002X', name: '张三', sex: '1' }),
      '2005',
      'sex',
    );
    const none = await f.svc.verifyId(hospital, {
      idType: '01',
      idNo: '11010519491231002X',
      name: '张三',
      sex: '2',
      birthDate: '19491231',
    });
    assert.deepEqual([none.residentExists, none.cards.length], [false, 0]);
    const id = idNumber('610102', '19900101', 123);
    const known = await f.svc.verifyId(hospital, { idType: '01', idNo: id, name: '王五' });
    assert.deepEqual(
      [known.residentExists, known.nameMatches, known.resultCode, known.cards.length],
      [true, false, '2003', 0], // a wrong name learns nothing more (issue 13 §2)
    );
  });

  test('resident and card modification report what must be rewritten; expired card revived by new validity', async () => {
    const id = idNumber('610102', '19900101', 123);
    const r1 = await f.svc.updateResident(city, {
      idType: '01',
      idNo: id,
      changes: { phone1: '13800000000' },
      alterNo: 'u-1',
      alterTime: '20260601120000',
      operator: 'o',
    });
    assert.equal(r1.cardRewrite, 'terminal');
    const r2 = await f.svc.updateResident(city, {
      idType: '01',
      idNo: id,
      changes: { name: '王堃堃' },
      alterNo: 'u-2',
      alterTime: '20260601120000',
      operator: 'o',
    });
    assert.equal(r2.cardRewrite, 'replace');
    await rejects(
      f.svc.updateResident(city, {
        idType: '01',
        idNo: id,
        changes: { sex: '2' },
        alterNo: 'u-3',
        alterTime: '20260601120000',
        operator: 'o',
      }),
      '2005',
    );
    await rejects(
      f.svc.updateResident(city, {
        idType: '01',
        idNo: idNumber('610102', '19900101', 125),
        changes: { phone1: '1' },
        alterNo: 'u-4',
        alterTime: '20260601120000',
        operator: 'o',
      }),
      '2004',
    );
    const base = {
      cardNo: id,
      chipSerial: 'A1B2C3D4E5',
      opTime: '20260601130000',
      opOrgCode: '61010000-9',
      operator: 'o',
    };
    await f.svc.syncStatus(city, {
      ...base,
      oldStatus: '30',
      newStatus: '60',
      reasonCode: '08',
      serialNo: 'e-1',
    });
    assert.equal(
      (await f.svc.verifyCard(hospital, { cardNo: id, chipSerial: 'A1B2C3D4E5' })).resultCode,
      '3007',
    );
    const u = await f.svc.updateCard(city, {
      cardNo: id,
      chipSerial: 'A1B2C3D4E5',
      changes: { validUntil: '20460601' },
      alterNo: 'c-1',
      alterTime: '20260601130500',
      operator: 'o',
    });
    assert.deepEqual(u, { cardRewrite: 'terminal', status: '30' });
  });

  test('statistics by operation, region and institution', async () => {
    await f.svc.flush();
    const byOp = await f.svc.statistics(city, {
      action: 'query',
      startDate: '20260601',
      endDate: '20260601',
      opTypes: ['01', '03'],
    });
    assert.deepEqual(byOp.rows, [
      { opType: '01', count: 4 }, // the replacement's new card is not an issuance (issue 13 §7)
      { opType: '03', count: 1 },
    ]);
    const mine = await f.svc.statistics(hospital, { action: 'query', opTypes: ['12'], groupBy: ['org'] });
    assert.equal(mine.rows.length, 1);
    assert.equal(mine.rows[0]!.orgCode, '45075129-0');
    await rejects(f.svc.statistics(hospital, { action: 'query', orgCode: '61010000-9' }), '1011', 'orgCode');
    await rejects(f.svc.statistics(cityB, { action: 'query', regionCode: '6101' }), '1011', 'regionCode');
  });

  test('authentication: replayed and stale timestamps are refused; tokens expire', async () => {
    f.clock.advance(60);
    const req = authRequest(f.creds.hospital!, f.clock);
    const ok = await f.svc.authenticate(req);
    assert.ok(ok.token);
    await rejects(f.svc.authenticate(req), '1005'); // the same message again = replay
    await rejects(f.svc.authenticate({ ...req, msgCreateTime: '20260601000000' }), '1009');
    await rejects(
      f.svc.authenticate({ ...authRequest(f.creds.hospital!, f.clock), pwdDigest: '0'.repeat(64) }),
      '1005',
    );
    await f.svc.flush();
    const refused = await f.p.db
      .selectFrom('audit_log')
      .select(['outcome'])
      .where('action', '=', 'RHC_C0001')
      .where('institution_code', '=', '45075129-0')
      .execute();
    assert.deepEqual(
      refused
        .map((r) => r.outcome)
        .filter((o) => o !== '0000')
        .sort(),
      ['1005', '1005', '1009'],
      'refused authentications are audited',
    );
    const caller = await f.svc.registry.callerFromToken(ok.token);
    assert.equal(caller.institutionCode, '45075129-0');
    await rejects(f.svc.registry.callerFromToken(ok.token.slice(0, -2) + 'xx'), '1006');
    f.clock.advance(16 * 60);
    await rejects(f.svc.registry.callerFromToken(ok.token), '1006');
  });

  test('a change is audited in its own transaction (no flush needed); a retry is audited too', async () => {
    await f.svc.flush();
    const id = idNumber('610104', '19930303', 77);
    const count = async () =>
      (
        await f.p.db
          .selectFrom('audit_log')
          .select(['subject'])
          .where('action', '=', 'RHC_C0004')
          .where('subject', 'like', `% id:${maskId(id)}%`)
          .execute()
      ).map((r) => r.subject);
    await f.svc.syncIssuance(city, issuanceRequest(id, 'AUD0000077', 'aud-1'));
    const before = await count();
    assert.equal(before.length, 1, 'written with the change, before any flush');
    assert.equal(f.svc.audit.pendingCount, 0, 'nothing of the change is left in the buffer');
    await f.svc.syncIssuance(city, issuanceRequest(id, 'AUD0000077', 'aud-1'));
    await f.svc.flush();
    const after = await count();
    assert.equal(after.length, 2);
    assert.match(after[1]!, /retry:aud-1$/);
    assert.equal((await verifyAuditChain(f.p.db)).ok, true);
  });

  test('audit chain verifies and detects tampering', async () => {
    await f.svc.flush();
    const good = await verifyAuditChain(f.p.db);
    assert.equal(good.ok, true);
    assert.ok(good.entries > 10);
    const rows = await f.p.db.selectFrom('audit_log').select(['seq', 'subject']).orderBy('seq').execute();
    assert.ok(
      rows.every((r) => !/\d{17}[\dX]/.test(r.subject)),
      'no full ID number in the audit subject',
    );
    const victim = rows[3]!;
    await sql`update audit_log set outcome = '9999' where seq = ${victim.seq}`.execute(f.p.db);
    const bad = await verifyAuditChain(f.p.db);
    assert.equal(bad.ok, false);
    assert.equal(bad.brokenAt?.seq, victim.seq);
  });
});
