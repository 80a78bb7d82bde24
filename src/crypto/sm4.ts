// SM4 (GB/T 32907) over node:crypto: ECB blocks and the raw CBC-MAC block, no padding (callers pad, mac.ts).
import { createCipheriv, createDecipheriv } from 'node:crypto';

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

/** Key check value: first 3 bytes of SM4_K(00×16), the usual way to compare keys without showing them. */
export function keyCheckValue(key: Uint8Array): string {
  return Buffer.from(sm4EncryptEcb(key, new Uint8Array(16)).subarray(0, 3))
    .toString('hex')
    .toUpperCase();
}
