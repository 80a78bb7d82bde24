// The key-file format (密钥文件): one JSON document holding a master key set for every key slot of a card
// profile, the SAM's and the issuer's SM2 key pairs with their certificates, and the root public key they
// chain to (the root private key is discarded after signing). Generating a fresh set and validating a parsed
// file (every key against its key check value, the key pairs, the chain) live here; files on disk (0600,
// never overwritten) are key-file-store.ts.
import { randomBytes } from 'node:crypto';
import type { CardProfile, KeySpec } from '../card/image.ts';
import type { Random } from '../base/runtime.ts';
import { verifyCertificateChain } from './cert-chain.ts';
import { decodeIssuerCertificate, decodeSamCertificate } from './certificates.ts';
import { KeyFileError, describeError } from './errors.ts';
import { generateMasterKeys, keySlot, type MasterKeySet } from './master-keys.ts';
import { buildPki, type PkiIdentity, type SamPki } from './sam-pki.ts';
import { generateSm2KeyPair, normalisePublicKey, publicKeyOf, type Sm2KeyPair } from './sm2.ts';
import { keyCheckValue } from './sm4.ts';

export const KEY_FILE_FORMAT = 'rhc-key-file';
export const KEY_FILE_VERSION = 1;

/** The SAM and issuer identity a key file certifies (the same fields as a PKI's identity). */
export type KeyFileIdentity = PkiIdentity;

/** The JSON shape on disk. */
export interface KeyFileJson {
  format: string;
  formatVersion: number;
  warning: string;
  id: string;
  profile: string;
  createdAt: string;
  isTestKeys: boolean;
  masterKeys: { samIndex: number; version: number; keys: string[]; key: string; kcv: string }[];
  sam: { serial: string; terminalId: string };
  pki: {
    rootPublicKey: string;
    issuer: { privateKey: string; publicKey: string; certificate: string };
    sam: { privateKey: string; publicKey: string; certificate: string };
  };
}

export interface LoadedKeyFile {
  readonly id: string;
  readonly profileId: string;
  readonly createdAt: string;
  readonly masterKeys: MasterKeySet;
  readonly pki: SamPki & { readonly issuerKey: Sm2KeyPair };
  readonly samSerial: Uint8Array;
  readonly terminalId: Uint8Array;
}

export interface KcvLine {
  readonly slot: string; // `${samIndex}:${version}`
  readonly keys: readonly string[]; // key names of the profile using the slot
  readonly kcv: string;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

function keyNamesBySlot(profile: Pick<CardProfile, 'keys'>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const spec of profile.keys as readonly KeySpec[])
    for (const v of spec.versions) {
      const slot = keySlot(spec.samIndex, v);
      m.set(slot, [...(m.get(slot) ?? []), spec.name]);
    }
  return m;
}

export function kcvLines(masterKeys: MasterKeySet, profile: Pick<CardProfile, 'keys'>): KcvLine[] {
  const names = keyNamesBySlot(profile);
  return [...masterKeys.keys.entries()].map(([slot, key]) => ({
    slot,
    keys: names.get(slot) ?? [],
    kcv: keyCheckValue(key),
  }));
}

function randomSamIdentity(random: Random | undefined, cityCode: string): KeyFileIdentity {
  const rnd = (n: number) => (random ? random.bytes(n) : new Uint8Array(randomBytes(n)));
  const serial = new Uint8Array(10);
  serial.set(new TextEncoder().encode('RHCSAM'), 0);
  serial.set(rnd(4), 6);
  const province = parseInt(cityCode.slice(0, 2), 16);
  const city = parseInt(cityCode.slice(2, 4), 16);
  const today = new Date();
  const ymd = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');
  const until = new Date(today);
  until.setUTCFullYear(today.getUTCFullYear() + 10);
  return {
    issuerCode: `${cityCode}${'0'.repeat(15)}1`,
    cityCode,
    samSerial: serial,
    terminalId: Uint8Array.from([province, city, 0x01, ...rnd(3)]),
    validFrom: ymd(today),
    validTo: ymd(until),
  };
}

export interface GenerateOptions {
  readonly profile: CardProfile;
  readonly id: string;
  /** 应用城市代码 of the issuer (default 410100). */
  readonly cityCode?: string;
  readonly identity?: Partial<KeyFileIdentity>;
}

/** A fresh key set: random master keys, fresh root/issuer/SAM SM2 keys, certificates; root private key dropped. */
export function generateKeyFile(options: GenerateOptions): { json: KeyFileJson; loaded: LoadedKeyFile } {
  if (!/^[\w.-]{1,64}$/.test(options.id))
    throw new KeyFileError('KEYFILE_INVALID', 'id', 'use 1–64 letters, digits, . _ -');
  const cityCode = options.cityCode ?? options.identity?.cityCode ?? '410100';
  if (!/^\d{6}$/.test(cityCode)) throw new KeyFileError('KEYFILE_INVALID', 'cityCode', 'must be 6 digits');
  const identity = { ...randomSamIdentity(undefined, cityCode), ...options.identity };
  const masterKeys = generateMasterKeys(options.profile, options.id);
  const root = generateSm2KeyPair();
  const issuer = generateSm2KeyPair();
  const samKey = generateSm2KeyPair();
  const pki = buildPki({ root, issuer, sam: samKey }, identity);
  const names = keyNamesBySlot(options.profile);
  const json: KeyFileJson = {
    format: KEY_FILE_FORMAT,
    formatVersion: KEY_FILE_VERSION,
    warning: '机密：含主密钥和私钥，勿外传 / SECRET: master keys and private keys — keep this file private',
    id: options.id,
    profile: options.profile.id,
    createdAt: new Date().toISOString(),
    isTestKeys: false,
    masterKeys: [...masterKeys.keys.entries()].map(([slot, key]) => {
      const [samIndex, version] = slot.split(':').map(Number);
      return { samIndex, version, keys: names.get(slot) ?? [], key: hex(key), kcv: keyCheckValue(key) };
    }),
    sam: { serial: hex(identity.samSerial), terminalId: hex(identity.terminalId) },
    pki: {
      rootPublicKey: root.publicKey,
      issuer: { ...issuer, certificate: hex(pki.issuerCertificate) },
      sam: { ...samKey, certificate: hex(pki.samCertificate) },
    },
  };
  return { json, loaded: parseKeyFile(json) };
}

