// File and record commands of the user card (card-format.md §6.1–§6.3, §7.4): SELECT, READ/UPDATE BINARY,
// READ/UPDATE RECORD, the cyclic append, the DF03 index WRITE/ERASE RECORD and END PERSONALISATION.
import { command } from '../apdu.ts';
import { fid2, type CardCommand, type StatusWordMap } from './command.ts';

/** A write the card refuses with 69 85 is locked (LockPersonalInfo, or a key that may not write the item). */
const WRITE: StatusWordMap = { OK: 'ok', CONDITIONS_NOT_SATISFIED: 'CARD_LOCKED' };

/** SELECT by file identifier `00 A4 00 00 02 FID`; 61 xx (FCI available) counts as selected, nothing is fetched. */
export function selectFile(fid: number): CardCommand {
  return {
    name: 'SELECT',
    apdu: command(0x00, 0xa4, 0x00, 0x00, fid2(fid)),
    statusWords: { OK: 'ok', BYTES_AVAILABLE: 'ok', FILE_NOT_FOUND: 'absent' },
    otherwise: 'FILE_NOT_FOUND',
  };
}

/** SELECT by DF name (AID) `00 A4 04 00 Lc AID`. */
export function selectApplication(aid: Uint8Array): CardCommand {
  return { ...selectFile(0), apdu: command(0x00, 0xa4, 0x04, 0x00, aid) };
}

/** READ BINARY `00 B0 offset Le` (offset < 32 768: bit 8 of P1 would mean an SFI). */
export function readBinary(offset: number, le: number): CardCommand {
  return {
    name: 'READ BINARY',
    apdu: command(0x00, 0xb0, (offset >> 8) & 0x7f, offset & 0xff, undefined, le),
    statusWords: { OK: 'ok', WRONG_LE: 'wrong-le', WRONG_LENGTH: 'wrong-length' },
    otherwise: 'READ_BINARY_FAILED',
  };
}

/** UPDATE BINARY `00 D6 offset Lc data`. */
export function updateBinary(offset: number, data: Uint8Array): CardCommand {
  return {
    name: 'UPDATE BINARY',
    apdu: command(0x00, 0xd6, (offset >> 8) & 0x7f, offset & 0xff, data),
    statusWords: WRITE,
    otherwise: 'WRITE_BINARY_FAILED',
  };
}

/** READ RECORD by number `00 B2 n 04 Le`; 6C xx gives the record's real length. */
export function readRecord(n: number, le: number): CardCommand {
  return {
    name: 'READ RECORD',
    apdu: command(0x00, 0xb2, n, 0x04, undefined, le),
    statusWords: { OK: 'ok', WRONG_LE: 'wrong-le' },
    otherwise: 'READ_RECORD_FAILED',
  };
}

/** READ RECORD by identifier `00 B2 tag 00 Le` (the first record whose tag is `tag`). */
export function readRecordByTag(tag: number, le: number): CardCommand {
  return {
    name: 'READ RECORD',
    apdu: command(0x00, 0xb2, tag, 0x00, undefined, le),
    statusWords: { OK: 'ok', BYTES_AVAILABLE: 'get-response' },
    otherwise: 'READ_RECORD_FAILED',
  };
}

/** UPDATE RECORD `00 DC n 04 Lc data` (sent with secure messaging as `04 DC`, see reader/secure-channel.ts). */
export function updateRecord(n: number, data: Uint8Array): CardCommand {
  return {
    name: 'UPDATE RECORD',
    apdu: command(0x00, 0xdc, n, 0x04, data),
    statusWords: WRITE,
    otherwise: 'WRITE_RECORD_FAILED',
  };
}

/** Cyclic append `00 DC 00 03 Lc record`: the new record becomes record 1. */
export function appendRecord(record: Uint8Array): CardCommand {
  return { ...updateRecord(0, record), apdu: command(0x00, 0xdc, 0x00, 0x03, record) };
}

/** DF03 index flag → 00: WRITE RECORD `84 D2 n 04` (the MAC, if the profile wants one, is appended by SM). */
export function writeIndexRecord(n: number): CardCommand {
  return {
    name: 'WRITE RECORD',
    apdu: command(0x84, 0xd2, n, 0x04),
    statusWords: WRITE,
    otherwise: 'INDEX_WRITE_FAILED',
  };
}

/** DF03 index flag → FF: ERASE RECORD `84 0C n 04`. */
export function eraseIndexRecord(n: number): CardCommand {
  return {
    name: 'ERASE RECORD',
    apdu: command(0x84, 0x0c, n, 0x04),
    statusWords: WRITE,
    otherwise: 'INDEX_ERASE_FAILED',
  };
}

/** END PERSONALISATION `84 EE 00 00` (LockPersonalInfo, §2.3), always with a MAC. */
export function endPersonalisation(): CardCommand {
  return {
    name: 'END PERSONALISATION',
    apdu: command(0x84, 0xee, 0x00, 0x00),
    statusWords: WRITE,
    otherwise: 'WRITE_RECORD_FAILED',
  };
}
