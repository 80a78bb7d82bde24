// The per-file API of interface spec 6.2 (card-format.md §8.3, §8.7): one typed function per file, each
// authenticating with the key the profile's access rule names. Values use the §8.1 string representations
// (an → text, cn → digits, b → upper-case hex) keyed by the elements' model keys.
import type { EfLocation } from './locate.ts';
import type { RecordLayout, TlvElementSpec } from '../card/image.ts';
import { decodeField } from '../card/codecs.ts';
import { decodeTlvRecord } from '../card/tlv.ts';
import {
  decodeRecord,
  encodeRecord,
  encodeTlvFile,
  type Addresses,
  type Allergy,
  type ClinicalBasics,
  type Contacts,
  type Documents,
  type HolderIdentity,
  type Immunization,
  type IssuerData,
  type OccupationMarriage,
  type SpecialInfo,
  type ValidityAndContacts,
} from '../card/models/index.ts';
import { ReaderError } from './errors.ts';
import { encounterFiles, indexFileFor, layoutOf, locate } from './locate.ts';
import type { Reader } from './reader.ts';
import { cardDataError } from './validate.ts';

export type Values = Record<string, string>;
export type EncounterSection = 'inpatient' | 'outpatient';

const DDF1 = 0xddf1;
const DF01 = 0xdf01;
const DF02 = 0xdf02;
const EF05 = 0xef05;
const EF06 = 0xef06;
const EF07 = 0xef07;
const EF08 = 0xef08;

export class CardFiles {
  constructor(readonly reader: Reader) {}

  get profile() {
    return this.reader.profile;
  }

  // ---- generic, driven by the profile ----

  /** Reads every record of a TLV file (READ RECORD by number, exact Le). */
  async readTlvFile(loc: EfLocation): Promise<Values> {
    return this.reader.withCard(async (io) => {
      const out: Values = {};
      const elements = loc.ef.elements ?? [];
      for (let i = 0; i < elements.length; i++) {
        const el = elements[i];
        const bytes = await io.readRecord(loc, i + 1, el.length + 2);
        out[el.key] = decodeTlv(el, bytes);
      }
      return out;
    });
  }

  /** Reads selected elements of a TLV file (by key) — fewer APDUs when only a few items are needed. */
  async readTlvElements(loc: EfLocation, keys: readonly string[]): Promise<Values> {
    return this.reader.withCard(async (io) => {
      const out: Values = {};
      const elements = loc.ef.elements ?? [];
      for (const key of keys) {
        const i = elements.findIndex((e) => e.key === key);
        if (i < 0) throw new ReaderError('BAD_PARAMETER', { field: key, detail: `not in ${loc.name}` });
        out[key] = decodeTlv(elements[i], await io.readRecord(loc, i + 1, elements[i].length + 2));
      }
      return out;
    });
  }

  /**
   * Writes the given elements with SM UPDATE RECORD (flow D); keys that are undefined or '' are left unchanged
   * (§8.1: deployed writers send only non-empty parameters). Returns the number of records written.
   */
  async writeTlvFile(loc: EfLocation, values: Readonly<Record<string, string | undefined>>): Promise<number> {
    // '' and undefined both mean "leave unchanged" for the reader API (§8.1): drop them before encoding.
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
    let records: [number, Uint8Array][];
    try {
      records = [...encodeTlvFile(loc.ef, given).entries()];
    } catch (e) {
      throw cardDataError(e);
    }
    if (records.length === 0) return 0;
    await this.reader.withCard(async (io) => {
      for (const [n, tlv] of records) await io.writeTlvRecordSm(loc, n, tlv);
    });
    return records.length;
  }

