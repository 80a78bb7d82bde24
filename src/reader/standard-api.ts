// The interface spec's function names (card-format.md §8.2–§8.5) as aliases of the typed library, so
// integrators can map existing iR_/iW_ code one-to-one. Values use the §8.1 string representations keyed by
// the spec's parameter names (KLB, GFBB …). Failures throw ReaderError carrying the §8.6 code.
import { toHex } from '../card/apdu.ts';
import * as codecs from '../card/codecs.ts';
import { encodeRecord, validateValue } from '../card/models/index.ts';
import { decodeAn, decodeB, decodeCn, encodeAn, encodeB, encodeCn } from '../card/codecs.ts';
import type { RecordLayout, TlvElementSpec } from '../card/image.ts';
import { ReaderError, isReaderError } from './errors.ts';
import type { EncounterSection, Values } from './files.ts';
import { elementByTag, encounterFiles, layoutOf, locate } from './locate.ts';
import type { HealthCardOperations } from './operations.ts';
import { cardDataError } from './validate.ts';

type ApiValues = Record<string, string>;

const toApi = (elements: readonly { key: string; api?: string }[], v: Values): ApiValues =>
  Object.fromEntries(elements.map((e) => [e.api ?? e.key, v[e.key] ?? '']));

function fromApi(elements: readonly { key: string; api?: string }[], v: ApiValues): Values {
  const byApi = new Map(elements.map((e) => [e.api ?? e.key, e.key]));
  const out: Values = {};
  for (const [k, value] of Object.entries(v)) {
    const key = byApi.get(k);
    if (!key) throw new ReaderError('BAD_PARAMETER', { field: k, detail: 'unknown parameter name' });
    out[key] = value;
  }
  return out;
}

/** nStyle of iR_/iW_DF03EE/EDInfo: 0x00 raw hex, 0x01 AN text, 0x0F CN digits, 0xFF B hex. */
export type DataStyle = 0x00 | 0x01 | 0x0f | 0xff;

function decodeStyle(bytes: Uint8Array, style: DataStyle): string {
  if (style === 0x01) return decodeAn(bytes);
  if (style === 0x0f) return decodeCn(bytes);
  if (style === 0x00 || style === 0xff) return decodeB(bytes);
  throw new ReaderError('BAD_PARAMETER', { field: 'nStyle' });
}

function encodeStyle(value: string, len: number, style: DataStyle): Uint8Array {
  try {
    if (style === 0x01) return encodeAn(value, len, 'szData');
    if (style === 0x0f) return encodeCn(value, len, 'szData');
    if (style === 0x00 || style === 0xff) return encodeB(value, len, 'szData');
  } catch (e) {
    throw cardDataError(e, 'szData');
  }
  throw new ReaderError('BAD_PARAMETER', { field: 'nStyle' });
}

export interface ItemSelector {
  /** 数据项序号: 1–57 TLV tags, 64–212 EE items, 213–384 ED items. */
  item: number;
  /** Record/file index for EE (1–3) and ED (1–5) items. */
  id?: number;
  /** Value to write (wsc_PutCardInfo). */
  value?: string;
}

export interface ItemResult {
  item: number;
  id?: number;
  value: string;
  /** Per-item result code (pdwErrCode): 0 success, else the §8.6 code. */
  code: number;
}

