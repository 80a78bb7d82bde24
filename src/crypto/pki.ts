// Certificates and record signatures of card-format.md §7.6 (RHC design choice — layouts not published).
// Layouts are data (CertFieldSpec tables); one generic codec encodes/decodes them. Signatures are SM2
// (GB/T 32918) with Z_A of the signer's public key and the default user ID over the certificate's bytes
// before the signature field. The chain is: root key (configured in the verifier) → issuer certificate
// (180 B, user card DDF1/EF05 tag 05 and SAM DF01/001B) → SAM certificate (190 B, SAM DF01/001C and after
// every signed EE/ED record) → record signature.
import type { RecordLayout } from '../card/image.ts';
import { INPATIENT_LAYOUT } from '../card/layouts/inpatient.ts';
import { OUTPATIENT_LAYOUT } from '../card/layouts/outpatient.ts';
import { sm3 } from './primitives.ts';
import {
  deterministicNonce,
  publicKeyFromRaw,
  rawPublicKey,
  sm2DigestForSigning,
  sm2KeyPairFromLabel,
  sm2SignDigest,
  sm2Verify,
  type Sm2KeyPair,
} from './sm2.ts';

export class PkiError extends Error {
  readonly code = 'PKI_INPUT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** How a certificate field's bytes map to a value. */
export type CertFieldKind =
  | 'constant' // fixed byte (format, algorithm)
  | 'digits' // cn: BCD digits, right-padded with nibble F → digit string
  | 'uint' // b: big-endian unsigned integer → number
  | 'bytes' // b: raw bytes → Uint8Array
  | 'reserved' // b: must be 00…
  | 'signature'; // b: SM2 r ‖ s over all bytes before it

export interface CertFieldSpec {
  readonly key: string;
  readonly offset: number;
  readonly length: number;
  readonly format: 'b' | 'cn';
  readonly kind: CertFieldKind;
  readonly constant?: number;
  readonly zh: string;
  readonly en: string;
}

export interface CertLayout {
  readonly id: 'issuer' | 'sam';
  readonly size: number;
  readonly fields: readonly CertFieldSpec[];
}

/** Issuer certificate, 180 bytes (§7.6). */
export const ISSUER_CERT_LAYOUT: CertLayout = {
  id: 'issuer',
  size: 180,
  fields: [
    {
      key: 'format',
      offset: 0,
      length: 1,
      format: 'b',
      kind: 'constant',
      constant: 0x01,
      zh: '格式',
      en: 'format',
    },
    {
      key: 'issuerCode',
      offset: 1,
      length: 11,
      format: 'cn',
      kind: 'digits',
      zh: '发卡机构代码',
      en: 'issuer code',
    },
    {
      key: 'cityCode',
      offset: 12,
      length: 3,
      format: 'cn',
      kind: 'digits',
      zh: '应用城市代码',
      en: 'city code',
    },
    {
      key: 'serial',
      offset: 15,
      length: 4,
      format: 'b',
      kind: 'uint',
      zh: '证书序列号',
      en: 'certificate serial',
    },
    {
      key: 'validFrom',
      offset: 19,
      length: 4,
      format: 'cn',
      kind: 'digits',
      zh: '生效日期',
      en: 'valid from',
    },
    { key: 'validTo', offset: 23, length: 4, format: 'cn', kind: 'digits', zh: '失效日期', en: 'valid to' },
    {
      key: 'algorithm',
      offset: 27,
      length: 1,
      format: 'b',
      kind: 'constant',
      constant: 0x01,
      zh: '算法（SM2/SM3）',
      en: 'algorithm SM2 with SM3',
    },
    {
      key: 'rootKeyId',
      offset: 28,
      length: 8,
      format: 'b',
      kind: 'bytes',
      zh: '根密钥标识',
      en: 'signing root key id',
    },
    {
      key: 'publicKey',
      offset: 36,
      length: 64,
      format: 'b',
      kind: 'bytes',
      zh: '发卡机构公钥',
      en: 'issuer SM2 public key x ‖ y',
    },
    { key: 'reserved', offset: 100, length: 16, format: 'b', kind: 'reserved', zh: '保留', en: 'reserved' },
    {
      key: 'signature',
      offset: 116,
      length: 64,
      format: 'b',
      kind: 'signature',
      zh: '根签名',
      en: 'root signature r ‖ s',
    },
  ],
};

/** SAM certificate, 190 bytes (§7.6). */
export const SAM_CERT_LAYOUT: CertLayout = {
  id: 'sam',
  size: 190,
  fields: [
    {
      key: 'format',
      offset: 0,
      length: 1,
      format: 'b',
      kind: 'constant',
      constant: 0x02,
      zh: '格式',
      en: 'format',
    },
    {
      key: 'samSerial',
      offset: 1,
      length: 10,
      format: 'b',
      kind: 'bytes',
      zh: 'SAM卡序列号',
      en: 'SAM serial number',
    },
    {
      key: 'terminalId',
      offset: 11,
      length: 6,
      format: 'b',
      kind: 'bytes',
      zh: '终端机编号',
      en: 'terminal number',
    },
    {
      key: 'issuerCode',
      offset: 17,
      length: 11,
      format: 'cn',
      kind: 'digits',
      zh: '发卡机构代码',
      en: 'certifying issuer code',
    },
    {
      key: 'serial',
      offset: 28,
      length: 4,
      format: 'b',
      kind: 'uint',
      zh: '证书序列号',
      en: 'certificate serial',
    },
    {
      key: 'validFrom',
      offset: 32,
      length: 4,
      format: 'cn',
      kind: 'digits',
      zh: '生效日期',
      en: 'valid from',
    },
    { key: 'validTo', offset: 36, length: 4, format: 'cn', kind: 'digits', zh: '失效日期', en: 'valid to' },
    {
      key: 'algorithm',
      offset: 40,
      length: 1,
      format: 'b',
      kind: 'constant',
      constant: 0x01,
      zh: '算法（SM2/SM3）',
      en: 'algorithm SM2 with SM3',
    },
    {
      key: 'issuerCertSerial',
      offset: 41,
      length: 4,
      format: 'b',
      kind: 'uint',
      zh: '发卡机构证书序列号',
      en: 'issuer certificate serial',
    },
    {
      key: 'issuerCertSerialPad',
      offset: 45,
      length: 4,
      format: 'b',
      kind: 'reserved',
      zh: '填充',
      en: 'padding 00×4',
    },
    {
      key: 'publicKey',
      offset: 49,
      length: 64,
      format: 'b',
      kind: 'bytes',
      zh: 'SAM卡公钥',
      en: 'SAM SM2 public key x ‖ y',
    },
    { key: 'reserved', offset: 113, length: 13, format: 'b', kind: 'reserved', zh: '保留', en: 'reserved' },
    {
      key: 'signature',
      offset: 126,
      length: 64,
      format: 'b',
      kind: 'signature',
      zh: '发卡机构签名',
      en: 'issuer signature r ‖ s',
    },
  ],
};

export type CertValue = number | string | Uint8Array;

// ---------- generic codec over a layout ----------

function encodeDigits(value: string, length: number, field: string): Uint8Array {
  if (!/^\d*$/.test(value)) throw new PkiError(field, 'must be decimal digits');
  if (value.length > length * 2) throw new PkiError(field, `at most ${length * 2} digits`);
  const padded = value.padEnd(length * 2, 'F');
  return Uint8Array.from(Buffer.from(padded, 'hex'));
}

function decodeDigits(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex').toUpperCase();
  const cut = hex.indexOf('F');
  return cut < 0 ? hex : hex.slice(0, cut);
}

/** Encodes every field except the signature, which is left zero. */
function encodeFields(layout: CertLayout, values: Record<string, CertValue | undefined>): Uint8Array {
  const out = new Uint8Array(layout.size);
  for (const f of layout.fields) {
    const v = values[f.key];
    const name = `${layout.id}Certificate.${f.key}`;
    switch (f.kind) {
      case 'constant':
        out[f.offset] = f.constant ?? 0;
        break;
      case 'reserved':
      case 'signature':
        break;
      case 'digits':
        if (typeof v !== 'string') throw new PkiError(name, 'missing digit string');
        out.set(encodeDigits(v, f.length, name), f.offset);
        break;
      case 'uint':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** (8 * f.length))
          throw new PkiError(name, `must be an integer 0…${2 ** (8 * f.length) - 1}`);
        for (let i = 0; i < f.length; i++)
          out[f.offset + i] = Math.floor(v / 2 ** (8 * (f.length - 1 - i))) & 0xff;
        break;
      case 'bytes':
        if (!(v instanceof Uint8Array) || v.length !== f.length)
          throw new PkiError(name, `must be ${f.length} bytes`);
        out.set(v, f.offset);
        break;
    }
  }
  return out;
}

