// What the platform stores for a user's password (docs/credentials.md), and the two ways to prove it.
//
// - The provincial digest scheme (§2.2, pwdDigest = SM3(SM3(password) ‖ msgCreateTime)) needs the server
//   to hold SM3(password), which is a password equivalent: it is kept only SEALED (SM4-CBC under the seal
//   key, which lives outside the database: storage/seal-key.ts). `pwd_sm3` stays empty.
// - The typed REST/SOAP bindings also accept a SCRAM-style proof (clientProof), modelled on SCRAM-SHA-256
//   as PostgreSQL stores it: the server keeps only StoredKey = SM3(ClientKey), with
//   SaltedPassword = PBKDF2-HMAC-SM3(SM3hex(password), salt, i), ClientKey = HMAC-SM3(SaltedPassword,
//   "Client Key"); the client sends ClientKey ⊕ HMAC-SM3(StoredKey, AuthMessage). StoredKey alone cannot
//   produce a proof, and the salted, iterated hash makes guessing from it slow.
// The salt is derived from (orgCode, userName) so a client needs no extra round trip; it is public, as
// SCRAM salts are. SM3hex(password) is the input (not the password) so rows stored before 008 migrate.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hash,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { passwordDigest, sameHex, sm3Hex } from '../secrets.ts';

export const SCRAM_ITERATIONS = 4096;

/** Stored columns of a user's password. */
export interface StoredPassword {
  pwd_sm3: string;
  pwd_sealed: string | null;
  pwd_verifier: string | null;
}

export function scramSalt(orgCode: string, userName: string): Buffer {
  return Buffer.from(hash('sm3', `rhc-scram-sm3|${orgCode}|${userName}`, 'hex'), 'hex');
}

/** ClientKey of the SCRAM-style scheme (what a client computes from the password). */
export function scramClientKey(pwdSm3Hex: string, salt: Buffer, iterations = SCRAM_ITERATIONS): Buffer {
  const salted = pbkdf2Sync(pwdSm3Hex, salt, iterations, 32, 'sm3');
  return createHmac('sm3', salted).update('Client Key').digest();
}

/** The message a clientProof signs: who, from which terminal, when (the replay guard covers the time). */
export function scramAuthMessage(i: {
  orgCode: string;
  userName: string;
  termId: string;
  msgCreateTime: string;
}) {
  return `${i.orgCode}|${i.userName}|${i.termId}|${i.msgCreateTime}`;
}

/** clientProof (hex) for a sign-in: ClientKey ⊕ HMAC-SM3(StoredKey, AuthMessage). */
export function scramProof(clientKey: Buffer, authMessage: string): string {
  const storedKey = hash('sm3', clientKey, 'buffer') as unknown as Buffer;
  const sig = createHmac('sm3', storedKey).update(authMessage).digest();
  return Buffer.from(clientKey.map((b, k) => b ^ sig[k]!)).toString('hex');
}

function verifier(pwdSm3Hex: string, orgCode: string, userName: string): string {
  const storedKey = hash('sm3', scramClientKey(pwdSm3Hex, scramSalt(orgCode, userName)), 'hex');
  return `scram-sm3$${SCRAM_ITERATIONS}$${storedKey}`;
}

function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(16);
  const c = createCipheriv('sm4-cbc', key, iv);
  return `sm4-cbc$${iv.toString('hex')}$${Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('hex')}`;
}

function unseal(key: Buffer, sealed: string): string | undefined {
  const [kind, iv, ct] = sealed.split('$');
  if (kind !== 'sm4-cbc' || !iv || !ct) return undefined;
  try {
    const d = createDecipheriv('sm4-cbc', key, Buffer.from(iv, 'hex'));
    return Buffer.concat([d.update(Buffer.from(ct, 'hex')), d.final()]).toString('utf8');
  } catch {
    return undefined; // another seal key: no login by digest (the proof scheme still works)
  }
}

/** Column values for a password given as hex SM3(password) (new users, resets, rows from before 008). */
export function storedFromSm3(
  sealKey: Buffer,
  pwdSm3Hex: string,
  orgCode: string,
  userName: string,
): StoredPassword {
  return {
    pwd_sm3: '',
    pwd_sealed: seal(sealKey, pwdSm3Hex),
    pwd_verifier: verifier(pwdSm3Hex, orgCode, userName),
  };
}

export function storedPassword(sealKey: Buffer, password: string, orgCode: string, userName: string) {
  return storedFromSm3(sealKey, sm3Hex(password), orgCode, userName);
}

/** Whether `pwdDigest` = SM3(SM3(password) ‖ msgCreateTime) for the sealed password. */
export function digestMatches(
  sealKey: Buffer,
  stored: StoredPassword,
  msgCreateTime: string,
  pwdDigest: string,
): boolean {
  const pwdSm3 = stored.pwd_sealed ? unseal(sealKey, stored.pwd_sealed) : undefined;
  return pwdSm3 !== undefined && sameHex(passwordDigest(pwdSm3, msgCreateTime), pwdDigest);
}

/** Whether `clientProof` proves the ClientKey whose SM3 is the stored StoredKey. */
export function proofMatches(stored: StoredPassword, authMessage: string, clientProof: string): boolean {
  const [kind, , storedHex] = (stored.pwd_verifier ?? '').split('$');
  if (kind !== 'scram-sm3' || !storedHex || !/^[0-9a-fA-F]{64}$/.test(clientProof)) return false;
  const storedKey = Buffer.from(storedHex, 'hex');
  const sig = createHmac('sm3', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientProof, 'hex');
  const clientKey = Buffer.from(proof.map((b, k) => b ^ sig[k]!));
  return timingSafeEqual(hash('sm3', clientKey, 'buffer') as unknown as Buffer, storedKey);
}
