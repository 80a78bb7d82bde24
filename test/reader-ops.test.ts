// High-level operations over the in-memory transport: every write is read back, and every operation's APDU
// count is checked against the count the spec's flows require (derivations in the comments and in
// docs/reader-apdus.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encounterFiles, fileOfSection } from '../src/reader/locate.ts';
import { createDemoRig, sampleLayoutValues, sampleTlvValues, type DemoRig } from '../testkit/reader-rig.ts';

const tlvValues = (rig: DemoRig, section: string, seed: number) =>
  sampleTlvValues(fileOfSection(rig.profile, section).ef.elements!, seed);
const layout = (rig: DemoRig, section: 'inpatient' | 'outpatient') =>
  encounterFiles(rig.profile, section)[0].ef.layout!;

/** Runs fn and returns its result with the APDUs it sent. */
async function counted<T>(
  rig: DemoRig,
  fn: () => Promise<T>,
): Promise<{ value: T; card: number; sam: number }> {
  rig.reader.resetCounts();
  const value = await fn();
  const c = rig.reader.counts();
  return { value, card: c.card, sam: c.sam };
}

// Unit costs (spec §7.4): external authentication = card GET CHALLENGE + EXTERNAL AUTHENTICATE (2) and SAM
// 80 DE + 80 FA + GET RESPONSE (3). SM record write (flow D) = card GET CHALLENGE + 04 DC (2) and SAM
// 80 DE, 80 FA 00, GET RESPONSE, 80 DE, 80 FA 05, GET RESPONSE (6).
const AUTH = { card: 2, sam: 3 };
const SM_WRITE = { card: 2, sam: 6 };

test('power-on reads the city code with SELECT DDF1, SELECT EF05, READ RECORD by identifier', async () => {
  const rig = await createDemoRig();
  const r = await counted(rig, () => rig.reader.powerOnCard());
  assert.match(r.value, /^3B88800152/);
  assert.deepEqual([r.card, r.sam], [3, 0]);
  const s = await rig.reader.currentSession();
  assert.equal(s.cityCode, '410100');
});

test('card info: 10 READ RECORDs of the free DDF1/EF05, no authentication, no SELECT after power-on', async () => {
  const rig = await createDemoRig();
  await rig.reader.powerOnCard();
  const r = await counted(rig, () => rig.ops.readCardInfo());
  assert.equal(r.value.cardNumber, '11010519491231002X');
  assert.equal(r.value.applicationCityCode, '410100');
  assert.equal(r.value.issuerCertificate.length, 360);
  assert.deepEqual([r.card, r.sam], [10, 0]);
});

test('personal details: write then read back, with the minimum APDUs', async () => {
  const rig = await createDemoRig();
  await rig.reader.powerOnCard(); // DDF1/EF05 selected
  const details = {
    holder: tlvValues(rig, 'holder', 1),
    validity: tlvValues(rig, 'validity', 2),
    addresses: tlvValues(rig, 'addresses', 3),
    contacts: tlvValues(rig, 'contacts', 4),
    occupation: tlvValues(rig, 'occupation', 5),
    documents: tlvValues(rig, 'documents', 6),
  };
  const w = await counted(rig, () => rig.ops.writePersonalDetails(details));
  // DDF1: SELECT EF06, UK1_DDF1, 5 SM writes; SELECT EF08 (same DF: right kept), 6 SM writes.
  // DF01: SELECT DF01 (child of DDF1), SELECT EF05, UK1_DF01, 4 writes; EF06 9; EF07 3; EF08 4 (+ a SELECT each).
  const records = Object.values(details).reduce(
    (n, v) => n + Object.values(v).filter((x) => x !== '').length,
    0,
  );
  assert.equal(w.card, 1 + AUTH.card + 1 + 1 + 1 + AUTH.card + 3 + records * SM_WRITE.card);
  assert.equal(w.sam, 2 * AUTH.sam + records * SM_WRITE.sam);

  const r = await counted(rig, () => rig.ops.readResidentInfo());
  assert.deepEqual(r.value.holder, details.holder);
  assert.deepEqual(r.value.validity, details.validity);
  assert.deepEqual(r.value.addresses, details.addresses);
  assert.deepEqual(r.value.contacts, details.contacts);
  assert.deepEqual(r.value.occupation, details.occupation);
  assert.deepEqual(r.value.documents, details.documents);
  // From DF01/EF08: SELECT DDF1 (parent), SELECT EF06, RK1_DDF1, 5 RR; SELECT EF08, 6 RR;
  // SELECT DF01, SELECT EF05, RK1_DF01, 4 RR; 3 × (SELECT + RR…) for EF06 (9), EF07 (3), EF08 (4).
  assert.equal(r.card, 2 + AUTH.card + 5 + 1 + 6 + 2 + AUTH.card + 4 + 3 + 9 + 3 + 4);
  assert.equal(r.sam, 2 * AUTH.sam);
});