  // ---- TLV files, typed with the card models (src/card/models/types.ts) ----
  readonly readDdf1Ef05 = this.tlvReader<IssuerData>(DDF1, EF05);
  readonly writeDdf1Ef05 = this.tlvWriter<IssuerData>(DDF1, EF05);
  readonly readDdf1Ef06 = this.tlvReader<HolderIdentity>(DDF1, EF06);
  readonly writeDdf1Ef06 = this.tlvWriter<HolderIdentity>(DDF1, EF06);
  readonly readDdf1Ef08 = this.tlvReader<ValidityAndContacts>(DDF1, EF08);
  readonly writeDdf1Ef08 = this.tlvWriter<ValidityAndContacts>(DDF1, EF08);
  readonly readDf01Ef05 = this.tlvReader<Addresses>(DF01, EF05);
  readonly writeDf01Ef05 = this.tlvWriter<Addresses>(DF01, EF05);
  readonly readDf01Ef06 = this.tlvReader<Contacts>(DF01, EF06);
  readonly writeDf01Ef06 = this.tlvWriter<Contacts>(DF01, EF06);
  readonly readDf01Ef07 = this.tlvReader<OccupationMarriage>(DF01, EF07);
  readonly writeDf01Ef07 = this.tlvWriter<OccupationMarriage>(DF01, EF07);
  readonly readDf01Ef08 = this.tlvReader<Documents>(DF01, EF08);
  readonly writeDf01Ef08 = this.tlvWriter<Documents>(DF01, EF08);
  readonly readDf02Ef05 = this.tlvReader<ClinicalBasics>(DF02, EF05);
  readonly writeDf02Ef05 = this.tlvWriter<ClinicalBasics>(DF02, EF05);
  readonly readDf02Ef06 = this.tlvReader<SpecialInfo>(DF02, EF06);
  readonly writeDf02Ef06 = this.tlvWriter<SpecialInfo>(DF02, EF06);

  private tlvReader<T>(df: number, ef: number): () => Promise<T> {
    return async () => (await this.readTlvFile(locate(this.profile, df, ef))) as T;
  }

  private tlvWriter<T>(df: number, ef: number): (v: Partial<T>) => Promise<number> {
    return (v) =>
      this.writeTlvFile(locate(this.profile, df, ef), v as Readonly<Record<string, string | undefined>>);
  }

  /** LockPersonalInfo: ends the personalisation state (DDF1/EF05–EF06 become read-only, §2.3). */
  async lockPersonalInfo(): Promise<void> {
    await this.reader.withCard((io) => io.endPersonalisation(locate(this.profile, DDF1, EF05)));
  }

  // ---- photo (DDF1/EF07, §5.1) ----

