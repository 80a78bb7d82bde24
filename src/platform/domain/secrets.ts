// SM3/SM4 helpers over node:crypto for credentials and the JSON envelope (§2.3, §4.2).
import { createCipheriv, createDecipheriv, hash, timingSafeEqual } from 'node:crypto';

export function sm3Hex(data: string | Uint8Array): string {
  // the one-shot crypto.hash (Node ≥ 20.12) costs half of createHash().update().digest() per call; the
  // audit chain hashes every entry
  return hash('sm3', data, 'hex');
}

/** pwdDigest of RHC_C0001: hex SM3(hex SM3(password) ‖ msgCreateTime). */
export function passwordDigest(pwdSm3Hex: string, msgCreateTime: string): string {
  return sm3Hex(pwdSm3Hex + msgCreateTime);
}

/** Constant-time, exact comparison of two strings (token signatures: base64url is case-sensitive). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Constant-time comparison of two hex digests as the bytes they spell (hex case is not part of the value). */
export function sameHex(a: string, b: string): boolean {
  const hexRe = /^(?:[0-9a-fA-F]{2})+$/;
  if (!hexRe.test(a) || !hexRe.test(b)) return false;
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** SM4-ECB with PKCS#7 padding, Base64 out (JSON envelope biz_content). */
export function sm4EncryptBase64(keyHex: string, plain: string): string {
  const c = createCipheriv('sm4-ecb', Buffer.from(keyHex, 'hex'), null);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

export function sm4DecryptBase64(keyHex: string, b64: string): string {
  const d = createDecipheriv('sm4-ecb', Buffer.from(keyHex, 'hex'), null);
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}
