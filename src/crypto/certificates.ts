// The issuer certificate (180 B: user card DDF1/EF05 tag 05, SAM DF01/001B) and the SAM certificate (190 B:
// SAM DF01/001C, after every signed EE/ED record) of card-format.md §7.6: typed fields, issuing and decoding.
// Signatures are SM2 (GB/T 32918) with Z_A of the signer's public key and the default user ID over the
// certificate's bytes before the signature field.
import { ISSUER_CERT_LAYOUT, SAM_CERT_LAYOUT, type CertLayout } from './cert-layouts.ts';
import { decodeCertificate, encodeFields, signatureField } from './cert-codec.ts';
import { PkiError } from './errors.ts';
import { sm3 } from './sm3.ts';
import {
  deterministicNonce,
  rawPublicKey,
  sm2DigestForSigning,
  sm2SignDigest,
  type Sm2KeyPair,
} from './sm2.ts';

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

export function decodeIssuerCertificate(bytes: Uint8Array): IssuerCertificate {
  return decodeCertificate(ISSUER_CERT_LAYOUT, bytes) as unknown as IssuerCertificate;
}

export function decodeSamCertificate(bytes: Uint8Array): SamCertificate {
  return decodeCertificate(SAM_CERT_LAYOUT, bytes) as unknown as SamCertificate;
}
