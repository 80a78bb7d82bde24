// What the platform stores for a user's password, and the check of the §2.2 digest against it.
import { passwordDigest, sameHex, sm3Hex } from '../secrets.ts';

/** Column values stored for a new password. */
export function storedPassword(password: string): { pwd_sm3: string } {
  return { pwd_sm3: sm3Hex(password) };
}

/** Whether `pwdDigest` = SM3(SM3(password) ‖ msgCreateTime) for the stored password. */
export function digestMatches(
  stored: { pwd_sm3: string },
  msgCreateTime: string,
  pwdDigest: string,
): boolean {
  return sameHex(passwordDigest(stored.pwd_sm3, msgCreateTime), pwdDigest);
}