function decodeFields(layout: CertLayout, bytes: Uint8Array): Record<string, CertValue> {
  if (bytes.length !== layout.size)
    throw new PkiError(`${layout.id}Certificate`, `must be ${layout.size} bytes, got ${bytes.length}`);
  const out: Record<string, CertValue> = {};
  for (const f of layout.fields) {
    const b = bytes.subarray(f.offset, f.offset + f.length);
    if (f.kind === 'digits') out[f.key] = decodeDigits(b);
    else if (f.kind === 'uint') out[f.key] = b.reduce((acc, x) => acc * 256 + x, 0);
    else if (f.kind === 'constant') out[f.key] = b[0];
    else out[f.key] = b.slice();
  }
  return out;
}

function signatureField(layout: CertLayout): CertFieldSpec {
  const f = layout.fields.find((x) => x.kind === 'signature');
  if (!f) throw new Error(`layout ${layout.id} has no signature field`);
  return f;
}

/** Bytes covered by the certificate's signature (everything before the signature field). */
export function signedPart(layout: CertLayout, cert: Uint8Array): Uint8Array {
  return cert.subarray(0, signatureField(layout).offset);
}

function signCertificate(
  layout: CertLayout,
  body: Uint8Array,
  signer: Sm2KeyPair,
  deterministic: boolean,
): Uint8Array {
  const sigField = signatureField(layout);
  const e = sm2DigestForSigning(signer.publicKey, body.subarray(0, sigField.offset));
  const sig = sm2SignDigest(
    signer.privateKey,
    e,
    deterministic ? { nonce: deterministicNonce(signer.privateKey, e) } : {},
  );
  body.set(sig, sigField.offset);
  return body;
}

