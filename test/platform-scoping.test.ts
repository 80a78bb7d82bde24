// Authorization beyond "may call the interface" (issue 13 §1, §2, §7): what each role may see and change.
// Each test failed before its fix: a wrong name saw the main index and cards (C0002), a bank saw the holder
// (C0003) and could rewrite the card type and revive an expired card (C0010), a city reported figures for
// another city's hospital (C0008), region checks used the ID number's birthplace (C0009), and a
// replacement counted as an issuance (C0006).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Caller } from '../src/platform/domain/institutions/index.ts';
import { RhcError } from '../src/platform/errors.ts';
import { authRequest, idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

async function rejects(p: Promise<unknown>, code: string, field?: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RhcError, `expected RhcError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field) assert.equal(e.field, field);
    return true;
  });
}

describeOnTargets('role and region scoping', (target) => {
  const { f } = usePlatform(target);
  const who: Record<string, Caller> = {};
  before(async () => {
    for (const k of ['province', 'city', 'cityB', 'hospital', 'bank'])
      who[k] = (await f.svc.registry.authenticate(authRequest(f.creds[k]!, f.clock))).caller;
  });

  test('RHC_C0002: a wrong name learns only that it is wrong, and the audit says 2003', async () => {
    const id = idNumber('610102', '19800101', 11);
    await f.svc.syncIssuance(who.city!, issuanceRequest(id, 'AA00000011', 'sc-1'));
    const right = await f.svc.verifyId(who.city!, { idType: '01', idNo: id, name: '王堃' });
    assert.equal(right.cards.length, 1);
    assert.ok(right.mainIndex);
    const wrong = await f.svc.verifyId(who.city!, { idType: '01', idNo: id, name: '张三' });
    assert.deepEqual(wrong, {
      resultCode: '2003',
      desc: wrong.desc,
      checkDigitValid: true,
      nameMatches: false,
      residentExists: true,
      cards: [],
    });
    assert.ok(wrong.desc.length > 0);
    await f.svc.flush();
    const audited = await f.p.db
      .selectFrom('audit_log')
      .select(['outcome'])
      .where('action', '=', 'RHC_C0002')
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      audited.map((a) => a.outcome),
      ['0000', '2003'],
    );
  });

  test('RHC_C0003: hospitals see the holder, banks only the card status', async () => {
    const id = idNumber('610102', '19800101', 22);
    await f.svc.syncIssuance(who.city!, issuanceRequest(id, 'AA00000022', 'sc-2'));
    const seen = await f.svc.verifyCard(who.hospital!, { cardNo: id, chipSerial: 'AA00000022' });
    assert.equal(seen.holder?.idNo, id);
    assert.ok(seen.mainIndex);
    const bank = await f.svc.verifyCard(who.bank!, { cardNo: id, chipSerial: 'AA00000022' });
    assert.equal(bank.valid, true);
    assert.equal(bank.status, '30');
    assert.equal(bank.holder, undefined);
    assert.equal(bank.mainIndex, undefined);
  });

  test('RHC_C0010: each role changes only its fields; no past validity; only an expired card comes back', async () => {
    const id = idNumber('610102', '19800101', 33);
    await f.svc.syncIssuance(who.city!, issuanceRequest(id, 'AA00000033', 'sc-3'));
    const change = (changes: Record<string, unknown>, alterNo: string) => ({
      cardNo: id,
      chipSerial: 'AA00000033',
      changes,
      alterNo,
      alterTime: '20260601120000',
      operator: 'op',
    });
    await rejects(f.svc.updateCard(who.bank!, change({ cardType: '2' }, 'b-1')), '1011', 'changes.cardType');
    await rejects(
      f.svc.updateCard(who.bank!, change({ issuerOrgCode: '6101000000000000000002' }, 'b-2')),
      '1011',
      'changes.issuerOrgCode',
    );
    await rejects(
      f.svc.updateCard(who.bank!, change({ validUntil: '20400101' }, 'b-3')),
      '1011',
      'changes.validUntil',
    );
    const ok = await f.svc.updateCard(who.bank!, change({ bankAccountMasked: '6222****1234' }, 'b-4'));
    assert.equal(ok.status, '30');
    await rejects(
      f.svc.updateCard(who.city!, change({ validUntil: '20260531' }, 'c-1')),
      '1002',
      'changes.validUntil',
    );
    // a card made invalid because its holder died does not come back with a new validity
    await f.svc.syncStatus(who.city!, {
      cardNo: id,
      chipSerial: 'AA00000033',
      oldStatus: '30',
      newStatus: '60',
      reasonCode: '06',
      opTime: '20260601121000',
      opOrgCode: '61010000-9',
      operator: 'op',
      serialNo: 'sc-3-dead',
    });
    const still = await f.svc.updateCard(who.city!, change({ validUntil: '20400101' }, 'c-2'));
    assert.equal(still.status, '60');
  });

  test('RHC_C0008: a city reports only for organisations of its region', async () => {
    const report = (orgCode: string, serialNo: string) => ({
      action: 'report' as const,
      serialNo,
      rows: [{ orgCode, date: '20260601', opType: '01', count: 999999 }],
    });
    // the hospital of the fixture is in 610102 (city 610100): city B (610200) may not report for it
    await rejects(f.svc.statistics(who.cityB!, report('45075129-0', 'r-1')), '1011', 'rows.0.orgCode');
    const own = await f.svc.statistics(who.city!, report('45075129-0', 'r-2'));
    assert.equal((own as { accepted: number }).accepted, 1);
    // an organisation the province does not know counts as the reporter's own
    const unknown = await f.svc.statistics(who.cityB!, report('12345678-8', 'r-3'));
    assert.equal((unknown as { accepted: number }).accepted, 1);
  });

  test('RHC_C0009: demographics belong to the city of the live card, not the ID birthplace', async () => {
    // born in 610202 (city B), card issued by city A (610100)
    const id = idNumber('610202', '19850101', 44);
    await f.svc.syncIssuance(who.city!, issuanceRequest(id, 'AA00000044', 'sc-4'));
    const update = (alterNo: string) => ({
      idType: '01',
      idNo: id,
      changes: { phone1: '13900000000' },
      alterNo,
      alterTime: '20260601130000',
      operator: 'op',
    });
    const mine = await f.svc.updateResident(who.city!, update('u-1'));
    assert.equal(mine.cardRewrite, 'terminal');
    await rejects(f.svc.updateResident(who.cityB!, update('u-2')), '1011');
    const province = await f.svc.updateResident(who.province!, update('u-3'));
    assert.equal(province.cardRewrite, 'terminal');
  });

  test('RHC_C0006: a replacement is counted once, not as a second issuance', async () => {
    const id = idNumber('610102', '19800101', 55);
    await f.svc.syncIssuance(who.city!, issuanceRequest(id, 'AA00000055', 'sc-5'));
    const count = async (opType: string) => {
      const s = await f.svc.statistics(who.province!, {
        action: 'query',
        opTypes: [opType],
        orgCode: '61010000-9',
      });
      return s.rows[0]?.count ?? 0;
    };
    const issuedBefore = await count('01');
    await f.svc.syncReplacement(who.city!, {
      cardNo: id,
      oldChipSerial: 'AA00000055',
      newChipSerial: 'AA00000056',
      type: '2',
      reasonCode: '04',
      newValidUntil: '20360601',
      opTime: '20260601140000',
      opOrgCode: '61010000-9',
      operator: 'op',
      serialNo: 'sc-5-r',
    });
    assert.equal(await count('01'), issuedBefore);
    assert.equal(await count('08'), 1);
  });
});
