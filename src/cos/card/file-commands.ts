// File commands of card-format.md §6.1, interpreted over the profile's EF specs: SELECT, READ/UPDATE
// BINARY, READ/UPDATE RECORD (SM, cyclic append), WRITE/ERASE RECORD on index files.
import type { CommandApdu, ResponseApdu } from '../../card/apdu.ts';
import type { EfSpec } from '../../card/image.ts';
import { SW } from '../../card/status-words.ts';
import {
  blockState,
  checkAccess,
  enterDf,
  fail,
  keyNamed,
  ok,
  targetEf,
  unwrapSm,
  verifyCommandMac,
} from './session.ts';
import type { Session } from './session.ts';

/** Largest READ BINARY answer (§6.2: Le up to 256). */
const MAX_LE = 256;

function noData(c: CommandApdu): void {
  if (c.data.length > 0) fail(SW.WRONG_LENGTH);
}

export function select(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0 || c.p2 !== 0) fail(SW.INCORRECT_P1P2);
  let fid: number;
  if (c.data.length === 0)
    fid = s.tree.mf.fid; // 00 A4 00 00 (00): the MF
  else if (c.data.length === 2) fid = (c.data[0] << 8) | c.data[1];
  else fail(SW.WRONG_LENGTH);
  const parentForEf = s.currentDf;
  const node = s.tree.resolveSelect(s.currentDf, fid) ?? fail(SW.FILE_NOT_FOUND);
  if (node.kind === 'df') {
    enterDf(s, node);
    s.currentEf = undefined;
  } else {
    enterDf(s, s.tree.parent(node) ?? parentForEf);
    s.currentEf = node;
  }
  const block = blockState(s);
  if (block === 'permanent') fail(SW.APPLICATION_PERMANENTLY_BLOCKED);
  if (block === 'temporary') fail(SW.FUNCTION_NOT_SUPPORTED); // selected, but the application is locked
  return ok();
}

const pathOf = (s: Session, ef: EfSpec): string => s.tree.pathName(ef);

// ---- transparent files ------------------------------------------------------------------------------

/** P1 bit 8 set: SFI in P1 bits 1–5 and an 8-bit offset in P2; else a 15-bit offset of the current EF. */
function binaryTarget(s: Session, c: CommandApdu): { ef: EfSpec; offset: number } {
  if (c.p1 & 0x80) {
    if (c.p1 & 0x60) fail(SW.INCORRECT_P1P2);
    return { ef: targetEf(s, c.p1 & 0x1f), offset: c.p2 };
  }
  return { ef: targetEf(s, 0), offset: (c.p1 << 8) | c.p2 };
}

export function readBinary(s: Session, c: CommandApdu): ResponseApdu {
  noData(c);
  if (c.le === undefined) fail(SW.WRONG_LENGTH);
  const { ef, offset } = binaryTarget(s, c);
  if (ef.structure !== 'transparent') fail(SW.INCOMPATIBLE_FILE_STRUCTURE);
  checkAccess(s, ef.access.read, false);
  const content = s.state.memory.read(pathOf(s, ef));
  if (offset >= content.length) fail(SW.WRONG_PARAMETERS);
  const le = Math.min(c.le, MAX_LE);
  const data = content.slice(offset, offset + le);
  return { data, sw: data.length < le ? SW.END_OF_FILE : SW.OK };
}

export function updateBinary(s: Session, c: CommandApdu): ResponseApdu {
  const { ef, offset } = binaryTarget(s, c);
  if (ef.structure !== 'transparent') fail(SW.INCOMPATIBLE_FILE_STRUCTURE);
  const viaSm = c.cla === 0x04;
  checkAccess(s, ef.access.update, viaSm);
  let data = c.data;
  if (viaSm) {
    // §6.1: the virtual card accepts SM UPDATE BINARY with the file's STK, else the STK of the current DF.
    const stk = ef.access.update.smKey
      ? keyNamed(s, ef.access.update.smKey)
      : (s.tree.findKey(s.currentDf, 'secure-messaging') ?? fail(SW.SM_NOT_SUPPORTED));
    data = unwrapSm(s, c, stk).subarray(1);
  }
  if (data.length === 0) fail(SW.WRONG_LENGTH);
  const size = s.tree.fileSize(ef);
  if (offset >= size) fail(SW.WRONG_PARAMETERS);
  if (offset + data.length > size) fail(SW.NOT_ENOUGH_MEMORY);
  s.commit(pathOf(s, ef), offset, data);
  return ok();
}

// ---- record files -----------------------------------------------------------------------------------

const isRecordFile = (ef: EfSpec): boolean => ef.structure !== 'transparent';

function recordSlot(s: Session, ef: EfSpec, n: number): { offset: number; size: number } {
  const sizes = s.tree.recordSizes(ef);
  if (n < 1 || n > sizes.length) fail(SW.RECORD_NOT_FOUND);
  let offset = 0;
  for (let i = 0; i < n - 1; i++) offset += sizes[i];
  return { offset, size: sizes[n - 1] };
}

/** Record number for a READ RECORD by identifier: the first record whose tag byte equals `tag`. */
function recordByTag(s: Session, ef: EfSpec, tag: number): number {
  const content = s.state.memory.read(pathOf(s, ef));
  const sizes = s.tree.recordSizes(ef);
  let offset = 0;
  for (let i = 0; i < sizes.length; i++) {
    if (content[offset] === tag) return i + 1;
    offset += sizes[i];
  }
  fail(SW.RECORD_NOT_FOUND);
}

