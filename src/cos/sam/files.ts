// The SAM's file system (card-format.md §6.5) as data: which files exist, where, how big, and whether
// reading them needs the SAM PIN. Contents are built from the SAM's identity; the certificates come from
// its PKI material.
import { SamConfigError } from '../errors.ts';

export const SAM_MF = 0x3f00;
export const SAM_DF01 = 0xdf01;

export type SamFileId = 'public' | 'terminal' | 'application' | 'issuerCertificate' | 'samCertificate';

export interface SamFileSpec {
  readonly id: SamFileId;
  readonly fid: number;
  /** The DF holding the EF. */
  readonly df: number;
  readonly size: number;
  readonly zh: string;
  readonly en: string;
  /** MF files are public (the reader reads the SAM number before the PIN); DF01 files need the PIN. */
  readonly readNeedsPin: boolean;
}

export const SAM_FILES: readonly SamFileSpec[] = [
  {
    id: 'public',
    fid: 0x0015,
    df: SAM_MF,
    size: 14,
    zh: '公共信息',
    en: 'public information',
    readNeedsPin: false,
  },
  {
    id: 'terminal',
    fid: 0x0016,
    df: SAM_MF,
    size: 6,
    zh: '终端信息',
    en: 'terminal information',
    readNeedsPin: false,
  },
  {
    id: 'application',
    fid: 0x001a,
    df: SAM_DF01,
    size: 25,
    zh: '居民健康卡应用公共信息',
    en: 'health-card application information',
    readNeedsPin: true,
  },
  {
    id: 'issuerCertificate',
    fid: 0x001b,
    df: SAM_DF01,
    size: 180,
    zh: '发卡机构证书',
    en: 'issuer certificate',
    readNeedsPin: true,
  },
  {
    id: 'samCertificate',
    fid: 0x001c,
    df: SAM_DF01,
    size: 190,
    zh: 'SAM卡证书',
    en: 'SAM certificate',
    readNeedsPin: true,
  },
];

/** The DFs of the SAM: MF and the health-card application DF01 below it. */
export const SAM_DFS: readonly { fid: number; parent?: number }[] = [
  { fid: SAM_MF },
  { fid: SAM_DF01, parent: SAM_MF },
];

/** MF/0015 bytes 11–14 (§6.5). */
export interface SamPublicInfo {
  readonly version: number;
  readonly keyCardType: number;
  readonly commandSetVersion: number;
  readonly fci: number;
}

/** DF01/001A (§6.5): 25 bytes. */
export interface SamApplicationInfo {
  /** 全国居民健康卡应用密钥索引号. */
  readonly keyIndex: number;
  /** 应用发行者标识, 8 bytes. */
  readonly issuerId: Uint8Array;
  /** 应用接收者标识, 8 bytes. */
  readonly receiverId: Uint8Array;
  /** YYYYMMDD. */
  readonly startDate: string;
  readonly expiryDate: string;
}

export const DEFAULT_PUBLIC_INFO: SamPublicInfo = {
  version: 0x01,
  keyCardType: 0x01,
  commandSetVersion: 0x01,
  fci: 0x00,
};

function byte(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new SamConfigError(field, 'must be one byte 0…255');
  return v;
}

function bytesOfLength(v: Uint8Array, n: number, field: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length !== n) throw new SamConfigError(field, `must be ${n} bytes`);
  return v;
}

function bcdDate(v: string, field: string): Uint8Array {
  if (!/^\d{8}$/.test(v)) throw new SamConfigError(field, 'must be YYYYMMDD');
  return Uint8Array.from(Buffer.from(v, 'hex'));
}

export function encodePublicInfo(serial: Uint8Array, info: SamPublicInfo): Uint8Array {
  const out = new Uint8Array(14);
  out.set(bytesOfLength(serial, 10, 'serial'), 0);
  out[10] = byte(info.version, 'publicInfo.version');
  out[11] = byte(info.keyCardType, 'publicInfo.keyCardType');
  out[12] = byte(info.commandSetVersion, 'publicInfo.commandSetVersion');
  out[13] = byte(info.fci, 'publicInfo.fci');
  return out;
}

export function encodeApplicationInfo(info: SamApplicationInfo): Uint8Array {
  const out = new Uint8Array(25);
  out[0] = byte(info.keyIndex, 'applicationInfo.keyIndex');
  out.set(bytesOfLength(info.issuerId, 8, 'applicationInfo.issuerId'), 1);
  out.set(bytesOfLength(info.receiverId, 8, 'applicationInfo.receiverId'), 9);
  out.set(bcdDate(info.startDate, 'applicationInfo.startDate'), 17);
  out.set(bcdDate(info.expiryDate, 'applicationInfo.expiryDate'), 21);
  return out;
}
