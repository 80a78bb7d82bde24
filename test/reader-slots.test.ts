// DF03 slot management (card-format.md §5.4, §7.4 F): first free slot, else overwrite the oldest visit /
// admission; when a used slot is reused the flag is erased first, the data written, then the flag set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand, toHex } from '../src/card/apdu.ts';
import { getProfile } from '../src/card/profiles/index.ts';
import { createDemoSam } from '../src/cos/sam/demo.ts';
import { encounterFiles } from '../src/reader/locate.ts';
import { HealthCardOperations } from '../src/reader/operations.ts';
import { Reader } from '../src/reader/reader.ts';
import { DEMO_SAM_PIN, createDemoCard, createDemoRig, sampleLayoutValues } from '../testkit/reader-rig.ts';
import { MemoryReaderDevice } from '../src/reader/transports/memory.ts';
import { createStandardApi } from '../src/reader/standard-api.ts';

const profile = getProfile('national');
const edLayout = encounterFiles(profile, 'outpatient')[0].ef.layout!;
const eeLayout = encounterFiles(profile, 'inpatient')[0].ef.layout!;

const visitAt = (dateTime: string, seed: number) => ({
  ...sampleLayoutValues(edLayout, seed),
  visitDateTime: dateTime,
});

test('outpatient slots fill in order, then the oldest visit is overwritten', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  const dates = ['20240301080000', '20240105080000', '20240410080000', '20231231235959', '20240220080000'];
  for (let i = 0; i < 5; i++) {
    assert.equal(await api.iReader_GetLastEDIndex(), i + 1);
    assert.deepEqual(await rig.ops.writeOutpatientVisit(visitAt(dates[i], i)), {
      slot: i + 1,
      replacedOldest: false,
    });
  }
  // No slot free: the oldest 就诊日期时间 is slot 4 (2023-12-31).
  assert.equal(await api.iReader_GetLastEDIndex(), 4);
  assert.deepEqual(await rig.ops.writeOutpatientVisit(visitAt('20240501080000', 9)), {
    slot: 4,
    replacedOldest: true,
  });
  // Next oldest: slot 2 (2024-01-05).
  assert.equal(await api.iReader_GetLastEDIndex(), 2);
  const list = await rig.ops.listOutpatientVisits();
  assert.deepEqual(
    list.map((e) => e.values.visitDateTime),
    ['20240301080000', '20240105080000', '20240410080000', '20240501080000', '20240220080000'],
  );
});

test('inpatient slots: oldest admission date, ties broken by the older discharge date', async () => {
  const rig = await createDemoRig();
  const stay = (admission: string, discharge: string, seed: number) => ({
    ...sampleLayoutValues(eeLayout, seed),
    admissionDate: admission,
    dischargeDate: discharge,
  });
  await rig.ops.writeInpatientStay(stay('20240110', '20240120', 1));
  await rig.ops.writeInpatientStay(stay('20240110', '20240115', 2));
  await rig.ops.writeInpatientStay(stay('20240301', '20240310', 3));
  const w = await rig.ops.writeInpatientStay(stay('20240601', '20240605', 4));
  assert.deepEqual(w, { slot: 2, replacedOldest: true });
  const list = await rig.ops.listInpatientStays();
  assert.deepEqual(
    list.map((e) => e.values.admissionDate),
    ['20240110', '20240601', '20240301'],
  );
});

test('reusing a used slot: ERASE RECORD first, then UPDATE BINARY, WRITE RECORD last', async () => {
  const profileCard = createDemoCard();
  const log: string[] = [];
  const reader = new Reader(new MemoryReaderDevice({ sam: createDemoSam(profile), card: profileCard }), {
    profile,
    observer: (slot, c) => {
      if (slot === 'card') log.push(toHex(encodeCommand(c)).slice(0, 8));
    },
  });
  await reader.open();
  await reader.verifySamPin(DEMO_SAM_PIN);
  const ops = new HealthCardOperations(reader);
  const eeValues = sampleLayoutValues(eeLayout, 5);
  for (let i = 0; i < 3; i++) await ops.writeInpatientStay({ ...eeValues, admissionDate: `2024010${i + 1}` });
  log.length = 0;
  await ops.writeInpatientStay({ ...eeValues, admissionDate: '20250101' });
  const erase = log.findIndex((x) => x === '840C0104');
  const firstUpdate = log.findIndex((x) => x.startsWith('00D6'));
  const write = log.findIndex((x) => x === '84D20104');
  assert.ok(erase >= 0 && firstUpdate > erase && write > firstUpdate, log.join(' '));
  // UK2_DF03 (erase) is a different key from UK1_DF03 (write): its EXTERNAL AUTHENTICATE names key id 86.
  assert.ok(log.includes('00820086'));
});