export function createStandardApi(ops: HealthCardOperations) {
  const reader = ops.reader;
  const files = ops.files;
  const profile = () => reader.profile;
  const tlv = (df: number, ef: number) => locate(profile(), df, ef);

  const readTlv = async (df: number, ef: number) => {
    const loc = tlv(df, ef);
    return toApi(loc.ef.elements ?? [], await files.readTlvFile(loc));
  };
  const writeTlv = async (df: number, ef: number, v: ApiValues) => {
    const loc = tlv(df, ef);
    await files.writeTlvFile(loc, fromApi(loc.ef.elements ?? [], v));
  };
  const cyclicLayout = (ef: number) => layoutOf(tlv(0xdf02, ef));
  const indexFlags = async (section: EncounterSection, prefix: string) => {
    const flags = await files.readIndex(section);
    return Object.fromEntries(flags.map((used, i) => [`${prefix}${i + 1}`, used ? '00' : 'FF']));
  };
  const encounterLayout = (section: EncounterSection): RecordLayout =>
    layoutOf(encounterFiles(profile(), section)[0]);
  /** §8.3: nPos + nLen ≤ 1 639 (EE) / 3 013 (ED) — the signature items are not part of the iR_/iW_ range. */
  const dataBound = (section: EncounterSection, pos: number, len: number): number => {
    const limit = encounterLayout(section).dataLength;
    if (!Number.isInteger(pos) || !Number.isInteger(len) || pos < 0 || len < 1 || pos + len > limit)
      throw new ReaderError('BAD_PARAMETER', { field: 'nPos/nLen', detail: `pos + len must be ≤ ${limit}` });
    return len;
  };
  const readAll = async (section: EncounterSection, n: number) => {
    const layout = encounterLayout(section);
    const v = await files.readEncounterFields(section, n);
    return layout.fields
      .filter((f) => f.role !== 'sig')
      .map((f) => v[f.key] ?? '')
      .join('|');
  };
  const writeAll = async (section: EncounterSection, n: number, data: string) => {
    const layout = encounterLayout(section);
    const fields = layout.fields.filter((f) => f.role !== 'sig');
    const parts = data.split('|');
    if (parts.length !== fields.length)
      throw new ReaderError('BAD_PARAMETER', {
        field: 'szData',
        detail: `${fields.length} fields separated by | expected, got ${parts.length}`,
      });
    let bytes: Uint8Array;
    try {
      const values = Object.fromEntries(fields.map((f, i) => [f.key, parts[i]]));
      bytes = encodeRecord(layout, values, { checkRequired: false }).slice(0, layout.dataLength);
    } catch (e) {
      throw cardDataError(e, 'szData');
    }
    await files.writeEncounterBytes(section, n, 0, bytes);
  };

  return {
    // ---- 6.1 device management ----
    OpenDevice: () => reader.open(),
    CloseDevice: () => reader.close(),
    /** slot 0x01 = user card (returns the ATR hex), 0x11 = SAM. */
    PowerOn: async (slot: number) =>
      slot === 0x11 ? toHex(reader.samAtr ?? new Uint8Array(0)) : reader.powerOnCard(),
    SendAPDU: async (slot: number, apduHex: string) =>
      reader.sendRaw(slot === 0x11 ? 'sam' : 'card', apduHex),
    iVerifyPIN: (pin: string) => reader.verifySamPin(pin),
    /** 6.3.2: resolves with the retries left after a failure instead of throwing SAM_PIN_WRONG. */
    VerifyPin: async (pin: string): Promise<{ ok: boolean; retriesLeft?: number }> => {
      try {
        await reader.verifySamPin(pin);
        return { ok: true };
      } catch (e) {
        if (isReaderError(e, 'SAM_PIN_WRONG')) return { ok: false, retriesLeft: (e.sw ?? 0) & 0x0f };
        if (isReaderError(e, 'SAM_PIN_BLOCKED')) return { ok: false, retriesLeft: 0 };
        throw e;
      }
    },
    iReader_SAM_Public: async () => toHex(await reader.sam.readFile('public')),
    iReader_SAM_Terminal: async () => toHex(await reader.sam.readFile('terminal')),
    iReader_SAM_PublicApp: async () => toHex(await reader.sam.readFile('publicApp')),
    iReader_SAM_OrgCertificate: async () => toHex(await reader.sam.readFile('issuerCertificate')),
    iReader_SAM_Certificate: async () => toHex(await reader.sam.readFile('samCertificate')),
    IReader_GetDeviceCSN: () => reader.deviceSerial(),
    iReader_GetLastEEIndex: async () => (await ops.chooseSlot('inpatient').catch(() => ({ slot: -1 }))).slot,
    iReader_GetLastEDIndex: async () => (await ops.chooseSlot('outpatient').catch(() => ({ slot: -1 }))).slot,
    LockPersonalInfo: () => files.lockPersonalInfo(),

    // ---- 6.2 user card ----
    iR_DDF1EF05Info: () => readTlv(0xddf1, 0xef05),
    iW_DDF1EF05Info: (v: ApiValues) => writeTlv(0xddf1, 0xef05, v),
    iR_DDF1EF06Info: () => readTlv(0xddf1, 0xef06),
    iW_DDF1EF06Info: (v: ApiValues) => writeTlv(0xddf1, 0xef06, v),
    /** Buffer = 2-byte length ‖ JPEG (§5.1). */
    iR_DDF1EF07Info: async () => {
      const jpeg = await files.readDdf1Ef07();
      return Uint8Array.from([jpeg.length >> 8, jpeg.length & 0xff, ...jpeg]);
    },
    iW_DDF1EF07Info: async (buffer: Uint8Array) => {
      const n = (buffer[0] << 8) | buffer[1];
      if (buffer.length < n + 2)
        throw new ReaderError('BAD_PARAMETER', {
          field: 'ZHAOPIAN',
          detail: 'length prefix exceeds the buffer',
        });
      await files.writeDdf1Ef07(buffer.slice(2, 2 + n));
    },
    iR_DDF1EF08Info: () => readTlv(0xddf1, 0xef08),
    iW_DDF1EF08Info: (v: ApiValues) => writeTlv(0xddf1, 0xef08, v),
    iR_DF01EF05Info: () => readTlv(0xdf01, 0xef05),
    iW_DF01EF05Info: (v: ApiValues) => writeTlv(0xdf01, 0xef05, v),
    iR_DF01EF06Info: () => readTlv(0xdf01, 0xef06),
    iW_DF01EF06Info: (v: ApiValues) => writeTlv(0xdf01, 0xef06, v),
    iR_DF01EF07Info: () => readTlv(0xdf01, 0xef07),
    iW_DF01EF07Info: (v: ApiValues) => writeTlv(0xdf01, 0xef07, v),
    iR_DF01EF08Info: () => readTlv(0xdf01, 0xef08),
    iW_DF01EF08Info: (v: ApiValues) => writeTlv(0xdf01, 0xef08, v),
    iR_DF02EF05Info: () => readTlv(0xdf02, 0xef05),
    iW_DF02EF05Info: (v: ApiValues) => writeTlv(0xdf02, 0xef05, v),
    iR_DF02EF06Info: () => readTlv(0xdf02, 0xef06),
    iW_DF02EF06Info: (v: ApiValues) => writeTlv(0xdf02, 0xef06, v),
    iR_DF02EF07Info: async (n: number) => toApi(cyclicLayout(0xef07).fields, await files.readDf02Ef07(n)),
    iW_DF02EF07Info: (v: ApiValues) => files.writeDf02Ef07(fromApi(cyclicLayout(0xef07).fields, v)),
    iR_DF02EF08Info: async (n: number) => toApi(cyclicLayout(0xef08).fields, await files.readDf02Ef08(n)),
    iW_DF02EF08Info: (v: ApiValues) => files.writeDf02Ef08(fromApi(cyclicLayout(0xef08).fields, v)),
    iR_DF03EF05Info: () => indexFlags('inpatient', 'ZYJLBS'),
    iW_DF03EF05Info: (n: number) => files.writeDf03Ef05(n),
    iErase_DF03EF05Info: (n: number) => files.eraseDf03Ef05(n),
    iR_DF03EF06Info: () => indexFlags('outpatient', 'MZJLBS'),
    iW_DF03EF06Info: (n: number) => files.writeDf03Ef06(n),
    iErase_DF03EF06Info: (n: number) => files.eraseDf03Ef06(n),
    iR_DF03EEInfo: async (n: number, pos: number, len: number, style: DataStyle) =>
      decodeStyle(await files.readDf03Ee(n, pos, dataBound('inpatient', pos, len)), style),
    iW_DF03EEInfo: (n: number, data: string, pos: number, len: number, style: DataStyle) =>
      files.writeDf03Ee(n, pos, encodeStyle(data, len, style)),
    iR_DF03EDInfo: async (n: number, pos: number, len: number, style: DataStyle) =>
      decodeStyle(await files.readDf03Ed(n, pos, dataBound('outpatient', pos, len)), style),
    iW_DF03EDInfo: (n: number, data: string, pos: number, len: number, style: DataStyle) =>
      files.writeDf03Ed(n, pos, encodeStyle(data, len, style)),
    iR_DF03EE_ALLInfo: (n: number) => readAll('inpatient', n),
    iW_DF03EE_ALLInfo: (n: number, data: string) => writeAll('inpatient', n, data),
    iR_DF03ED_ALLInfo: (n: number) => readAll('outpatient', n),
    iW_DF03ED_ALLInfo: (n: number, data: string) => writeAll('outpatient', n, data),

    // ---- 6.3 algorithm services ----
    SM3Digest: (data: Uint8Array) => reader.sam.sm3(data),
    SM2SignHash: (hash: Uint8Array) => reader.sam.sm2SignHash(hash),

    // ---- older item-number interface (§8.5) ----
    wsc_GetCardInfo: (selectors: readonly ItemSelector[]) => itemAccess(ops, selectors, 'get'),
    wsc_PutCardInfo: (selectors: readonly ItemSelector[]) => itemAccess(ops, selectors, 'put'),
  };
}

