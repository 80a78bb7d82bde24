// The card's symmetric formulas over SM4 (card-format.md §7.3, §7.5): ISO padding, the secure-messaging
// MAC, key diversification D(K, f) = SM4_K(f ‖ NOT f), the process (session) key, the authentication
// cryptogram and its fold. SM4 itself is sm4.ts, SM3 sm3.ts, SM2 sm2.ts.
import { BLOCK, sm4CbcMacBlock, sm4EncryptEcb } from './sm4.ts';

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

/** Process key (过程密钥) SK = D(K_card, R) for the 8-byte random R. */
export const processKey = (cardKey: Uint8Array, random: Uint8Array): Uint8Array => diversify(cardKey, random);

/** Authentication cryptogram: X = SM4_SK(authData ‖ 00×8); C = X[0..7] XOR X[8..15]. */
export function authCryptogram(sessionKey: Uint8Array, authData: Uint8Array): Uint8Array {
  if (authData.length !== 8) throw new RangeError('authData must be 8 bytes');
  const block = new Uint8Array(16);
  block.set(authData, 0);
  return foldHalves(sm4EncryptEcb(sessionKey, block));
}

/** X[0..7] XOR X[8..15] of a 16-byte block. */
export function foldHalves(x: Uint8Array): Uint8Array {
  const c = new Uint8Array(8);
  for (let i = 0; i < 8; i++) c[i] = x[i] ^ x[8 + i];
  return c;
}

/** Constant-time comparison for MACs and cryptograms. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
