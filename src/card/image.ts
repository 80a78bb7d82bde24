// Types of a card profile (a "card image"): the file tree, every file's structure, size, data layout
// and access rules, and the key table. The virtual card (cos), the reader and the card dump are all
// driven by these data; no layer may special-case a FID in code.

export type DataFormat = 'an' | 'cn' | 'b';

/**
 * What a value means beyond its format, for validation at encode time (card-format.md §3.3, §4.8):
 * 'date' cn 4 YYYYMMDD, 'datetime' cn 7 YYYYMMDDhhmmss, 'flag' b 1 00/01, 'id-number' GB 11643,
 * 'code-byte' one byte holding a two-digit code (ABO / Rh, §4.8).
 */
export type ValueKind = 'date' | 'datetime' | 'flag' | 'id-number' | 'code-byte';

/** Name of a key in the key table, e.g. 'RK1_DF01', 'UK1_DDF1', 'STK_DF02'. */
export type KeyName = string;

/** One element of a TLV record file (card-format.md §4): record n of the EF holds elements[n-1]. */
export interface TlvElementSpec {
  readonly tag: number; // 1…57; also the item number of the item API
  readonly format: DataFormat;
  readonly length: number; // value bytes on the card
  readonly zh: string;
  readonly en: string;
  /** Parameter name in the iR_/iW_ functions (e.g. 'XM'). */
  readonly api: string;
  /** Code table id from src/codes (e.g. 'sex', 'ethnicity'), when the value is a code. */
  readonly codeTable?: string;
  /** The model's property name for this element (camelCase English). */
  readonly key: string;
  readonly valueKind?: ValueKind;
  /** 'prefix': the code table lists only the leading class of a hierarchical code (GB/T 6565 大类). */
  readonly codeMatch?: 'exact' | 'prefix';
}

/** One field of a fixed-layout record (allergy, immunization, EE, ED — card-format.md §5). */
export interface FieldSpec {
  readonly item?: number; // global item number (EE 64…212, ED 213…384)
  readonly offset: number;
  readonly length: number;
  readonly format: DataFormat;
  readonly zh: string;
  readonly en: string;
  readonly api?: string;
  readonly required?: boolean;
  readonly codeTable?: string;
  /** 'sig' marks the signature/certificate items written only by the signing operation. */
  readonly role?: 'data' | 'sig';
  readonly key: string;
  readonly valueKind?: ValueKind;
}

export interface RecordLayout {
  readonly id: string; // 'allergy' | 'immunization' | 'inpatient' | 'outpatient'
  readonly zh: string;
  readonly en: string;
  readonly fields: readonly FieldSpec[];
  /** Bytes covered by the data items (EE 1 639, ED 3 013); the rest is signature + certificate. */
  readonly dataLength: number;
  readonly totalLength: number;
}

/** An access condition (card-format.md §2.3). */
export interface AccessCondition {
  /** 'always', 'never', or the key whose EXTERNAL AUTHENTICATE grants the right. */
  readonly right: 'always' | 'never' | KeyName;
  /** The command must be secure-messaging protected (CLA 04) under this STK key. */
  readonly smKey?: KeyName;
  /** Allowed only while the card is in the personalisation state (§2.3, DDF1/EF05–EF06). */
  readonly personalisationOnly?: boolean;
}

export type EfStructure =
  | 'tlv-records' // linear variable records, one TLV each
  | 'cyclic' // fixed-size records, append makes the newest record 1
  | 'linear-fixed' // fixed-size records addressed by number (DF03 index files)
  | 'transparent';

export interface EfSpec {
  readonly kind: 'ef';
  readonly fid: number;
  readonly zh: string;
  readonly en: string;
  readonly structure: EfStructure;
  /** SFI for the SFI command forms (RHC: low 5 bits of the FID). */
  readonly sfi?: number;
  /** tlv-records: one element per record, in record order. */
  readonly elements?: readonly TlvElementSpec[];
  /** cyclic / linear-fixed: number and size of records. */
  readonly recordCount?: number;
  readonly recordSize?: number;
  /** transparent: allocated size in bytes. */
  readonly size?: number;
  /** transparent: the most content bytes the file accepts when less than `size` (photo: 3 072 of 3 074). */
  readonly contentLimit?: number;
  /** Property of CardContents (src/card/contents.ts) this file belongs to, e.g. 'holder', 'inpatient'. */
  readonly section?: string;
  /** DF03 encounter files: slot number 1…n, matching record n of the section's index file. */
  readonly slot?: number;
  /** Layout of each record (cyclic) or of the file content (transparent EE/ED). */
  readonly layout?: RecordLayout;
  /** Initial content of each record for linear-fixed files (index: 0xFF = free). */
  readonly initialRecordByte?: number;
  readonly access: {
    readonly read: AccessCondition;
    readonly update: AccessCondition;
    readonly erase?: AccessCondition;
  };
}

export interface DfSpec {
  readonly kind: 'df';
  readonly fid: number;
  readonly zh: string;
  readonly en: string;
  readonly children: readonly (DfSpec | EfSpec)[];
}

export type KeyUsage =
  | 'internal-auth' // IRK
  | 'external-auth' // RK / UK
  | 'secure-messaging' // STK
  | 'application-lock' // LK
  | 'card-block' // BK
  | 'maintenance'; // STM

export interface KeySpec {
  readonly name: KeyName;
  readonly zh: string;
  /** FID of the DF that holds the key on the card (0x3F00, 0xDDF1, 0xDF01…). */
  readonly df: number;
  /** Key id on the card (P2 of EXTERNAL AUTHENTICATE); unique per (df, usage). */
  readonly cardKeyId: number;
  readonly usage: KeyUsage;
  readonly versions: readonly number[];
  /** SAM 80 DE P1: 0x27/0x47 authentication keys, 0x28/0x48 STK (1 or 2 levels). */
  readonly samP1: 0x27 | 0x47 | 0x28 | 0x48;
  readonly samIndex: number;
  readonly levels: 1 | 2;
}

export interface ProfileOptions {
  /** Where the reader takes the 8-byte card factor from (§7.2). */
  readonly cardFactor: 'historical' | 'last8';
  /** Scale of quantitative lab results and doses (§3.3). */
  readonly impliedDecimals: number;
  /** Retry limit of each authentication key on the virtual card (§7.1). */
  readonly keyRetryLimit: number;
  /** DDF1/EF05–EF06 writable only in personalisation state (§2.3). */
  readonly lockAfterIssuance: boolean;
  /** Default 卡类别. */
  readonly defaultCardType: string;
  /** Chunk size of READ/UPDATE BINARY the reader uses (§6.2). */
  readonly transparentChunk: number;
  /** Form of WRITE/ERASE RECORD on DF03 index files the reader sends (§7.4 F). */
  readonly indexWriteForm: 'plain' | 'mac';
}

export interface CardProfile {
  readonly id: string; // 'national' | 'shaanxi-64k'
  readonly zh: string;
  readonly en: string;
  /** Explanation when the profile is an RHC design choice rather than the national layout. */
  readonly designChoice?: string;
  /** Chip capacity class in bytes (32 768, 65 536). */
  readonly chipCapacity: number;
  readonly mf: DfSpec;
  readonly keys: readonly KeySpec[];
  readonly options: ProfileOptions;
}
