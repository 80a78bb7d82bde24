import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex, toHex } from '../card/apdu.ts';
import { getProfile } from '../card/profiles/index.ts';
import {
  sm4EncryptEcb,
  demoMasterKeys,
  generateKeyFile,
  keyCheckValue,
  KeyFileError,
  loadKeyFile,
  parseKeyFile,
  writeKeyFile,
  verifyCertificateChain,
} from './index.ts';

const profile = getProfile('national');
const dir = mkdtempSync(join(tmpdir(), 'rhc-keys-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('KCV is the first 3 bytes of SM4_K(00×16)', () => {
  const k = fromHex('0123456789abcdeffedcba9876543210');
  assert.equal(keyCheckValue(k), toHex(sm4EncryptEcb(k, new Uint8Array(16)).subarray(0, 3)));
  assert.equal(keyCheckValue(k).length, 6);
});

test('key file round trip: written 0600, loaded back identically, refuses to overwrite', () => {
  const path = join(dir, 'a.json');
  const { json, loaded } = generateKeyFile({ profile, id: 'round-trip' });
  writeKeyFile(path, json);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const back = loadKeyFile(path);
  assert.equal(back.id, 'round-trip');
  assert.equal(back.masterKeys.isTestKeys, false);
  assert.deepEqual([...back.masterKeys.keys.entries()], [...loaded.masterKeys.keys.entries()]);
  const slots = new Set(profile.keys.flatMap((k) => k.versions.map((v) => `${k.samIndex}:${v}`)));
  assert.deepEqual(new Set(back.masterKeys.keys.keys()), slots, 'one master key per key slot');
  assert.ok(
    verifyCertificateChain(back.pki.samCertificate, back.pki.issuerCertificate, back.pki.rootPublicKey).valid,
  );
  assert.ok(!readFileSync(path, 'utf8').includes('rootKey"'), 'no root private key stored');
  assert.throws(
    () => writeKeyFile(path, json),
    (e: unknown) => e instanceof KeyFileError && e.symbol === 'KEYFILE_EXISTS',
  );
  // a different key set from the demo one
  const demo = demoMasterKeys(profile);
  assert.notDeepEqual(back.masterKeys.keys.get('2:1'), demo.keys.get('2:1'));
});

test('loading refuses group-readable files, a wrong KCV and a broken chain, naming the field', () => {
  const { json } = generateKeyFile({ profile, id: 'tamper' });
  const open = join(dir, 'open.json');
  writeFileSync(open, JSON.stringify(json));
  chmodSync(open, 0o644);
  assert.throws(
    () => loadKeyFile(open),
    (e: unknown) => e instanceof KeyFileError && e.symbol === 'KEYFILE_PERMISSIONS',
  );
  const badKcv = structuredClone(json);
  badKcv.masterKeys[3].kcv = '000000';
  assert.throws(
    () => parseKeyFile(badKcv),
    (e: unknown) => e instanceof KeyFileError && e.field === 'masterKeys[3].kcv',
  );
  const badCert = structuredClone(json);
  badCert.pki.sam.certificate =
    badCert.pki.sam.certificate.slice(0, 20) + 'FF' + badCert.pki.sam.certificate.slice(22);
  assert.throws(() => parseKeyFile(badCert), /certificate chain/);
  const badPair = structuredClone(json);
  badPair.pki.sam.publicKey = json.pki.issuer.publicKey;
  assert.throws(
    () => parseKeyFile(badPair),
    (e: unknown) => e instanceof KeyFileError && e.field === 'pki.sam.publicKey',
  );
  assert.throws(
    () => parseKeyFile({ format: 'other' }),
    (e: unknown) => e instanceof KeyFileError && e.field === 'format',
  );
  assert.throws(() => generateKeyFile({ profile, id: 'bad id!' }), /id/);
});