test('a removal in the middle of overwriting a used slot leaves it flagged free, never half-written under a valid flag', async () => {
  const rig = await createDemoRig();
  await rig.ops.writeOutpatientVisit(visitAt('20240101080000', 1));
  // Fill all five, then interrupt the overwrite of the oldest after its first data chunk.
  for (let i = 2; i <= 5; i++) await rig.ops.writeOutpatientVisit(visitAt(`2024010${i}080000`, i));
  await rig.reader.powerOnCard();
  // identity 2 RR, SELECT DF03, SELECT EF06, RK (2), 5 RR, 5 × (SELECT + 1 RB), UK2 (2), ERASE, UK1(2), SELECT ED01, 1 UB
  rig.device.removeAfterApdus(2 + 2 + 2 + 5 + 10 + 2 + 1 + 1 + 2 + 1);
  await assert.rejects(
    rig.ops.writeOutpatientVisit(visitAt('20250101080000', 7)),
    (e: Error & { symbol?: string }) => e.symbol === 'CARD_REMOVED',
  );
  rig.device.insert(rig.card);
  const flags = await rig.ops.files.readIndex('outpatient');
  assert.deepEqual(flags, [false, true, true, true, true]);
  await assert.rejects(rig.ops.readOutpatientVisit(1), (e: Error & { code?: number }) => e.code === 112);
});

test('index WRITE/ERASE RECORD in the MAC form when the profile selects it (§7.4 F alternative)', async () => {
  const macProfile = { ...profile, options: { ...profile.options, indexWriteForm: 'mac' as const } };
  const card = createDemoCard({ profile: macProfile });
  const log: string[] = [];
  const reader = new Reader(new MemoryReaderDevice({ sam: createDemoSam(macProfile), card }), {
    profile: macProfile,
    observer: (slot, c) => {
      if (slot === 'card' && (c.ins === 0xd2 || c.ins === 0x0c))
        log.push(toHex(encodeCommand(c)).slice(0, 10));
    },
  });
  await reader.open();
  await reader.verifySamPin(DEMO_SAM_PIN);
  const ops = new HealthCardOperations(reader);
  await ops.files.writeDf03Ef06(2);
  await ops.files.eraseDf03Ef06(2);
  await ops.files.writeDf03Ef06(3);
  assert.deepEqual(log, ['84D2020404', '840C020404', '84D2030404']);
  assert.deepEqual(await ops.files.readIndex('outpatient'), [false, false, true, false, false]);
});

test('the 64K profile: 10 outpatient and 5 inpatient slots, all written and listed', async () => {
  const big = getProfile('shaanxi-64k');
  const rig = await createDemoRig({ profile: big });
  const ed = encounterFiles(big, 'outpatient')[0].ef.layout!;
  for (let i = 0; i < 10; i++)
    await rig.ops.writeOutpatientVisit({
      ...sampleLayoutValues(ed, i),
      visitDateTime: `202401${String(i + 10)}080000`,
    });
  const w = await rig.ops.writeOutpatientVisit({
    ...sampleLayoutValues(ed, 11),
    visitDateTime: '20250101080000',
  });
  assert.deepEqual(w, { slot: 1, replacedOldest: true });
  assert.equal((await rig.ops.listOutpatientVisits()).length, 10);
  assert.equal((await rig.ops.verifyRecord('outpatient', 10, rig.pki.rootPublicKey)).valid, true);
});
