// Record signatures (card-format.md §7.6): a record written through the reader verifies offline against the
// root key; it fails after tampering with one data byte, after copying it to another card, and when unsigned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex } from '../src/card/apdu.ts';
import { encounterFiles } from '../src/reader/locate.ts';
import { createDemoCard, createDemoRig, sampleLayoutValues } from '../testkit/reader-rig.ts';
import { generateSm2KeyPair } from '../src/crypto/sm2.ts';

test('signed outpatient and inpatient records verify against the demo root key', async () => {
  const rig = await createDemoRig();
  await rig.ops.writeOutpatientVisit(
    sampleLayoutValues(encounterFiles(rig.profile, 'outpatient')[0].ef.layout!, 1),
  );
  await rig.ops.writeInpatientStay(
    sampleLayoutValues(encounterFiles(rig.profile, 'inpatient')[0].ef.layout!, 2),
  );
  assert.equal((await rig.ops.verifyRecord('outpatient', 1, rig.pki.rootPublicKey)).valid, true);
  assert.equal((await rig.ops.verifyRecord('inpatient', 1, rig.pki.rootPublicKey)).valid, true);
  const other = generateSm2KeyPair();
  const wrongRoot = await rig.ops.verifyRecord('outpatient', 1, other.publicKey);
  assert.equal(wrongRoot.valid, false);
});

test('changing one data byte after signing breaks the signature', async () => {
  const rig = await createDemoRig();
  const layout = encounterFiles(rig.profile, 'outpatient')[0].ef.layout!;
  await rig.ops.writeOutpatientVisit(sampleLayoutValues(layout, 1));
  // A plain iW_DF03EDInfo edit (allowed with UK1_DF03) does not re-sign the record.
  await rig.ops.files.writeDf03Ed(1, 300, fromHex('41'));
  const r = await rig.ops.verifyRecord('outpatient', 1, rig.pki.rootPublicKey);
  assert.deepEqual([r.valid, r.reason], [false, 'RECORD_SIGNATURE']);
});

test('a record copied byte for byte onto another card no longer verifies (card number is signed)', async () => {
  const a = await createDemoRig();
  const layout = encounterFiles(a.profile, 'outpatient')[0].ef.layout!;
  await a.ops.writeOutpatientVisit(sampleLayoutValues(layout, 1));
  const bytes = await a.ops.files.readDf03Ed(1, 0, layout.totalLength);

  const b = await createDemoRig({ card: createDemoCard({ cardNumber: '110105194912310037', seed: 5 }) });
  await b.ops.files.writeDf03Ed(1, 0, bytes.subarray(0, layout.dataLength));
  // The signature items are never written by iW_ (§8.1); copy them with the raw item API of the card slot.
  const signatureAndCert = bytes.subarray(layout.dataLength);
  await b.reader.withCard((io) =>
    io.updateBinary(encounterFiles(b.profile, 'outpatient')[0], layout.dataLength, signatureAndCert),
  );
  await b.ops.files.writeDf03Ef06(1);
  const r = await b.ops.verifyRecord('outpatient', 1, b.pki.rootPublicKey);
  assert.deepEqual([r.valid, r.reason], [false, 'RECORD_SIGNATURE']);
  // The same bytes still verify on the original card.
  assert.equal((await a.ops.verifyRecord('outpatient', 1, a.pki.rootPublicKey)).valid, true);
});

test('a record written with the raw API only (no signing) reports NOT_SIGNED', async () => {
  const rig = await createDemoRig();
  await rig.ops.files.writeDf03Ee(1, 0, new TextEncoder().encode('某医院'));
  await rig.ops.files.writeDf03Ef05(1);
  const r = await rig.ops.verifyRecord('inpatient', 1, rig.pki.rootPublicKey);
  assert.deepEqual([r.valid, r.reason], [false, 'NOT_SIGNED']);
});