// ---------- typed certificates ----------

export interface IssuerCertificateFields {
  /** 发卡机构代码, up to 22 digits. */
  readonly issuerCode: string;
  /** 应用城市代码, 6 digits. */
  readonly cityCode: string;
  readonly serial: number;
  /** YYYYMMDD. */
  readonly validFrom: string;
  readonly validTo: string;
  /** Issuer SM2 public key ('04' ‖ x ‖ y). */
  readonly publicKey: string;
}

export interface IssuerCertificate extends IssuerCertificateFields {
  readonly rootKeyId: Uint8Array;
  readonly signature: Uint8Array;
}

export interface SamCertificateFields {
  readonly samSerial: Uint8Array; // 10 bytes, SAM MF/0015 bytes 1–10
  readonly terminalId: Uint8Array; // 6 bytes, SAM MF/0016
  readonly issuerCode: string;
  readonly serial: number;
  readonly validFrom: string;
  readonly validTo: string;
  readonly issuerCertSerial: number;
  readonly publicKey: string;
}

export interface SamCertificate extends SamCertificateFields {
  readonly signature: Uint8Array;
}

function checkDate(v: string, field: string): void {
  if (!/^\d{8}$/.test(v)) throw new PkiError(field, 'must be YYYYMMDD');
}

/** Identifier of a root key as carried in issuer certificates: first 8 bytes of SM3(x ‖ y). */
export const rootKeyId = (rootPublicKey: string): Uint8Array => sm3(rawPublicKey(rootPublicKey)).slice(0, 8);

