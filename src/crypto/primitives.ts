// Symmetric crypto of the health card over node:crypto (card-format.md §7.3, §7.5): SM4-ECB, the SM4
// CBC-MAC of secure messaging, key diversification D(K, f) = SM4_K(f ‖ NOT f), the authentication
// cryptogram, and SM3. SM2 lives in sm2.ts (node:crypto's sign on SM2 keys is plain ECDSA, not SM2).
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

export const BLOCK = 16;

function checkKey(key: Uint8Array): void {
  if (key.length !== 16) throw new RangeError(`SM4 key must be 16 bytes, got ${key.length}`);
}

function checkBlocks(data: Uint8Array): void {
  if (data.length % BLOCK !== 0)
    throw new RangeError(`SM4 data must be a multiple of 16 bytes, got ${data.length}`);
}

export function sm4EncryptEcb(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key);
  checkBlocks(data);
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

export function sm4DecryptEcb(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key);
  checkBlocks(data);
  const d = createDecipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
}

/** ISO 9797-1 method 2 padding as the card uses it: `80 00…` to a 16-byte multiple, always added. */
export function padIso(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((Math.floor(data.length / BLOCK) + 1) * BLOCK);
  out.set(data, 0);
  out[data.length] = 0x80;
  return out;
}

/** Removes `80 00…` padding; returns undefined when the padding is malformed. */
export function unpadIso(data: Uint8Array): Uint8Array | undefined {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80 || data.length - i > BLOCK) return undefined;
  return data.slice(0, i);
}

/**
 * SM4 CBC-MAC over already padded input (the SAM's 80 FA 05 form: the first 16 bytes are the IV).
 * Returns the last cipher block; the card's MAC is its first 4 bytes.
 */
export function sm4CbcMacBlock(key: Uint8Array, ivAndData: Uint8Array): Uint8Array {
  checkKey(key);
  if (ivAndData.length < 2 * BLOCK) throw new RangeError('MAC input needs an IV and at least one block');
  checkBlocks(ivAndData);
  const iv = ivAndData.subarray(0, BLOCK);
  const c = createCipheriv('sm4-cbc', key, iv).setAutoPadding(false);
  const out = Buffer.concat([c.update(ivAndData.subarray(BLOCK)), c.final()]);
  return new Uint8Array(out.subarray(out.length - BLOCK));
}

/** MAC of secure messaging: zero IV ‖ padIso(message), first 4 bytes of the last block. */
export function secureMessagingMac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const input = new Uint8Array(BLOCK + padIso(message).length);
  input.set(padIso(message), BLOCK);
  return sm4CbcMacBlock(key, input).slice(0, 4);
}

/** One diversification step D(K, f) = SM4-ECB_K(f ‖ NOT f) (8-byte factor → 16-byte key). */
export function diversify(key: Uint8Array, factor: Uint8Array): Uint8Array {
  if (factor.length !== 8)
    throw new RangeError(`diversification factor must be 8 bytes, got ${factor.length}`);
  const block = new Uint8Array(16);
  block.set(factor, 0);
  for (let i = 0; i < 8; i++) block[8 + i] = ~factor[i] & 0xff;
  return sm4EncryptEcb(key, block);
}

/** Authentication cryptogram: X = SM4_SK(authData ‖ 00×8); C = X[0..7] XOR X[8..15]. */
export function authCryptogram(processKey: Uint8Array, authData: Uint8Array): Uint8Array {
  if (authData.length !== 8) throw new RangeError('authData must be 8 bytes');
  const block = new Uint8Array(16);
  block.set(authData, 0);
  return foldHalves(sm4EncryptEcb(processKey, block));
}

/** X[0..7] XOR X[8..15] of a 16-byte block. */
export function foldHalves(x: Uint8Array): Uint8Array {
  const c = new Uint8Array(8);
  for (let i = 0; i < 8; i++) c[i] = x[i] ^ x[8 + i];
  return c;
}

export function sm3(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sm3').update(data).digest());
}

/** Constant-time comparison for MACs and cryptograms. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
