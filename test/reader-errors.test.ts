// Error mapping (card-format.md §8.6 + RHC device codes): each failure a hospital user can meet surfaces as a
// coded ReaderError with a zh + en message and, where a card or SAM answered, the status word.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getProfile } from '../src/card/profiles/index.ts';
import { seededRandom } from '../src/base/runtime.ts';
import { personaliseCard } from '../src/cos/card/state.ts';
import { VirtualCard } from '../src/cos/card/virtual-card.ts';
import { generateMasterKeys } from '../src/crypto/master-keys.ts';
import { createDemoSam } from '../src/cos/sam/demo.ts';
import { READER_ERRORS, ReaderError, readerErrorCatalogue } from '../src/reader/errors.ts';
import { encounterFiles, fileOfSection } from '../src/reader/locate.ts';
import { HealthCardOperations } from '../src/reader/operations.ts';
import { Reader } from '../src/reader/reader.ts';
import { createStandardApi } from '../src/reader/standard-api.ts';
import {
  DEMO_HISTORICAL,
  DEMO_SAM_PIN,
  createDemoCard,
  createDemoRig,
  sampleLayoutValues,
} from '../testkit/reader-rig.ts';
import { MemoryReaderDevice } from '../src/reader/transports/memory.ts';

const profile = getProfile('national');
const isCode = (code: number, sw?: number) => (e: unknown) => {
  assert.ok(e instanceof ReaderError, String(e));
  assert.equal(e.code, code, e.message);
  if (sw !== undefined) assert.equal(e.sw, sw);
  assert.ok(e.zh.length > 0 && e.en.length > 0);
  return true;
};

test('the catalogue has the §8.6 codes 101–113 and unique codes', () => {
  const codes = readerErrorCatalogue().map((e) => e.code);
  for (let c = 101; c <= 113; c++) assert.ok(codes.includes(c), `code ${c}`);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(READER_ERRORS.NO_CARD.zh, '请将居民健康卡放到读卡器上');
});

test('no card in the field → 121 NO_CARD with the hospital-user message', async () => {
  const reader = new Reader(new MemoryReaderDevice({ sam: createDemoSam(profile) }), { profile });
  await reader.open();
  await reader.verifySamPin(DEMO_SAM_PIN);
  await assert.rejects(
    reader.powerOnCard(),
    (e) => isCode(121)(e) && /Place the health card on the reader/.test((e as Error).message),
  );
});

test('reader without SAM → 125; operations before the SAM PIN → 125', async () => {
  await assert.rejects(
    new Reader(new MemoryReaderDevice({ card: createDemoCard() }), { profile }).open(),
    isCode(125),
  );
  const reader = new Reader(new MemoryReaderDevice({ sam: createDemoSam(profile), card: createDemoCard() }), {
    profile,
  });
  await reader.open();
  const ops = new HealthCardOperations(reader);
  assert.equal((await ops.readCardInfo()).applicationCityCode, '410100'); // free read works without the PIN
  await assert.rejects(ops.readResidentInfo(), isCode(125));
});

test('wrong SAM PIN → 123 with the tries left in the SW; blocked → 124', async () => {
  const reader = new Reader(new MemoryReaderDevice({ sam: createDemoSam(profile) }), { profile });
  await reader.open();
  const api = createStandardApi(new HealthCardOperations(reader));
  await assert.rejects(reader.verifySamPin('000000'), isCode(123, 0x63c2));
  assert.deepEqual(await api.VerifyPin('111111'), { ok: false, retriesLeft: 1 });
  await assert.rejects(reader.verifySamPin('222222'), isCode(123, 0x63c0));
  await assert.rejects(reader.verifySamPin(DEMO_SAM_PIN), isCode(124, 0x6983));
  await assert.rejects(
    reader.verifySamPin('12a4'),
    (e) => isCode(101)(e) && (e as ReaderError).field === 'pin',
  );
});

test('card removed during an operation → 122; the session is dropped and the next operation powers on again', async () => {
  const rig = await createDemoRig();
  await rig.reader.powerOnCard();
  rig.device.removeAfterApdus(4);
  await assert.rejects(rig.ops.readResidentInfo(), isCode(122));
  await assert.rejects(rig.ops.readCardInfo(), isCode(121));
  rig.device.insert(rig.card);
  rig.reader.resetCounts();
  assert.equal((await rig.ops.readCardInfo()).cardNumber, '11010519491231002X');
  assert.equal(rig.reader.counts().card, 3 + 10); // a fresh power-on, then the 10 records
});

test('a remove event invalidates the cached session even without an APDU error', async () => {
  const rig = await createDemoRig();
  await rig.reader.powerOnCard();
  const before = await rig.reader.currentSession();
  rig.device.remove();
  assert.equal(before.valid, false);
  rig.device.insert(rig.card);
  const after = await rig.reader.currentSession();
  assert.notEqual(after, before);
  assert.equal(after.valid, true);
});

