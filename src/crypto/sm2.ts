// SM2 digital signatures (GB/T 32918.2 / GM/T 0003.2) over sm-crypto-v2. node:crypto is deliberately NOT
// used here: its sign() on an SM2-curve key computes Z_A over an EMPTY user ID (OpenSSL 3's default; Node
// offers no way to set the ID), so its signatures do not verify under the GB/T default ID that the card
// ecosystem uses (shown in sm2.test.ts). The hash side (Z_A, e = SM3(Z_A ‖ M))
// uses node:crypto's SM3, which is only a hash. Signatures are always exactly 64 bytes r ‖ s, each
// left-padded to 32 bytes (card-format.md §7.5: dropping a leading zero byte is a known interop bug).
//
// Key representation: private key = 64 hex digits; public key = uncompressed '04' ‖ x ‖ y (130 hex digits),
// the form sm-crypto-v2 uses. rawPublicKey/publicKeyFromRaw convert to and from the 64-byte x ‖ y that the
// certificates (§7.6) carry.
import { sm2 } from 'sm-crypto-v2';
import { Sm2Error } from './errors.ts';
import { sm3 } from './sm3.ts';

/** The default user ID of GB/T 32918 / GM/T 0009, used for Z_A unless another is agreed. */
export const DEFAULT_USER_ID = '1234567812345678';

/** Order n of the SM2 recommended curve (GB/T 32918.5). */
export const SM2_ORDER = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');

export interface Sm2KeyPair {
  /** 64 hex digits. */
  readonly privateKey: string;
  /** '04' ‖ x ‖ y, 130 hex digits. */
  readonly publicKey: string;
}

const toHexLower = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytesOf = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const bigOf = (b: Uint8Array): bigint => BigInt('0x' + (toHexLower(b) || '0'));
const hex32 = (n: bigint): string => n.toString(16).padStart(64, '0');

function checkPrivateKey(priv: string, field = 'privateKey'): bigint {
  if (!/^[0-9a-fA-F]{64}$/.test(priv)) throw new Sm2Error(field, 'must be 64 hex digits');
  const d = BigInt('0x' + priv);
  if (d < 1n || d >= SM2_ORDER - 1n) throw new Sm2Error(field, 'out of range [1, n-2]');
  return d;
}

/** Normalises a public key to '04' ‖ x ‖ y (lower-case) and checks that it lies on the curve. */
export function normalisePublicKey(pub: string, field = 'publicKey'): string {
  let p = pub.toLowerCase();
  if (/^[0-9a-f]{128}$/.test(p)) p = '04' + p;
  if (!/^04[0-9a-f]{128}$/.test(p))
    throw new Sm2Error(field, "must be '04' ‖ x ‖ y (130 hex) or x ‖ y (128 hex)");
  let onCurve = false;
  try {
    onCurve = sm2.verifyPublicKey(p);
  } catch {
    onCurve = false;
  }
  if (!onCurve) throw new Sm2Error(field, 'is not a point on the SM2 curve');
  return p;
}

/** The 64-byte x ‖ y of a public key (the certificate form). */
export function rawPublicKey(pub: string): Uint8Array {
  return bytesOf(normalisePublicKey(pub).slice(2));
}

/** Public key from a certificate's 64-byte x ‖ y. */
export function publicKeyFromRaw(xy: Uint8Array, field = 'publicKey'): string {
  if (xy.length !== 64) throw new Sm2Error(field, `must be 64 bytes, got ${xy.length}`);
  return normalisePublicKey('04' + toHexLower(xy), field);
}

export function publicKeyOf(priv: string): string {
  checkPrivateKey(priv);
  return normalisePublicKey(sm2.getPublicKeyFromPrivateKey(priv.toLowerCase()));
}

/** A fresh key pair from sm-crypto-v2's CSPRNG. */
export function generateSm2KeyPair(): Sm2KeyPair {
  const kp = sm2.generateKeyPairHex();
  return { privateKey: kp.privateKey.padStart(64, '0'), publicKey: normalisePublicKey(kp.publicKey) };
}

/**
 * A key pair derived from a label: d = (SM3(label) mod (n − 2)) + 1. Reproducible by anyone who knows the
 * label — ONLY for published demo/test keys.
 */
