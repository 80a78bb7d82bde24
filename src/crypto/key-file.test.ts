import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { decodeCommand, fromHex, toHex } from '../card/apdu.ts';
import { getProfile } from '../card/profiles/index.ts';
import { register } from '../apps/cli/commands/keys.ts';
import { sm4EncryptEcb } from './primitives.ts';
import { demoMasterKeys } from './master-keys.ts';
import { createSamFromKeyFile } from '../cos/sam/from-key-file.ts';
import {
  generateKeyFile,
  keyCheckValue,
  KeyFileError,
  loadKeyFile,
  parseKeyFile,
  writeKeyFile,
} from './key-file.ts';
import { verifyCertificateChain } from './pki.ts';
import { sm2VerifyDigest } from './sm2.ts';

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
    (e: unknown) => e instanceof KeyFileError && e.code === 'KEYFILE_EXISTS',
  );
  // a different key set from the demo one
  const demo = demoMasterKeys(profile);
  assert.notDeepEqual(back.masterKeys.keys.get('2:1'), demo.keys.get('2:1'));
});

test('a SAM loaded from a key file signs with the certified key', async () => {
  const { loaded } = generateKeyFile({ profile, id: 'sam-load' });
  const sam = createSamFromKeyFile(loaded, { profile, pin: '24680' });
  const run = async (hex: string) => sam.transmit(decodeCommand(fromHex(hex)));
  for (const a of ['00A40000023F00', '00A4000002DF01', '002000000324680F'])
    assert.equal((await run(a)).sw, 0x9000, a);
  const e = new Uint8Array(32).fill(0x5a);
  assert.equal((await run('80CE000020' + toHex(e))).sw, 0x6140);
  const sig = (await run('00C0000040')).data;
  assert.ok(sm2VerifyDigest(loaded.pki.samKey.publicKey, e, sig));
  assert.equal(sam.keySetId, 'sam-load');
  assert.throws(
    () => createSamFromKeyFile(loaded, { profile: getProfile('shaanxi-64k'), pin: '123456' }),
    /profile/,
  );
});

test('loading refuses group-readable files, a wrong KCV and a broken chain, naming the field', () => {
  const { json } = generateKeyFile({ profile, id: 'tamper' });
  const open = join(dir, 'open.json');
  writeFileSync(open, JSON.stringify(json));
  chmodSync(open, 0o644);
  assert.throws(
    () => loadKeyFile(open),
    (e: unknown) => e instanceof KeyFileError && e.code === 'KEYFILE_PERMISSIONS',
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

async function runCli(args: string[]): Promise<string> {
  const program = new Command('rhc').exitOverride();
  register(program);
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    await program.parseAsync(['node', 'rhc', ...args]);
  } finally {
    console.log = log;
  }
  return out.join('\n');
}

test('CLI keys generate prints path, id and KCVs — and no key bytes', async () => {
  const path = join(dir, 'cli.json');
  const output = await runCli(['keys', 'generate', '--out', path, '--id', 'cli-set']);
  assert.match(output, /cli\.json/);
  assert.match(output, /cli-set/);
  const file = loadKeyFile(path);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const secrets = [
    ...[...file.masterKeys.keys.values()].map((k) => toHex(k)),
    json.pki.issuer.privateKey,
    json.pki.sam.privateKey,
  ].map((s: string) => s.toUpperCase());
  for (const s of secrets) {
    assert.ok(!output.toUpperCase().includes(s), 'no key in the output');
    assert.ok(!output.toUpperCase().includes(s.slice(0, 12)), 'not even a fragment of a key');
  }
  for (const k of file.masterKeys.keys.values())
    assert.ok(output.includes(keyCheckValue(k)), 'each KCV is shown');
  await assert.rejects(runCli(['keys', 'generate', '--out', path]), /not overwriting/);
  const info = await runCli(['keys', 'info', path]);
  assert.match(info, /cli-set/);
  for (const s of secrets) assert.ok(!info.toUpperCase().includes(s.slice(0, 12)), 'info shows no key');
  for (const k of file.masterKeys.keys.values()) assert.ok(info.includes(keyCheckValue(k)));
});

test('CLI keys demo-info warns in Chinese and English', async () => {
  const output = await runCli(['keys', 'demo-info']);
  assert.match(output, /严禁用于真实卡片/);
  assert.match(output, /NEVER use them for real cards/);
  assert.match(output, /123456/);
});
