// Every per-file function of interface spec 6.1–6.3 through its spec-name alias (iR_/iW_…), write then read,
// plus the item-number API, the EE/ED styles, the ALL-info strings, SM3/SM2 services and SendAPDU.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../src/card/apdu.ts';
import { sm3 } from '../src/crypto/index.ts';
import { decodeSamCertificate } from '../src/crypto/index.ts';
import { sm2Verify } from '../src/crypto/sm2.ts';
import { sm2DigestForSigning } from '../src/crypto/sm2.ts';
import { allLocations, encounterFiles, locate } from '../src/reader/locate.ts';
import { createStandardApi } from '../src/reader/standard-api.ts';
import { createDemoRig, sampleLayoutValues, sampleTlvValues } from '../testkit/reader-rig.ts';

const apiValues = (loc: ReturnType<typeof locate>, seed: number): Record<string, string> => {
  const v = sampleTlvValues(loc.ef.elements!, seed);
  return Object.fromEntries(loc.ef.elements!.map((e) => [e.api, v[e.key]]));
};

const TLV_FILES: [string, number, number][] = [
  ['DDF1EF05', 0xddf1, 0xef05],
  ['DDF1EF06', 0xddf1, 0xef06],
  ['DDF1EF08', 0xddf1, 0xef08],
  ['DF01EF05', 0xdf01, 0xef05],
  ['DF01EF06', 0xdf01, 0xef06],
  ['DF01EF07', 0xdf01, 0xef07],
  ['DF01EF08', 0xdf01, 0xef08],
  ['DF02EF05', 0xdf02, 0xef05],
  ['DF02EF06', 0xdf02, 0xef06],
];

test('every TLV file: iW_…Info then iR_…Info returns the written values under the spec parameter names', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  let seed = 1;
  for (const [name, df, ef] of TLV_FILES) {
    const loc = locate(rig.profile, df, ef);
    const values = apiValues(loc, seed++);
    if (name === 'DDF1EF05') {
      values.YYCSDM = '410100'; // keep the city factor of this card's keys
      values.FKJGZS = values.FKJGZS.padEnd(360, '0'); // b 180: read back as 360 hex characters (§4.1)
    }
    const before = (await api[`iR_${name}Info`]()) as Record<string, string>;
    await api[`iW_${name}Info`](values);
    // An empty parameter leaves its record unchanged (§8.1).
    const expected = { ...before, ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')) };
    assert.deepEqual(await api[`iR_${name}Info`](), expected, name);
  }
});

test('photo DDF1/EF07: 2-byte length ‖ JPEG round trip, size limit and JPEG check', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  const jpeg = new Uint8Array(2000).map((_, i) => (i * 7) & 0xff);
  jpeg.set([0xff, 0xd8], 0);
  await api.iW_DDF1EF07Info(Uint8Array.from([jpeg.length >> 8, jpeg.length & 0xff, ...jpeg]));
  const back = await api.iR_DDF1EF07Info();
  assert.equal(back.length, 2002);
  assert.deepEqual(back.subarray(2), jpeg);
  await assert.rejects(
    rig.ops.files.writeDdf1Ef07(new Uint8Array(3071).fill(0xd8).fill(0xff, 0, 1)),
    /photo larger/,
  );
  await assert.rejects(rig.ops.files.writeDdf1Ef07(Uint8Array.of(1, 2, 3)), /not a JPEG/);
});

test('allergy and immunization records: iW_ appends as newest, iR_ by record number', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  for (let i = 1; i <= 4; i++) await api.iW_DF02EF07Info({ GMWZMC: `过敏原${i}`, GMFY: `反应${i}` });
  assert.deepEqual(await api.iR_DF02EF07Info(1), { GMWZMC: '过敏原4', GMFY: '反应4' });
  assert.deepEqual(await api.iR_DF02EF07Info(3), { GMWZMC: '过敏原2', GMFY: '反应2' }); // the oldest dropped off
  for (let i = 1; i <= 11; i++)
    await api.iW_DF02EF08Info({ MYJZMC: `疫苗${i}`, MYJZSJ: `202401${String(i).padStart(2, '0')}` });
  assert.deepEqual(await api.iR_DF02EF08Info(1), { MYJZMC: '疫苗11', MYJZSJ: '20240111' });
  assert.deepEqual(await api.iR_DF02EF08Info(10), { MYJZMC: '疫苗2', MYJZSJ: '20240102' });
  await assert.rejects(api.iR_DF02EF08Info(11), /nRecorderNo/);
});