export interface IssueOptions {
  /** Reproducible signature nonce (demo PKI only). */
  readonly deterministic?: boolean;
}

export function issueIssuerCertificate(
  rootKey: Sm2KeyPair,
  fields: IssuerCertificateFields,
  options: IssueOptions = {},
): Uint8Array {
  if (!/^\d{6}$/.test(fields.cityCode)) throw new PkiError('issuerCertificate.cityCode', 'must be 6 digits');
  checkDate(fields.validFrom, 'issuerCertificate.validFrom');
  checkDate(fields.validTo, 'issuerCertificate.validTo');
  const body = encodeFields(ISSUER_CERT_LAYOUT, {
    ...fields,
    rootKeyId: rootKeyId(rootKey.publicKey),
    publicKey: rawPublicKey(fields.publicKey),
  });
  return signCertificate(ISSUER_CERT_LAYOUT, body, rootKey, options.deterministic ?? false);
}

export function issueSamCertificate(
  issuerKey: Sm2KeyPair,
  fields: SamCertificateFields,
  options: IssueOptions = {},
): Uint8Array {
  checkDate(fields.validFrom, 'samCertificate.validFrom');
  checkDate(fields.validTo, 'samCertificate.validTo');
  const body = encodeFields(SAM_CERT_LAYOUT, { ...fields, publicKey: rawPublicKey(fields.publicKey) });
  return signCertificate(SAM_CERT_LAYOUT, body, issuerKey, options.deterministic ?? false);
}

function checkConstants(layout: CertLayout, raw: Record<string, CertValue>): void {
  for (const f of layout.fields) {
    if (f.kind === 'constant' && raw[f.key] !== f.constant)
      throw new PkiError(
        `${layout.id}Certificate.${f.key}`,
        `expected ${f.constant}, got ${String(raw[f.key])}`,
      );
  }
}

export function decodeIssuerCertificate(bytes: Uint8Array): IssuerCertificate {
  const raw = decodeFields(ISSUER_CERT_LAYOUT, bytes);
  checkConstants(ISSUER_CERT_LAYOUT, raw);
  return {
    issuerCode: raw.issuerCode as string,
    cityCode: raw.cityCode as string,
    serial: raw.serial as number,
    validFrom: raw.validFrom as string,
    validTo: raw.validTo as string,
    rootKeyId: raw.rootKeyId as Uint8Array,
    publicKey: publicKeyFromRaw(raw.publicKey as Uint8Array, 'issuerCertificate.publicKey'),
    signature: raw.signature as Uint8Array,
  };
}

export function decodeSamCertificate(bytes: Uint8Array): SamCertificate {
  const raw = decodeFields(SAM_CERT_LAYOUT, bytes);
  checkConstants(SAM_CERT_LAYOUT, raw);
  return {
    samSerial: raw.samSerial as Uint8Array,
    terminalId: raw.terminalId as Uint8Array,
    issuerCode: raw.issuerCode as string,
    serial: raw.serial as number,
    validFrom: raw.validFrom as string,
    validTo: raw.validTo as string,
    issuerCertSerial: raw.issuerCertSerial as number,
    publicKey: publicKeyFromRaw(raw.publicKey as Uint8Array, 'samCertificate.publicKey'),
    signature: raw.signature as Uint8Array,
  };
}

// ---------- verification ----------

export type ChainFailure =
  | 'ISSUER_CERT_MALFORMED'
  | 'ISSUER_CERT_WRONG_ROOT'
  | 'ISSUER_CERT_SIGNATURE'
  | 'SAM_CERT_MALFORMED'
  | 'SAM_CERT_WRONG_ISSUER'
  | 'SAM_CERT_SIGNATURE'
  | 'CERT_EXPIRED';

