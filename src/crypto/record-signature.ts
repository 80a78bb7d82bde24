// Record signatures of card-format.md §7.6: the SAM signs card number ‖ chip serial ‖ record data of a DF03
// EE/ED record; the signature and the SAM certificate sit at the end of the record (positions read from the
// card layer's record layouts). Verification walks the certificate chain first.
import type { RecordLayout } from '../card/image.ts';
import { INPATIENT_LAYOUT } from '../card/layouts/inpatient.ts';
import { OUTPATIENT_LAYOUT } from '../card/layouts/outpatient.ts';
import { SAM_CERT_LAYOUT } from './cert-layouts.ts';
import { verifyCertificateChain, type ChainFailure } from './cert-chain.ts';
import type { SamCertificate } from './certificates.ts';
import { PkiError } from './errors.ts';
import { sm2DigestForSigning, sm2Verify } from './sm2.ts';

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