test('index files: iW_ sets 00, iErase_ sets FF, iR_ returns the flags', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  assert.deepEqual(await api.iR_DF03EF05Info(), { ZYJLBS1: 'FF', ZYJLBS2: 'FF', ZYJLBS3: 'FF' });
  await api.iW_DF03EF05Info(2);
  await api.iW_DF03EF06Info(5);
  assert.deepEqual(await api.iR_DF03EF05Info(), { ZYJLBS1: 'FF', ZYJLBS2: '00', ZYJLBS3: 'FF' });
  assert.deepEqual(await api.iR_DF03EF06Info(), {
    MZJLBS1: 'FF',
    MZJLBS2: 'FF',
    MZJLBS3: 'FF',
    MZJLBS4: 'FF',
    MZJLBS5: '00',
  });
  await api.iErase_DF03EF05Info(2);
  await api.iErase_DF03EF06Info(5);
  assert.deepEqual(Object.values(await api.iR_DF03EF06Info()), ['FF', 'FF', 'FF', 'FF', 'FF']);
});

test('EE/ED raw access with nStyle 00 / 01 / 0F / FF, bounds of §8.3', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  await api.iW_DF03EDInfo(3, '某某人民医院', 0, 70, 0x01);
  await api.iW_DF03EDInfo(3, '20240315083000', 80, 7, 0x0f);
  await api.iW_DF03EDInfo(3, 'ABCDEF', 2000, 3, 0xff);
  await api.iW_DF03EF06Info(3);
  assert.equal(await api.iR_DF03EDInfo(3, 0, 70, 0x01), '某某人民医院');
  assert.equal(await api.iR_DF03EDInfo(3, 80, 7, 0x0f), '20240315083000');
  assert.equal(await api.iR_DF03EDInfo(3, 2000, 3, 0xff), 'ABCDEF');
  assert.equal(await api.iR_DF03EDInfo(3, 80, 2, 0x00), '2024');
  await assert.rejects(api.iW_DF03EDInfo(3, '00', 3012, 2, 0x00), /pos \+ len/); // 3 013 is the data bound
  await assert.rejects(api.iW_DF03EEInfo(1, '00', 1639, 1, 0x00), /pos \+ len/); // signature items are not writable
  await assert.rejects(api.iR_DF03EEInfo(1, 0, 10, 0x01), (e: Error & { code?: number }) => e.code === 112);
  await assert.rejects(api.iR_DF03EDInfo(3, 3013, 64, 0x00), /pos \+ len/);
});

test('iW_/iR_DF03EE_ALLInfo and ED_ALLInfo: 147 / 170 fields separated by |', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  for (const [section, n, count] of [
    ['inpatient', 1, 147],
    ['outpatient', 2, 170],
  ] as const) {
    const layout = encounterFiles(rig.profile, section)[0].ef.layout!;
    const values = sampleLayoutValues(layout, 4);
    const line = layout.fields
      .filter((f) => f.role !== 'sig')
      .map((f) => values[f.key])
      .join('|');
    assert.equal(line.split('|').length, count);
    if (section === 'inpatient') await api.iW_DF03EE_ALLInfo(n, line);
    else await api.iW_DF03ED_ALLInfo(n, line);
    if (section === 'inpatient') await api.iW_DF03EF05Info(n);
    else await api.iW_DF03EF06Info(n);
    assert.equal(
      section === 'inpatient' ? await api.iR_DF03EE_ALLInfo(n) : await api.iR_DF03ED_ALLInfo(n),
      line,
    );
  }
  await assert.rejects(api.iW_DF03EE_ALLInfo(1, 'a|b'), /147 fields/);
});