export function sm2KeyPairFromLabel(label: string): Sm2KeyPair {
  const d = (bigOf(sm3(new TextEncoder().encode(label))) % (SM2_ORDER - 2n)) + 1n;
  const privateKey = hex32(d);
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

/** Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2 §5.5). */
export function computeZa(pub: string, userId: string = DEFAULT_USER_ID): Uint8Array {
  const id = new TextEncoder().encode(userId);
  if (id.length * 8 > 0xffff) throw new Sm2Error('userId', 'longer than 8191 bytes');
  return new Uint8Array(sm2.getZ(normalisePublicKey(pub), userId));
}

/** e = SM3(Z_A ‖ M): what the SAM's SM2SignHash (80 CE) expects. */
export function sm2DigestForSigning(
  pub: string,
  message: Uint8Array,
  userId: string = DEFAULT_USER_ID,
): Uint8Array {
  const za = computeZa(pub, userId);
  const buf = new Uint8Array(za.length + message.length);
  buf.set(za, 0);
  buf.set(message, za.length);
  return sm3(buf);
}

export interface SignDigestOptions {
  /**
   * Fixed per-signature nonce k (32 bytes). Only for known-answer tests and for the reproducible demo PKI;
   * a reused or predictable k reveals the private key. Default: a fresh random k.
   */
  readonly nonce?: Uint8Array;
}

/** SM2 signature of an already computed e (32 bytes) → 64 bytes r ‖ s. */
export function sm2SignDigest(priv: string, e: Uint8Array, options: SignDigestOptions = {}): Uint8Array {
  checkPrivateKey(priv);
  if (e.length !== 32) throw new Sm2Error('digest', `must be 32 bytes, got ${e.length}`);
  let pointPool: { k: bigint; x1: bigint }[] | undefined;
  if (options.nonce) {
    if (options.nonce.length !== 32) throw new Sm2Error('nonce', 'must be 32 bytes');
    const k = bigOf(options.nonce);
    if (k < 1n || k >= SM2_ORDER) throw new Sm2Error('nonce', 'out of range [1, n-1]');
    const kG = sm2.getPublicKeyFromPrivateKey(hex32(k)).padStart(130, '0');
    pointPool = [{ k, x1: BigInt('0x' + kG.slice(2, 66)) }];
  }
  const sig = sm2.doSignature(e, priv.toLowerCase(), { hash: false, der: false, pointPool });
  if (sig.length !== 128) throw new Error(`SM2 signer returned ${sig.length / 2} bytes, expected 64`);
  return bytesOf(sig);
}

/** SM2 signature of a message with Z_A (GB/T 32918.2 §6.1) → exactly 64 bytes r ‖ s. */
export function sm2Sign(
  priv: string,
  pub: string,
  message: Uint8Array,
  userId: string = DEFAULT_USER_ID,
): Uint8Array {
  return sm2SignDigest(priv, sm2DigestForSigning(pub, message, userId));
}

/** Verifies r ‖ s over an already computed e; rejects r or s outside [1, n-1]. */
export function sm2VerifyDigest(pub: string, e: Uint8Array, signature: Uint8Array): boolean {
  if (e.length !== 32 || signature.length !== 64) return false;
  const r = bigOf(signature.subarray(0, 32));
  const s = bigOf(signature.subarray(32));
  if (r < 1n || r >= SM2_ORDER || s < 1n || s >= SM2_ORDER) return false;
  let p: string;
  try {
    p = normalisePublicKey(pub);
  } catch {
    return false;
  }
  return sm2.doVerifySignature(e, toHexLower(signature), p, { hash: false, der: false });
}

/** Verifies an SM2 signature (64 bytes r ‖ s) over a message with Z_A of the signer's public key. */
export function sm2Verify(
  pub: string,
  message: Uint8Array,
  signature: Uint8Array,
  userId: string = DEFAULT_USER_ID,
): boolean {
  let e: Uint8Array;
  try {
    e = sm2DigestForSigning(pub, message, userId);
  } catch {
    return false;
  }
  return sm2VerifyDigest(pub, e, signature);
}

/**
 * Deterministic nonce k = SM3(tag ‖ d ‖ e ‖ counter) mod n for the reproducible demo PKI (distinct per
 * message, never reused across messages). Not used for production signatures.
 */
export function deterministicNonce(priv: string, e: Uint8Array): Uint8Array {
  checkPrivateKey(priv);
  for (let counter = 0; ; counter++) {
    const input = new TextEncoder().encode(
      `RHC demo SM2 nonce|${priv.toLowerCase()}|${toHexLower(e)}|${counter}`,
    );
    const k = bigOf(sm3(input)) % SM2_ORDER;
    if (k !== 0n) return bytesOf(hex32(k));
  }
}