test('basic health: write then read all, blood/allergy only and immunizations only', async () => {
  const rig = await createDemoRig();
  await rig.reader.powerOnCard();
  const health = {
    clinical: tlvValues(rig, 'clinical', 7),
    special: { mentalIllnessFlag: '01' },
    allergies: [
      { allergenName: '青霉素', reaction: '皮疹，呼吸困难' },
      { allergenName: '花粉', reaction: '打喷嚏' },
    ],
    immunizations: [
      { vaccineName: '乙肝疫苗第1针', date: '20240101' },
      { vaccineName: '乙肝疫苗第2针', date: '20240201' },
    ],
  };
  const w = await counted(rig, () => rig.ops.writeBasicHealth(health));
  // SELECT DF02, SELECT EF05, UK1_DF02, one SM write per non-empty element; SELECT EF06, UK2_DF02, 1 SM;
  // SELECT EF07, UK3_DF02, 2 appends; SELECT EF08, 2 appends (UK3 already granted in DF02).
  const clinical = Object.values(health.clinical).filter((x) => x !== '').length;
  assert.equal(
    w.card,
    2 + AUTH.card + clinical * SM_WRITE.card + 1 + AUTH.card + SM_WRITE.card + 1 + AUTH.card + 2 + 1 + 2,
  );
  assert.equal(w.sam, 3 * AUTH.sam + (clinical + 1) * SM_WRITE.sam);

  const all = await counted(rig, () => rig.ops.readBasicHealth());
  assert.deepEqual(all.value.clinical, health.clinical);
  assert.deepEqual(all.value.special, health.special);
  // Cyclic files: the newest record is record 1.
  assert.deepEqual(all.value.allergies, [...health.allergies].reverse());
  assert.deepEqual(all.value.immunizations, [...health.immunizations].reverse());
  // DF02 is current and every UK is granted but reading needs RK1_DF02: SELECT EF05, RK, 15 RR, SELECT EF06, 1 RR,
  // SELECT EF07, 3 RR, SELECT EF08, 10 RR.
  assert.equal(all.card, 1 + AUTH.card + 15 + 1 + 1 + 1 + 3 + 1 + 10);
  assert.equal(all.sam, AUTH.sam);

  const blood = await counted(rig, () => rig.ops.readBloodAndAllergies());
  assert.deepEqual(blood.value.blood, {
    aboBloodGroup: health.clinical.aboBloodGroup,
    rhBloodGroup: health.clinical.rhBloodGroup,
  });
  assert.equal(blood.value.allergies.length, 2);
  // RK1_DF02 still granted: SELECT EF05, 2 RR, SELECT EF07, 3 RR.
  assert.deepEqual([blood.card, blood.sam], [1 + 2 + 1 + 3, 0]);

  const imm = await counted(rig, () => rig.ops.readImmunizations());
  assert.equal(imm.value[0].vaccineName, '乙肝疫苗第2针');
  assert.deepEqual([imm.card, imm.sam], [1 + 10, 0]);
});

test('one outpatient visit: signed write, list, full read and its views', async () => {
  const rig = await createDemoRig();
  await rig.reader.powerOnCard();
  const visit = sampleLayoutValues(layout(rig, 'outpatient'), 3);
  const w = await counted(rig, () => rig.ops.writeOutpatientVisit(visit));
  assert.deepEqual(w.value, { slot: 1, replacedOldest: false });
  // 2 RR (卡号, 芯片序列号 for the signature) · SELECT DF03 · SELECT EF06 · RK1_DF03 · 1 RR (slot 1 free) ·
  // SELECT ED01 · UK1_DF03 · ⌈3 267 / 128⌉ = 26 UPDATE BINARY · SELECT EF06 · WRITE RECORD.
  assert.equal(w.card, 2 + 2 + AUTH.card + 1 + 1 + AUTH.card + 26 + 2);
  // SAM: RK + UK, SAM certificate (SELECT 001C + READ BINARY, once per SAM power-up), 80 CE + GET RESPONSE.
  assert.equal(w.sam, 2 * AUTH.sam + 2 + 2);

  const list = await counted(rig, () => rig.ops.listOutpatientVisits());
  assert.equal(list.value.length, 1);
  assert.equal(list.value[0].values.visitDateTime, visit.visitDateTime);
  assert.equal(list.value[0].values.diagnosis1Name, visit.diagnosis1Name);
  // EF06 is still selected and RK1 granted: 5 RR, SELECT ED01, the list fields lie in bytes 0–264: 2 READ BINARY.
  assert.deepEqual([list.card, list.sam], [5 + 1 + 2, 0]);

  const full = await counted(rig, () => rig.ops.readOutpatientVisit(1));
  assert.deepEqual(full.value, visit);
  // SELECT EF06, RR flag 1, SELECT ED01, ⌈3 013 / 256⌉ = 12 READ BINARY.
  assert.deepEqual([full.card, full.sam], [1 + 1 + 1 + 12, 0]);

  for (const view of ['summary', 'medication', 'lab', 'surgery'] as const) {
    const part = await rig.ops.readOutpatientVisit(1, view);
    for (const [k, v] of Object.entries(part)) assert.equal(v, visit[k], `${view}.${k}`);
  }
  const med = await counted(rig, () => rig.ops.readOutpatientMedication(1));
  // Medication items 304–343 = bytes 2 041–2 495 (455 B): SELECT EF06, RR, SELECT ED01, 2 READ BINARY.
  assert.deepEqual([med.card, med.sam], [1 + 1 + 1 + 2, 0]);
  assert.equal(
    med.value.drug1Name ?? Object.values(med.value)[0],
    visit.drug1Name ?? Object.values(med.value)[0],
  );
});