export interface ChainResult {
  readonly valid: boolean;
  readonly reason?: ChainFailure;
  readonly message?: string;
  readonly issuer?: IssuerCertificate;
  readonly sam?: SamCertificate;
}

const fail = (reason: ChainFailure, message: string, extra: Partial<ChainResult> = {}): ChainResult => ({
  valid: false,
  reason,
  message,
  ...extra,
});

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/**
 * Root → issuer certificate → SAM certificate. `at` (YYYYMMDD), when given, must lie inside both validity
 * periods; without it dates are not checked (signatures on old records stay verifiable).
 */
export function verifyCertificateChain(
  samCert: Uint8Array,
  issuerCert: Uint8Array,
  rootPublicKey: string,
  at?: string,
): ChainResult {
  let issuer: IssuerCertificate;
  try {
    issuer = decodeIssuerCertificate(issuerCert);
  } catch (e) {
    return fail('ISSUER_CERT_MALFORMED', (e as Error).message);
  }
  if (!equalBytes(issuer.rootKeyId, rootKeyId(rootPublicKey)))
    return fail('ISSUER_CERT_WRONG_ROOT', 'issuer certificate names another root key', { issuer });
  if (!sm2Verify(rootPublicKey, signedPart(ISSUER_CERT_LAYOUT, issuerCert), issuer.signature))
    return fail('ISSUER_CERT_SIGNATURE', 'root signature on the issuer certificate is invalid', { issuer });
  let sam: SamCertificate;
  try {
    sam = decodeSamCertificate(samCert);
  } catch (e) {
    return fail('SAM_CERT_MALFORMED', (e as Error).message, { issuer });
  }
  if (sam.issuerCode !== issuer.issuerCode || sam.issuerCertSerial !== issuer.serial)
    return fail('SAM_CERT_WRONG_ISSUER', 'SAM certificate was not issued under this issuer certificate', {
      issuer,
      sam,
    });
  if (!sm2Verify(issuer.publicKey, signedPart(SAM_CERT_LAYOUT, samCert), sam.signature))
    return fail('SAM_CERT_SIGNATURE', 'issuer signature on the SAM certificate is invalid', { issuer, sam });
  if (at !== undefined) {
    for (const c of [issuer, sam])
      if (at < c.validFrom || at > c.validTo)
        return fail('CERT_EXPIRED', `certificate not valid on ${at} (${c.validFrom}–${c.validTo})`, {
          issuer,
          sam,
        });
  }
  return { valid: true, issuer, sam };
}

// ---------- record signatures (§7.6) ----------

export type RecordKind = 'EE' | 'ED';

export interface RecordSignatureLayout {
  readonly dataLength: number;
  readonly signatureOffset: number;
  readonly certificateOffset: number;
  readonly totalLength: number;
}

/** Signature and SAM-certificate positions, read from the card layer's record layouts (the 'sig' fields). */
function signatureLayoutOf(layout: RecordLayout): RecordSignatureLayout {
  const sig = layout.fields.find((f) => f.role === 'sig' && f.length === 64);
  const cert = layout.fields.find((f) => f.role === 'sig' && f.length === SAM_CERT_LAYOUT.size);
  if (!sig || !cert) throw new Error(`record layout ${layout.id} has no signature/certificate fields`);
  return {
    dataLength: layout.dataLength,
    signatureOffset: sig.offset,
    certificateOffset: cert.offset,
    totalLength: layout.totalLength,
  };
}

/** Where the signature and the SAM certificate sit in a DF03 record (§7.6 table). */
export const RECORD_SIGNATURE_LAYOUT: Readonly<Record<RecordKind, RecordSignatureLayout>> = {
  EE: signatureLayoutOf(INPATIENT_LAYOUT),
  ED: signatureLayoutOf(OUTPATIENT_LAYOUT),
};

const CARD_NUMBER_LENGTH = 18;
const CHIP_SERIAL_LENGTH = 10;