export function readRecord(s: Session, c: CommandApdu): ResponseApdu {
  noData(c);
  if (c.le === undefined) fail(SW.WRONG_LENGTH);
  const mode = c.p2 & 0x07;
  if (mode !== 0x04 && mode !== 0x00) fail(SW.INCORRECT_P1P2);
  if (c.p1 === 0) fail(SW.INCORRECT_P1P2);
  const ef = targetEf(s, c.p2 >> 3);
  if (!isRecordFile(ef)) fail(SW.INCOMPATIBLE_FILE_STRUCTURE);
  if (mode === 0x00 && ef.structure !== 'tlv-records') fail(SW.INCOMPATIBLE_FILE_STRUCTURE);
  checkAccess(s, ef.access.read, false);
  const n = mode === 0x04 ? c.p1 : recordByTag(s, ef, c.p1);
  const { offset, size } = recordSlot(s, ef, n);
  if (c.le !== MAX_LE && c.le !== size) fail(SW.WRONG_LE | size);
  return ok(s.state.memory.read(pathOf(s, ef)).slice(offset, offset + size));
}

/** UPDATE RECORD: `04 DC n 04` SM write of a TLV record, `00 DC 00 03` cyclic append. */
export function updateRecord(s: Session, c: CommandApdu): ResponseApdu {
  const mode = c.p2 & 0x07;
  if (mode === 0x03) return appendCyclic(s, c);
  if (mode !== 0x04) fail(SW.INCORRECT_P1P2);
  const ef = targetEf(s, c.p2 >> 3);
  if (ef.structure !== 'tlv-records') fail(SW.INCOMPATIBLE_FILE_STRUCTURE);
  const viaSm = c.cla === 0x04;
  const smKey = ef.access.update.smKey;
  if (viaSm && !smKey) fail(SW.SM_NOT_SUPPORTED);
  checkAccess(s, ef.access.update, viaSm);
  const { offset, size } = recordSlot(s, ef, c.p1);
  const element = ef.elements?.[c.p1 - 1] ?? fail(SW.RECORD_NOT_FOUND);
  const tlv = viaSm && smKey ? unwrapSm(s, c, keyNamed(s, smKey)).subarray(1) : c.data;
  // §6.3: T must be the record's tag and L its fixed length.
  if (tlv.length !== size || tlv[0] !== element.tag || tlv[1] !== element.length) fail(SW.INCORRECT_DATA);
  s.commit(pathOf(s, ef), offset, tlv);
  return ok();
}

/** Cyclic append (§5.2): the new record becomes record 1, the oldest drops off — one commit. */
function appendCyclic(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0) fail(SW.INCORRECT_P1P2);
  const ef = targetEf(s, c.p2 >> 3);
  if (ef.structure !== 'cyclic') fail(SW.INCOMPATIBLE_FILE_STRUCTURE);
  if (c.cla === 0x04) fail(SW.SM_NOT_SUPPORTED);
  checkAccess(s, ef.access.update, false);
  const size = ef.recordSize ?? 0;
  if (c.data.length !== size) fail(SW.WRONG_LENGTH);
  const path = pathOf(s, ef);
  const old = s.state.memory.read(path);
  const next = new Uint8Array(old.length);
  next.set(c.data, 0);
  next.set(old.subarray(0, old.length - size), size);
  s.commit(path, 0, next);
  return ok();
}

/**
 * WRITE RECORD (flag → 00) and ERASE RECORD (flag → the file's initial byte, FF) on linear-fixed index
 * files (§5.4). Deployed form: no data (`84 D2 n 04 00`); alternative form: Lc 04 ‖ MAC with the STK of the
 * current DF over `84 D2 n 04 04` (§7.4 F). Both need the right of the file's update / erase condition.
 */
function writeOrErase(s: Session, c: CommandApdu, erase: boolean): ResponseApdu {
  if ((c.p2 & 0x07) !== 0x04) fail(SW.INCORRECT_P1P2);
  const ef = targetEf(s, c.p2 >> 3);
  if (ef.structure !== 'linear-fixed') fail(SW.INCOMPATIBLE_FILE_STRUCTURE);
  const cond = erase ? ef.access.erase : ef.access.update;
  checkAccess(s, cond ?? { right: 'never' }, false);
  const { offset, size } = recordSlot(s, ef, c.p1);
  if (c.le !== undefined && c.le !== MAX_LE) fail(SW.WRONG_LENGTH); // `… 04 00` decodes as Le 00
  if (c.data.length > 0) {
    const stk = s.tree.findKey(s.currentDf, 'secure-messaging') ?? fail(SW.SM_NOT_SUPPORTED);
    verifyCommandMac(s, c, stk);
  }
  const value = erase ? (ef.initialRecordByte ?? 0xff) : 0x00;
  s.commit(pathOf(s, ef), offset, new Uint8Array(size).fill(value));
  return ok();
}

export const writeRecord = (s: Session, c: CommandApdu): ResponseApdu => writeOrErase(s, c, false);
export const eraseRecord = (s: Session, c: CommandApdu): ResponseApdu => writeOrErase(s, c, true);