const HEX = (n: number) => new RegExp(`^[0-9a-fA-F]{${n}}$`);

function bytesField(v: unknown, n: number, field: string): Uint8Array {
  if (typeof v !== 'string' || !HEX(2 * n).test(v))
    throw new KeyFileError('KEYFILE_INVALID', field, `must be ${n} bytes as hex`);
  return Uint8Array.from(Buffer.from(v, 'hex'));
}

function keyPairField(v: unknown, field: string): Sm2KeyPair {
  const o = v as { privateKey?: unknown; publicKey?: unknown } | undefined;
  if (typeof o?.privateKey !== 'string' || typeof o.publicKey !== 'string')
    throw new KeyFileError('KEYFILE_INVALID', field, 'needs privateKey and publicKey');
  let pub: string;
  try {
    pub = publicKeyOf(o.privateKey);
  } catch (e) {
    throw new KeyFileError('KEYFILE_INVALID', `${field}.privateKey`, describeError(e));
  }
  if (pub !== normalisePublicKey(o.publicKey, `${field}.publicKey`))
    throw new KeyFileError('KEYFILE_INVALID', `${field}.publicKey`, 'does not belong to the private key');
  return { privateKey: o.privateKey.toLowerCase(), publicKey: pub };
}

/** Validates a parsed key file: format, every key against its KCV, key pairs, the certificate chain. */
export function parseKeyFile(raw: unknown): LoadedKeyFile {
  const j = raw as Partial<KeyFileJson> | undefined;
  if (j?.format !== KEY_FILE_FORMAT)
    throw new KeyFileError('KEYFILE_INVALID', 'format', `not an ${KEY_FILE_FORMAT}`);
  if (j.formatVersion !== KEY_FILE_VERSION)
    throw new KeyFileError('KEYFILE_INVALID', 'formatVersion', `unsupported ${String(j.formatVersion)}`);
  if (typeof j.id !== 'string' || typeof j.profile !== 'string')
    throw new KeyFileError('KEYFILE_INVALID', 'id', 'id and profile are required');
  if (!Array.isArray(j.masterKeys) || j.masterKeys.length === 0)
    throw new KeyFileError('KEYFILE_INVALID', 'masterKeys', 'must be a non-empty list');
  const keys = new Map<string, Uint8Array>();
  j.masterKeys.forEach((m, i) => {
    const field = `masterKeys[${i}]`;
    if (!Number.isInteger(m?.samIndex) || !Number.isInteger(m?.version))
      throw new KeyFileError('KEYFILE_INVALID', field, 'needs integer samIndex and version');
    const key = bytesField(m.key, 16, `${field}.key`);
    if (keyCheckValue(key) !== String(m.kcv).toUpperCase())
      throw new KeyFileError('KEYFILE_INVALID', `${field}.kcv`, 'key does not match its check value');
    keys.set(keySlot(m.samIndex, m.version), key);
  });
  const samSerial = bytesField(j.sam?.serial, 10, 'sam.serial');
  const terminalId = bytesField(j.sam?.terminalId, 6, 'sam.terminalId');
  const p = j.pki;
  if (!p) throw new KeyFileError('KEYFILE_INVALID', 'pki', 'missing');
  let rootPublicKey: string;
  try {
    rootPublicKey = normalisePublicKey(String(p.rootPublicKey), 'pki.rootPublicKey');
  } catch (e) {
    throw new KeyFileError('KEYFILE_INVALID', 'pki.rootPublicKey', describeError(e));
  }
  const issuerKey = keyPairField(p.issuer, 'pki.issuer');
  const samKey = keyPairField(p.sam, 'pki.sam');
  const issuerCertificate = bytesField(p.issuer?.certificate, 180, 'pki.issuer.certificate');
  const samCertificate = bytesField(p.sam?.certificate, 190, 'pki.sam.certificate');
  const chain = verifyCertificateChain(samCertificate, issuerCertificate, rootPublicKey);
  if (!chain.valid) throw new KeyFileError('KEYFILE_INVALID', 'pki', `certificate chain: ${chain.reason}`);
  if (decodeIssuerCertificate(issuerCertificate).publicKey !== issuerKey.publicKey)
    throw new KeyFileError('KEYFILE_INVALID', 'pki.issuer.certificate', 'certifies another key');
  if (decodeSamCertificate(samCertificate).publicKey !== samKey.publicKey)
    throw new KeyFileError('KEYFILE_INVALID', 'pki.sam.certificate', 'certifies another key');
  return {
    id: j.id,
    profileId: j.profile,
    createdAt: String(j.createdAt ?? ''),
    masterKeys: { id: j.id, isTestKeys: j.isTestKeys === true, keys },
    pki: { samKey, samCertificate, issuerCertificate, rootPublicKey, issuerKey },
    samSerial,
    terminalId,
  };
}