export type StandardApi = ReturnType<typeof createStandardApi>;

/** Locates one item of the item-number API (§8.5). */
export function locateItem(ops: HealthCardOperations, item: number) {
  const profile = ops.reader.profile;
  if (item >= 1 && item <= 57) {
    const hit = elementByTag(profile, item);
    if (hit) return { kind: 'tlv' as const, ...hit };
  }
  for (const section of ['inpatient', 'outpatient'] as const) {
    const layout = layoutOf(encounterFiles(profile, section)[0]);
    const field = layout.fields.find((f) => f.item === item);
    if (field) return { kind: 'encounter' as const, section, field };
  }
  throw new ReaderError('BAD_PARAMETER', { field: 'wItemFlag', detail: `item ${item} is not assigned` });
}

async function itemAccess(
  ops: HealthCardOperations,
  selectors: readonly ItemSelector[],
  mode: 'get' | 'put',
): Promise<ItemResult[]> {
  const out: ItemResult[] = [];
  for (const s of selectors) {
    try {
      const where = locateItem(ops, s.item);
      let value = '';
      if (where.kind === 'tlv') {
        const el: TlvElementSpec = where.element;
        if (mode === 'get') value = (await ops.files.readTlvElements(where.loc, [el.key]))[el.key];
        else await ops.files.writeTlvFile(where.loc, { [el.key]: requireValue(s) });
      } else {
        const slot = s.id ?? 0;
        if (mode === 'get')
          value = (await ops.files.readEncounterFields(where.section, slot, [where.field.key]))[
            where.field.key
          ];
        else {
          if (where.field.role === 'sig')
            throw new ReaderError('BAD_PARAMETER', {
              field: where.field.key,
              detail: 'signature items are written only by signing',
            });
          let bytes: Uint8Array;
          try {
            bytes = codecs.encodeField(
              where.field.format,
              validateValue(where.field, requireValue(s)),
              where.field.length,
              where.field.key,
            );
          } catch (e) {
            throw cardDataError(e, where.field.key);
          }
          await ops.files.writeEncounterBytes(where.section, slot, where.field.offset, bytes);
        }
      }
      out.push({ item: s.item, id: s.id, value, code: 0 });
    } catch (e) {
      if (!isReaderError(e)) throw e;
      if (e.symbol === 'CARD_REMOVED' || e.symbol === 'NO_CARD') throw e;
      out.push({ item: s.item, id: s.id, value: '', code: e.code });
    }
  }
  return out;
}

function requireValue(s: ItemSelector): string {
  if (s.value === undefined)
    throw new ReaderError('BAD_PARAMETER', { field: `item ${s.item}`, detail: 'no value to write' });
  return s.value;
}