test('empty slot → 112 RECORD_UNAVAILABLE; bad slot and bad values → 101 naming the field', async () => {
  const rig = await createDemoRig();
  await assert.rejects(rig.ops.readOutpatientVisit(1), isCode(112));
  await assert.rejects(
    rig.ops.readOutpatientVisit(6),
    (e) => isCode(101)(e) && (e as ReaderError).field === 'nRecorderNo',
  );
  const holder = fileOfSection(profile, 'holder');
  await assert.rejects(
    rig.ops.files.writeTlvFile(holder, { name: '很长的名字'.repeat(10) }),
    (e) => isCode(101)(e) && (e as ReaderError).field === 'name',
  );
  await assert.rejects(
    rig.ops.files.writeTlvFile(holder, { nickname: 'x' }),
    (e) => isCode(101)(e) && (e as ReaderError).field === 'nickname',
  );
  const visit = sampleLayoutValues(encounterFiles(profile, 'outpatient')[0].ef.layout!, 1);
  await assert.rejects(rig.ops.writeOutpatientVisit({ ...visit, visitDateTime: '2024' + 'X' }), isCode(101));
  await assert.rejects(
    rig.ops.writeOutpatientVisit({ ...visit, institutionName: '' }),
    (e) => isCode(101)(e) && (e as ReaderError).field === 'institutionName',
  );
});

test('holder data after issuance → 127 CARD_LOCKED (card answers 69 85)', async () => {
  const rig = await createDemoRig({ lock: true });
  await assert.rejects(rig.ops.writePersonalDetails({ holder: { name: '张三' } }), isCode(127, 0x6985));
});

test('LockPersonalInfo ends personalisation: holder writes work before, are refused after', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  await api.iW_DDF1EF06Info({ XM: '张三' });
  await api.LockPersonalInfo();
  await assert.rejects(api.iW_DDF1EF06Info({ XM: '李四' }), isCode(127, 0x6985));
  assert.equal((await api.iR_DDF1EF06Info()).XM, '张三');
});

test('a card of another key set fails external authentication → 106 with the card SW', async () => {
  const state = personaliseCard({
    profile,
    images: new Map(),
    masterKeys: generateMasterKeys(profile, 'other-issuer'),
    historicalBytes: DEMO_HISTORICAL,
    applicationCityCode: '410100',
  });
  // DDF1/EF05 blank except the city code is needed for power-on: write it via a demo card image instead.
  const card = createDemoCard();
  const foreign = new VirtualCard({ ...state, memory: card.state.memory }, { random: seededRandom(3) });
  const reader = new Reader(new MemoryReaderDevice({ sam: createDemoSam(profile), card: foreign }), {
    profile,
  });
  await reader.open();
  await reader.verifySamPin(DEMO_SAM_PIN);
  await assert.rejects(
    new HealthCardOperations(reader).readResidentInfo(),
    (e) => isCode(106)(e) && ((e as ReaderError).sw! & 0xfff0) === 0x63c0,
  );
});

test('a reader profile with more slots than the card → 103 on the index record, 102 on the missing EF', async () => {
  const big = getProfile('shaanxi-64k');
  const reader = new Reader(new MemoryReaderDevice({ sam: createDemoSam(big), card: createDemoCard() }), {
    profile: big,
  });
  await reader.open();
  await reader.verifySamPin(DEMO_SAM_PIN);
  const ops = new HealthCardOperations(reader);
  await assert.rejects(ops.readOutpatientVisit(10), isCode(103, 0x6a83));
  await assert.rejects(ops.files.readEncounterBytes('outpatient', 10, 0, 16, false), isCode(102, 0x6a82));
});

test('ReaderError serialises code, symbol, messages and SW for HTTP clients', () => {
  const e = new ReaderError('WRITE_BINARY_FAILED', { sw: 0x6581, detail: 'x' });
  assert.deepEqual(e.toJSON(), {
    code: 109,
    symbol: 'WRITE_BINARY_FAILED',
    zh: READER_ERRORS.WRITE_BINARY_FAILED.zh,
    en: READER_ERRORS.WRITE_BINARY_FAILED.en,
    sw: '6581',
    detail: 'x',
  });
});

test('state changed behind the library (another PC/SC client): one 69 82 / 69 86 triggers a fresh walk', async () => {
  const rig = await createDemoRig();
  const first = await rig.ops.readResidentInfo();
  // Another application selects MF on the same card: the library's cached EF and rights are now wrong.
  const { command } = await import('../src/card/apdu.ts');
  await rig.card.transmit(command(0x00, 0xa4, 0x00, 0x00, Uint8Array.of(0x3f, 0x00)));
  const again = await rig.ops.files.readTlvFile(fileOfSection(profile, 'documents'));
  assert.deepEqual(again, first.documents);
});