/** An `an` value as stored: ASCII bytes right-padded with 00 (card numbers and chip serials are ASCII). */
function anBytes(value: string | Uint8Array, length: number, field: string): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== length)
      throw new PkiError(field, `must be ${length} bytes as stored, got ${value.length}`);
    return value;
  }
  if (!/^[\x20-\x7e]*$/.test(value)) throw new PkiError(field, 'pass the stored bytes for non-ASCII values');
  if (value.length > length) throw new PkiError(field, `longer than ${length} characters`);
  const out = new Uint8Array(length);
  out.set(new TextEncoder().encode(value), 0);
  return out;
}

/** M = card number (18 B as stored) ‖ chip serial (10 B as stored) ‖ the record's data bytes. */
export function recordSignatureMessage(
  cardNumber18: string | Uint8Array,
  chipSerial10: string | Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const card = anBytes(cardNumber18, CARD_NUMBER_LENGTH, 'cardNumber');
  const chip = anBytes(chipSerial10, CHIP_SERIAL_LENGTH, 'chipSerial');
  const m = new Uint8Array(card.length + chip.length + data.length);
  m.set(card, 0);
  m.set(chip, card.length);
  m.set(data, card.length + chip.length);
  return m;
}

/** e = SM3(Z_A ‖ M) with the SAM's public key: the 32 bytes the reader hands to the SAM's 80 CE. */
export function recordSignatureDigest(
  samPublicKey: string,
  cardNumber18: string | Uint8Array,
  chipSerial10: string | Uint8Array,
  data: Uint8Array,
): Uint8Array {
  return sm2DigestForSigning(samPublicKey, recordSignatureMessage(cardNumber18, chipSerial10, data));
}

export interface RecordSignatureCheck {
  /** The whole EE (1 893 B) or ED (3 267 B) file content. */
  readonly record: Uint8Array;
  readonly kind: RecordKind;
  readonly cardNumber: string | Uint8Array;
  readonly chipSerial: string | Uint8Array;
  /** From the user card (DDF1/EF05 tag 05). */
  readonly issuerCertificate: Uint8Array;
  /** The national/provincial root key configured in the verifier. */
  readonly rootPublicKey: string;
  readonly at?: string;
}

export type RecordSignatureFailure = ChainFailure | 'RECORD_LENGTH' | 'NOT_SIGNED' | 'RECORD_SIGNATURE';

export interface RecordSignatureResult {
  readonly valid: boolean;
  readonly reason?: RecordSignatureFailure;
  readonly message?: string;
  readonly sam?: SamCertificate;
}

export function verifyRecordSignature(check: RecordSignatureCheck): RecordSignatureResult {
  const layout = RECORD_SIGNATURE_LAYOUT[check.kind];
  if (!layout) throw new PkiError('kind', `must be 'EE' or 'ED', got ${String(check.kind)}`);
  if (check.record.length !== layout.totalLength)
    return { valid: false, reason: 'RECORD_LENGTH', message: `record must be ${layout.totalLength} bytes` };
  const signature = check.record.subarray(layout.signatureOffset, layout.certificateOffset);
  const samCert = check.record.subarray(layout.certificateOffset, layout.totalLength);
  if (samCert.every((b) => b === 0) || signature.every((b) => b === 0))
    return { valid: false, reason: 'NOT_SIGNED', message: 'record carries no signature' };
  const chain = verifyCertificateChain(samCert, check.issuerCertificate, check.rootPublicKey, check.at);
  if (!chain.valid || !chain.sam) return { valid: false, reason: chain.reason, message: chain.message };
  const m = recordSignatureMessage(
    check.cardNumber,
    check.chipSerial,
    check.record.subarray(0, layout.dataLength),
  );
  if (!sm2Verify(chain.sam.publicKey, m, signature))
    return {
      valid: false,
      reason: 'RECORD_SIGNATURE',
      message: 'record signature is invalid',
      sam: chain.sam,
    };
  return { valid: true, sam: chain.sam };
}

// ---------- PKI material held by a SAM ----------

