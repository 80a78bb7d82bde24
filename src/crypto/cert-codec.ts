// One generic codec over the certificate layouts (cert-layouts.ts): encodes the fields before the signature,
// decodes every field, checks the constants. Certificates with their SM2 signatures are certificates.ts.
import { PkiError } from './errors.ts';
import type { CertFieldSpec, CertLayout } from './cert-layouts.ts';
import { publicKeyFromRaw } from './sm2.ts';

export type CertValue = number | string | Uint8Array;

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
export function encodeFields(layout: CertLayout, values: Record<string, CertValue | undefined>): Uint8Array {
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

export function decodeFields(layout: CertLayout, bytes: Uint8Array): Record<string, CertValue> {
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

export function signatureField(layout: CertLayout): CertFieldSpec {
  const f = layout.fields.find((x) => x.kind === 'signature');
  if (!f) throw new Error(`layout ${layout.id} has no signature field`);
  return f;
}

/** Bytes covered by the certificate's signature (everything before the signature field). */
export function signedPart(layout: CertLayout, cert: Uint8Array): Uint8Array {
  return cert.subarray(0, signatureField(layout).offset);
}

export function checkConstants(layout: CertLayout, raw: Record<string, CertValue>): void {
  for (const f of layout.fields) {
    if (f.kind === 'constant' && raw[f.key] !== f.constant)
      throw new PkiError(
        `${layout.id}Certificate.${f.key}`,
        `expected ${f.constant}, got ${String(raw[f.key])}`,
      );
  }
}

/**
 * Decodes a certificate and checks its constant fields: the value fields (digits, integers, byte strings and
 * the signature) in layout order, the SM2 public key as '04' ‖ x ‖ y. Constant and reserved fields are left out.
 */
export function decodeCertificate(layout: CertLayout, bytes: Uint8Array): Record<string, CertValue> {
  const raw = decodeFields(layout, bytes);
  checkConstants(layout, raw);
  const out: Record<string, CertValue> = {};
  for (const f of layout.fields) {
    if (f.kind === 'constant' || f.kind === 'reserved') continue;
    out[f.key] =
      f.key === 'publicKey'
        ? publicKeyFromRaw(raw[f.key] as Uint8Array, `${layout.id}Certificate.publicKey`)
        : raw[f.key];
  }
  return out;
}