test('item-number API: items 1–57, 64–212 and 213–384 read and write single items; 58–63 are unassigned', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  const put = await api.wsc_PutCardInfo([
    { item: 11, value: '王小明' },
    { item: 39, value: '41010000000000001' },
    { item: 66, id: 2, value: '20240102' },
    { item: 215, id: 4, value: '20240315083000' },
    { item: 60, value: 'x' },
    { item: 383, id: 1, value: '00' },
  ]);
  assert.deepEqual(
    put.map((r) => r.code),
    [0, 0, 0, 0, 101, 101],
  );
  await api.iW_DF03EF05Info(2);
  await api.iW_DF03EF06Info(4);
  const got = await api.wsc_GetCardInfo([
    { item: 11 },
    { item: 39 },
    { item: 66, id: 2 },
    { item: 215, id: 4 },
    { item: 57 },
    { item: 213, id: 1 },
  ]);
  assert.deepEqual(
    got.map((r) => [r.value, r.code]),
    [
      ['王小明', 0],
      ['41010000000000001', 0],
      ['20240102', 0],
      ['20240315083000', 0],
      ['410100', 0],
      ['', 112], // slot 1 unused
    ],
  );
});

test('device functions: PowerOn, SAM files and number, device serial, SendAPDU pass-through', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  assert.match(await api.PowerOn(0x01), /^3B888001/);
  assert.equal((await api.iReader_SAM_Public()).slice(0, 20), toHex(rig.sam.serial));
  assert.equal(await rig.reader.samNumber(), toHex(rig.sam.serial));
  assert.equal((await api.iReader_SAM_Terminal()).length, 12);
  assert.equal((await api.iReader_SAM_OrgCertificate()).length, 360);
  assert.equal(await api.iReader_SAM_Certificate(), toHex(rig.pki.samCertificate));
  assert.equal(await api.IReader_GetDeviceCSN(), 'RHC-MEM-00000001');
  assert.equal(await api.SendAPDU(0x01, '00A4000002DDF1'), '9000');
  assert.equal(await api.SendAPDU(0x01, '00B2390005'), '6986'); // no current EF after selecting the DF
  assert.equal(await api.SendAPDU(0x01, '00A4000002EF05'), '9000');
  assert.equal(await api.SendAPDU(0x01, '00B2390005'), '39034101009000');
  // After the raw SELECT the library re-walks from MF instead of trusting its cache.
  assert.equal((await rig.ops.readCardInfo()).applicationCityCode, '410100');
});

test('SM3Digest through the SAM equals SM3; SM2SignHash verifies with the SAM certificate key', async () => {
  const rig = await createDemoRig();
  const api = createStandardApi(rig.ops);
  const data = new Uint8Array(700).map((_, i) => i & 0xff);
  assert.deepEqual(await api.SM3Digest(data), sm3(data));
  const samKey = decodeSamCertificate(rig.pki.samCertificate).publicKey;
  const message = new TextEncoder().encode('RHC record');
  const sig = await api.SM2SignHash(sm2DigestForSigning(samKey, message));
  assert.equal(sig.length, 64);
  assert.equal(sm2Verify(samKey, message, sig), true);
});

test('the profile has no EF the per-file API cannot reach', async () => {
  const rig = await createDemoRig();
  const reachable = new Set([
    ...TLV_FILES.map(([, df, ef]) => locate(rig.profile, df, ef).name),
    'DDF1/EF07',
    'DDF1/DF02/EF07',
    'DDF1/DF02/EF08',
  ]);
  for (const loc of allLocations(rig.profile))
    if (!reachable.has(loc.name))
      assert.ok(loc.ef.section === 'inpatient' || loc.ef.section === 'outpatient', loc.name);
});