  /** Reads 2-byte length ‖ JPEG; returns the JPEG bytes (empty when no photo was written). */
  async readDdf1Ef07(): Promise<Uint8Array> {
    const loc = locate(this.profile, DDF1, EF07);
    const limit = loc.ef.contentLimit ?? loc.ef.size ?? 0;
    return this.reader.withCard(async (io) => {
      const first = await io.readBinary(loc, 0, Math.min(io.session.readChunk, limit));
      const n = (first[0] << 8) | first[1];
      if (n === 0) return new Uint8Array(0);
      if (n + 2 > limit)
        throw new ReaderError('PHOTO_INVALID', { detail: `length ${n} exceeds ${limit - 2}` });
      const rest =
        n + 2 > first.length
          ? await io.readBinary(loc, first.length, n + 2 - first.length)
          : new Uint8Array(0);
      const all = new Uint8Array(n + 2);
      all.set(first.subarray(0, Math.min(first.length, n + 2)), 0);
      all.set(rest, Math.min(first.length, n + 2));
      const jpeg = all.slice(2);
      if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8)
        throw new ReaderError('PHOTO_INVALID', { detail: 'not a JPEG (no FFD8)' });
      return jpeg;
    });
  }

  /** Writes 2-byte length ‖ JPEG with plain UPDATE BINARY after UK1_DDF1 (flow E). */
  async writeDdf1Ef07(jpeg: Uint8Array): Promise<void> {
    const loc = locate(this.profile, DDF1, EF07);
    const limit = loc.ef.contentLimit ?? loc.ef.size ?? 0;
    if (jpeg.length + 2 > limit)
      throw new ReaderError('BAD_PARAMETER', {
        field: 'photo',
        detail: `photo larger than ${limit - 2} bytes`,
      });
    if (jpeg.length < 2 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8)
      throw new ReaderError('BAD_PARAMETER', { field: 'photo', detail: 'not a JPEG' });
    const content = new Uint8Array(jpeg.length + 2);
    content[0] = jpeg.length >> 8;
    content[1] = jpeg.length & 0xff;
    content.set(jpeg, 2);
    await this.reader.withCard((io) => io.updateBinary(loc, 0, content));
  }

  // ---- cyclic files (DF02/EF07 allergies, EF08 immunizations, §5.2–§5.3) ----

  private async readCyclic(efFid: number, n: number): Promise<Values> {
    const loc = locate(this.profile, DF02, efFid);
    const count = loc.ef.recordCount ?? 0;
    if (!Number.isInteger(n) || n < 1 || n > count)
      throw new ReaderError('BAD_PARAMETER', { field: 'nRecorderNo', detail: `1…${count}` });
    return this.reader.withCard(
      async (io) =>
        decodeRecord(layoutOf(loc), await io.readRecord(loc, n, loc.ef.recordSize ?? 0)) as Values,
    );
  }

  private async appendCyclic(efFid: number, values: Values): Promise<void> {
    const loc = locate(this.profile, DF02, efFid);
    let bytes: Uint8Array;
    try {
      bytes = encodeRecord(layoutOf(loc), values);
    } catch (e) {
      throw cardDataError(e);
    }
    await this.reader.withCard((io) => io.appendCyclic(loc, bytes));
  }

  readDf02Ef07 = async (n: number): Promise<Allergy> => (await this.readCyclic(EF07, n)) as Allergy;
  writeDf02Ef07 = async (v: Partial<Allergy>): Promise<void> => this.appendCyclic(EF07, v as Values);
  readDf02Ef08 = async (n: number): Promise<Immunization> => (await this.readCyclic(EF08, n)) as Immunization;
  writeDf02Ef08 = async (v: Partial<Immunization>): Promise<void> => this.appendCyclic(EF08, v as Values);

  /** All records of a cyclic file, newest first (record 1 is the newest). */
  async readCyclicAll(efFid: number): Promise<Values[]> {
    const loc = locate(this.profile, DF02, efFid);
    const layout = layoutOf(loc);
    return this.reader.withCard(async (io) => {
      const out: Values[] = [];
      for (let n = 1; n <= (loc.ef.recordCount ?? 0); n++) {
        const r = await io.readRecord(loc, n, loc.ef.recordSize ?? 0);
        out.push(decodeRecord(layout, r) as Values);
      }
      return out;
    });
  }

  // ---- DF03 index files (§5.4) ----

  /** Index flags of a section: true = slot holds a valid record (00), false = free (FF). */
  async readIndex(section: EncounterSection): Promise<boolean[]> {
    const loc = indexFileFor(this.profile, section);
    return this.reader.withCard(async (io) => {
      const out: boolean[] = [];
      for (let n = 1; n <= (loc.ef.recordCount ?? 0); n++)
        out.push((await io.readRecord(loc, n, 1))[0] === 0x00);
      return out;
    });
  }

  async setIndex(section: EncounterSection, slot: number, used: boolean): Promise<void> {
    const loc = indexFileFor(this.profile, section);
    this.checkSlot(section, slot);
    await this.reader.withCard((io) => io.setIndexFlag(loc, slot, used));
  }

  readDf03Ef05 = async () => this.readIndex('inpatient');
  writeDf03Ef05 = async (n: number) => this.setIndex('inpatient', n, true);
  eraseDf03Ef05 = async (n: number) => this.setIndex('inpatient', n, false);
  readDf03Ef06 = async () => this.readIndex('outpatient');
  writeDf03Ef06 = async (n: number) => this.setIndex('outpatient', n, true);
  eraseDf03Ef06 = async (n: number) => this.setIndex('outpatient', n, false);

  // ---- DF03 encounter files (EE0n / ED0n, §5.5–§5.6) ----

  checkSlot(section: EncounterSection, slot: number): EfLocation {
    const files = encounterFiles(this.profile, section);
    const f = files[slot - 1];
    if (!Number.isInteger(slot) || !f)
      throw new ReaderError('BAD_PARAMETER', { field: 'nRecorderNo', detail: `slot 1…${files.length}` });
    return f;
  }

  /** The slot's index flag, read once (one READ RECORD); throws RECORD_UNAVAILABLE when it is FF. */
  async requireUsed(section: EncounterSection, slot: number): Promise<void> {
    const idx = indexFileFor(this.profile, section);
    await this.reader.withCard(async (io) => {
      const flag = (await io.readRecord(idx, slot, 1))[0];
      if (flag !== 0x00) throw new ReaderError('RECORD_UNAVAILABLE', { detail: `${section} slot ${slot}` });
    });
  }

  /** iR_DF03EE/EDInfo: raw bytes [pos, pos+len) of the data part of a used slot. */
  async readEncounterBytes(
    section: EncounterSection,
    slot: number,
    pos: number,
    len: number,
    checkFlag = true,
  ): Promise<Uint8Array> {
    const loc = this.checkSlot(section, slot);
    const layout = layoutOf(loc);
    checkRange(layout, pos, len, layout.totalLength);
    if (checkFlag) await this.requireUsed(section, slot);
    return this.reader.withCard((io) => io.readBinary(loc, pos, len));
  }

  /** iW_DF03EE/EDInfo: plain UPDATE BINARY into the data part (signature items excluded, §8.1). */
  async writeEncounterBytes(
    section: EncounterSection,
    slot: number,
    pos: number,
    bytes: Uint8Array,
  ): Promise<void> {
    const loc = this.checkSlot(section, slot);
    const layout = layoutOf(loc);
    checkRange(layout, pos, bytes.length, layout.dataLength);
    await this.reader.withCard((io) => io.updateBinary(loc, pos, bytes));
  }

  readDf03Ee = async (slot: number, pos: number, len: number) =>
    this.readEncounterBytes('inpatient', slot, pos, len);
  writeDf03Ee = async (slot: number, pos: number, bytes: Uint8Array) =>
    this.writeEncounterBytes('inpatient', slot, pos, bytes);
  readDf03Ed = async (slot: number, pos: number, len: number) =>
    this.readEncounterBytes('outpatient', slot, pos, len);
  writeDf03Ed = async (slot: number, pos: number, bytes: Uint8Array) =>
    this.writeEncounterBytes('outpatient', slot, pos, bytes);

  /** Decoded fields of a used slot, reading only the byte ranges those fields cover. */
  async readEncounterFields(
    section: EncounterSection,
    slot: number,
    keys?: readonly string[],
    checkFlag = true,
  ): Promise<Values> {
    const loc = this.checkSlot(section, slot);
    const layout = layoutOf(loc);
    const fields = keys
      ? keys.map((k) => fieldByKey(layout, k))
      : layout.fields.filter((f) => f.role !== 'sig');
    if (checkFlag) await this.requireUsed(section, slot);
    return this.reader.withCard(async (io) => {
      const out: Values = {};
      for (const run of coveringRuns(fields, io.session.readChunk)) {
        const bytes = await io.readBinary(loc, run.start, run.end - run.start);
        for (const f of run.fields)
          out[f.key] = decodeField(
            f.format,
            bytes.subarray(f.offset - run.start, f.offset - run.start + f.length),
          );
      }
      return out;
    });
  }
}

