// The SAM commands the reader uses (card-format.md §6.4–§6.5): SELECT, READ BINARY of its public files,
// VERIFY / CHANGE PIN, key set-up 80 DE, encrypt / MAC 80 FA, SM3 80 CC and SM2 signing 80 CE. Every SAM
// failure is SAM_ERROR except the PIN answers.
import { command } from '../apdu.ts';
import type { KeySpec } from '../image.ts';
import { isSw } from '../status-words.ts';
import type { CardCommand, StatusWordMap } from './command.ts';
import { readBinary, selectFile } from './file.ts';

/** A SAM answer with data: 90 00, or 61 xx fetched with GET RESPONSE. */
const DATA: StatusWordMap = { OK: 'ok', BYTES_AVAILABLE: 'get-response' };

const PIN: Pick<CardCommand, 'statusWords' | 'otherwise' | 'note'> = {
  statusWords: { OK: 'ok', VERIFY_FAILED: 'SAM_PIN_WRONG', AUTH_METHOD_BLOCKED: 'SAM_PIN_BLOCKED' },
  otherwise: 'SAM_ERROR',
  note: (sw) => (isSw(sw, 'VERIFY_FAILED') ? `tries left ${sw & 0x0f}` : undefined),
};

/** An even number of PIN digits as BCD bytes (`123456` → 12 34 56). */
const pinBcd = (pin: string): Uint8Array => Uint8Array.from(Buffer.from(pin, 'hex'));

/** SELECT by FID on the SAM (61 xx counts as selected). */
export function samSelect(fid: number): CardCommand {
  return { ...selectFile(fid), statusWords: { OK: 'ok', BYTES_AVAILABLE: 'ok' }, otherwise: 'SAM_ERROR' };
}

/** READ BINARY of a whole small SAM file `00 B0 00 00 Le`. */
export function samReadBinary(size: number): CardCommand {
  return { ...readBinary(0, size), statusWords: DATA, otherwise: 'SAM_ERROR' };
}

/** VERIFY `00 20 00 00 Lc PIN(BCD)`: 63 Cx = wrong (x tries left), 69 83 = blocked. */
export function samVerifyPin(pin: string): CardCommand {
  return { name: 'VERIFY', apdu: command(0x00, 0x20, 0x00, 0x00, pinBcd(pin)), ...PIN };
}

/** CHANGE PIN `80 5E 01 00 Lc old ‖ FF ‖ new` (BCD). */
export function samChangePin(oldPin: string, newPin: string): CardCommand {
  const data = Uint8Array.from([...pinBcd(oldPin), 0xff, ...pinBcd(newPin)]);
  return { name: 'CHANGE PIN', apdu: command(0x80, 0x5e, 0x01, 0x00, data), ...PIN };
}

/** P2 of 80 DE: key index with the version in bits 8–6; STK keys are addressed with version 0 (§7.1). */
export function samKeyP2(key: KeySpec, version: number): number {
  return key.usage === 'secure-messaging' ? key.samIndex : ((version & 0x07) << 5) | key.samIndex;
}

/** Key set-up `80 DE P1 P2 Lc factors ‖ random`: the SAM derives the card key and the process key. */
export function samKeySetup(key: KeySpec, version: number, data: Uint8Array): CardCommand {
  return {
    name: 'KEY SETUP',
    apdu: command(0x80, 0xde, key.samP1, samKeyP2(key, version), data),
    statusWords: DATA,
    otherwise: 'SAM_ERROR',
  };
}

/** `80 FA 00 00`: SM4-ECB under the process key. */
export function samEncrypt(data: Uint8Array): CardCommand {
  return {
    name: 'ENCRYPT',
    apdu: command(0x80, 0xfa, 0x00, 0x00, data),
    statusWords: DATA,
    otherwise: 'SAM_ERROR',
  };
}

/** `80 FA 05 00`: MAC over IV(16) ‖ data under the process key (the first 4 bytes of the answer). */
export function samMac(ivAndData: Uint8Array): CardCommand {
  return {
    name: 'MAC',
    apdu: command(0x80, 0xfa, 0x05, 0x00, ivAndData),
    statusWords: DATA,
    otherwise: 'SAM_ERROR',
  };
}

/** `80 CC P1 00`: one block of an SM3 digest; P1 01 = more blocks follow, 00 = last (answers the digest). */
export function samSm3(block: Uint8Array, more: boolean): CardCommand {
  return {
    name: 'SM3',
    apdu: command(0x80, 0xcc, more ? 0x01 : 0x00, 0x00, block),
    statusWords: DATA,
    otherwise: 'SAM_ERROR',
  };
}

/** `80 CE 00 00 20 digest`: SM2 signature (r ‖ s) of a 32-byte digest; needs the verified PIN. */
export function samSm2Sign(digest: Uint8Array): CardCommand {
  return {
    name: 'SM2 SIGN',
    apdu: command(0x80, 0xce, 0x00, 0x00, digest),
    statusWords: DATA,
    otherwise: 'SAM_ERROR',
  };
}