test('one inpatient stay: signed write, list, full read and every part', async () => {
  const rig = await createDemoRig();
  await rig.reader.powerOnCard();
  const stay = sampleLayoutValues(layout(rig, 'inpatient'), 9);
  const w = await counted(rig, () => rig.ops.writeInpatientStay(stay));
  assert.equal(w.value.slot, 1);
  // As the outpatient write with SELECT EF05 / EE01 and ⌈1 893 / 128⌉ = 15 UPDATE BINARY.
  assert.equal(w.card, 2 + 2 + AUTH.card + 1 + 1 + AUTH.card + 15 + 2);
  assert.equal(w.sam, 2 * AUTH.sam + 4);

  const list = await rig.ops.listInpatientStays();
  assert.equal(list.length, 1);
  assert.equal(list[0].values.admissionDate, stay.admissionDate);
  assert.equal(list[0].values.dischargeDate, stay.dischargeDate);

  const full = await counted(rig, () => rig.ops.readInpatientStay(1));
  assert.deepEqual(full.value, stay);
  assert.deepEqual([full.card, full.sam], [1 + 1 + 1 + 7, 0]); // ⌈1 639 / 256⌉ = 7
  for (const part of [
    'admission',
    'serology',
    'diagnoses',
    'surgery',
    'transfusion',
    'discharge',
    'costs',
  ] as const) {
    const v = await rig.ops.readInpatientStay(1, part);
    assert.ok(Object.keys(v).length > 0, part);
    for (const [k, x] of Object.entries(v)) assert.equal(x, stay[k], `${part}.${k}`);
  }
});

test('writing a second visit reuses the cached card identity and SAM certificate', async () => {
  const rig = await createDemoRig();
  await rig.reader.powerOnCard();
  await rig.ops.writeOutpatientVisit(sampleLayoutValues(layout(rig, 'outpatient'), 1));
  const w = await counted(rig, () =>
    rig.ops.writeOutpatientVisit(sampleLayoutValues(layout(rig, 'outpatient'), 2)),
  );
  assert.equal(w.value.slot, 2);
  // EF06 still selected, every DF03 right granted: 2 RR (slot 1 used, slot 2 free), SELECT ED02, 26 UB,
  // SELECT EF06, WRITE RECORD. SAM: 80 CE + GET RESPONSE only.
  assert.deepEqual([w.card, w.sam], [2 + 1 + 26 + 2, 2]);
});

test('full card read (every file of a filled card) sends the minimum the spec flows allow', async () => {
  const { minimumFullRead } = await import('../src/reader/apdu-minimum.ts');
  const { readWholeCard } = await import('../src/reader/whole-card.ts');
  const rig = await createDemoRig();
  const jpeg = Uint8Array.from({ length: 2500 }, (_, i) => (i < 2 ? [0xff, 0xd8][i] : i & 0xff));
  await rig.ops.writePersonalDetails({ holder: tlvValues(rig, 'holder', 1), photo: jpeg });
  for (let i = 0; i < 3; i++)
    await rig.ops.writeInpatientStay(sampleLayoutValues(layout(rig, 'inpatient'), 10 + i));
  for (let i = 0; i < 5; i++)
    await rig.ops.writeOutpatientVisit(sampleLayoutValues(layout(rig, 'outpatient'), 20 + i));
  await rig.reader.powerOnCard();
  const r = await counted(rig, () => readWholeCard(rig.ops));
  const min = minimumFullRead(rig.profile, 256, jpeg.length + 2);
  assert.deepEqual([r.card, r.sam], [min.card, min.sam]);
  const contents = r.value as unknown as {
    holder: Record<string, string>;
    outpatient: unknown[];
    photo: { jpegBase64: string };
  };
  assert.equal(contents.outpatient.length, 5);
  assert.equal(contents.photo.jpegBase64, Buffer.from(jpeg).toString('base64'));
});