function decodeTlv(el: TlvElementSpec, bytes: Uint8Array): string {
  try {
    return decodeTlvRecord(el, bytes);
  } catch (e) {
    throw new ReaderError('READ_RECORD_FAILED', { field: el.key, detail: (e as Error).message, cause: e });
  }
}

function checkRange(layout: RecordLayout, pos: number, len: number, limit: number): void {
  if (!Number.isInteger(pos) || !Number.isInteger(len) || pos < 0 || len < 1 || pos + len > limit)
    throw new ReaderError('BAD_PARAMETER', {
      field: 'nPos/nLen',
      detail: `${layout.id}: pos + len must be ≤ ${limit}`,
    });
}

export function fieldByKey(layout: RecordLayout, key: string) {
  const f = layout.fields.find((x) => x.key === key);
  if (!f) throw new ReaderError('BAD_PARAMETER', { field: key, detail: `not a field of ${layout.id}` });
  return f;
}

/**
 * Groups fields into READ BINARY runs: a field joins the previous run when reading the gap costs no more APDUs
 * than reading the field separately (cost of a run = ⌈length / chunk⌉).
 */
export function coveringRuns<F extends { offset: number; length: number }>(
  fields: readonly F[],
  chunk: number,
) {
  const cost = (n: number) => Math.ceil(n / chunk);
  const sorted = [...fields].sort((a, b) => a.offset - b.offset);
  const runs: { start: number; end: number; fields: F[] }[] = [];
  for (const f of sorted) {
    const last = runs[runs.length - 1];
    const end = f.offset + f.length;
    if (last && cost(Math.max(last.end, end) - last.start) <= cost(last.end - last.start) + cost(f.length)) {
      last.end = Math.max(last.end, end);
      last.fields.push(f);
    } else runs.push({ start: f.offset, end, fields: [f] });
  }
  return runs;
}