/** What a (virtual) SAM holds: its SM2 key and the two certificates it serves from DF01/001B–001C. */
export interface SamPki {
  readonly samKey: Sm2KeyPair;
  readonly samCertificate: Uint8Array;
  readonly issuerCertificate: Uint8Array;
  /** The root public key the certificates chain to (public; for verifiers and tests). */
  readonly rootPublicKey: string;
}

export interface DemoPki extends SamPki {
  readonly isTestKeys: true;
  readonly rootKey: Sm2KeyPair;
  readonly issuerKey: Sm2KeyPair;
}

export interface PkiIdentity {
  readonly issuerCode: string;
  readonly cityCode: string;
  readonly samSerial: Uint8Array;
  readonly terminalId: Uint8Array;
  readonly validFrom: string;
  readonly validTo: string;
}

/** Identity of the demo SAM and issuer (test values, documented in src/cos/README.md). */
/** PIN of the published demo SAM (tests, training and demos only). */
export const DEMO_SAM_PIN = '123456';

export const DEMO_PKI_IDENTITY: PkiIdentity = {
  issuerCode: '4101000000000000000001',
  cityCode: '410100',
  samSerial: Uint8Array.from(Buffer.from('52484353414D00000001', 'hex')), // "RHCSAM" ‖ 00 00 00 01
  terminalId: Uint8Array.from([0x41, 0x01, 0x01, 0x00, 0x00, 0x01]),
  validFrom: '20240101',
  validTo: '20991231',
};

export const DEMO_KEY_LABELS = {
  root: 'RHC DEMO TEST SM2 ROOT KEY — NOT FOR PRODUCTION',
  issuer: 'RHC DEMO TEST SM2 ISSUER KEY — NOT FOR PRODUCTION',
  sam: 'RHC DEMO TEST SM2 SAM KEY — NOT FOR PRODUCTION',
} as const;

/** Builds a root → issuer → SAM hierarchy from the given key pairs. */
export function buildPki(
  keys: { root: Sm2KeyPair; issuer: Sm2KeyPair; sam: Sm2KeyPair },
  identity: PkiIdentity,
  options: IssueOptions & { issuerSerial?: number; samSerialNumber?: number } = {},
): SamPki {
  const issuerSerial = options.issuerSerial ?? 1;
  const issuerCertificate = issueIssuerCertificate(
    keys.root,
    {
      issuerCode: identity.issuerCode,
      cityCode: identity.cityCode,
      serial: issuerSerial,
      validFrom: identity.validFrom,
      validTo: identity.validTo,
      publicKey: keys.issuer.publicKey,
    },
    options,
  );
  const samCertificate = issueSamCertificate(
    keys.issuer,
    {
      samSerial: identity.samSerial,
      terminalId: identity.terminalId,
      issuerCode: identity.issuerCode,
      serial: options.samSerialNumber ?? 1,
      validFrom: identity.validFrom,
      validTo: identity.validTo,
      issuerCertSerial: issuerSerial,
      publicKey: keys.sam.publicKey,
    },
    options,
  );
  return { samKey: keys.sam, samCertificate, issuerCertificate, rootPublicKey: keys.root.publicKey };
}

/**
 * The published demo PKI (测试密钥): every private key is derived from a labelled SM3 seed
 * (DEMO_KEY_LABELS), certificates use deterministic nonces, so the result is the same on every machine.
 * Anyone can recompute these keys: never use them for real cards.
 */
export function createDemoPki(identity: PkiIdentity = DEMO_PKI_IDENTITY): DemoPki {
  const rootKey = sm2KeyPairFromLabel(DEMO_KEY_LABELS.root);
  const issuerKey = sm2KeyPairFromLabel(DEMO_KEY_LABELS.issuer);
  const samKey = sm2KeyPairFromLabel(DEMO_KEY_LABELS.sam);
  const pki = buildPki({ root: rootKey, issuer: issuerKey, sam: samKey }, identity, { deterministic: true });
  return { ...pki, isTestKeys: true, rootKey, issuerKey };
}
