// The seven exchange file types of platform-interfaces.md §6.2 as DATA: direction, record layout, key
// fields, allowed ops and the source sequence each type's header range refers to. Code looks types up
// here; it never branches on a type code.

export type FieldKind =
  | 'op' // A/U/D — allowed set per type
  | 'idNo' // GB 11643 when the record's idType is 01
  | 'cardNo' // equals the holder's ID number (GB 11643 checked)
  | 'date' // yyyyMMdd, a real calendar date
  | 'time' // yyyyMMddHHmmss, a real calendar time
  | 'region' // 6 digits (GB/T 2260)
  | 'status' // card status §5.2
  | 'reason' // status reason §5.2
  | 'opType' // operation type §4.9
  | 'code' // a national code table (src/codes)
  | 'enum' // one of `values`
  | 'hex' // upper/lower hex of `len` characters (or up to `max`)
  | 'an' // letters, digits and '-', up to `max`
  | 'org' // organisation code, GB 11714 / GB 32100 check character (src/codes checkOrgCode)
  | 'digits' // digits, up to `max`
  | 'text'; // free text by src/codes/text-value.ts (the online rule), up to `max` characters

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly max?: number;
  readonly len?: number;
  readonly values?: readonly string[];
  /** Code-table id of src/codes for kind 'code'. */
  readonly table?: string;
}

export type ExchangeType = 'KXX' | 'HMD' | 'JMXX' | 'BMD' | 'CZRZ' | 'SHMD' | 'SBMD';

export interface TypeSpec {
  readonly code: ExchangeType;
  readonly zh: string;
  readonly en: string;
  /** up = city → province, down = province → city. */
  readonly direction: 'up' | 'down';
  /** CLI name (`--type cards`). */
  readonly cli: string;
  readonly fields: readonly FieldSpec[];
  /** Fields that identify a record; two lines with the same key in one file are a duplicate. */
  readonly key: readonly string[];
  readonly ops: readonly string[];
  /** What the header's first/last sequence numbers count (documented in docs/exchange-format.md). */
  readonly source: 'card_operations' | 'list_changes';
  /** Modes a file of this type may use. */
  readonly modes: readonly ('F' | 'D')[];
  /** Import order when several files are given at once (residents before the cards that refer to them). */
  readonly order: number;
  /**
   * The type of the holder's record: while it is held back from export (held.ts), so are this type's records
   * of that holder — the receiver would refuse them (RESIDENT_NOT_FOUND) and with them the whole file.
   */
  readonly heldWith?: ExchangeType;
}

const f = (name: string, kind: FieldKind, required = true, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  kind,
  required,
  ...extra,
});

const LIST_FIELDS: readonly FieldSpec[] = [
  f('op', 'op'),
  f('cardNo', 'cardNo'),
  f('chipSerial', 'an', true, { max: 32 }),
  f('status', 'status'),
  f('reasonCode', 'reason', false),
  f('effectiveTime', 'time'),
  f('appCityCode', 'region'),
];

const WHITE_FIELDS: readonly FieldSpec[] = [
  f('cardNo', 'cardNo'),
  f('chipSerial', 'an', true, { max: 32 }),
  f('issuerOrgCode', 'an', true, { max: 32 }),
  f('appCityCode', 'region'),
  f('validUntil', 'date'),
];

export const TYPES: Readonly<Record<ExchangeType, TypeSpec>> = {
  KXX: {
    code: 'KXX',
    zh: '卡信息文件',
    en: 'card information',
    direction: 'up',
    cli: 'cards',
    fields: [
      f('op', 'op'),
      f('cardNo', 'cardNo'),
      f('chipSerial', 'an', true, { max: 32 }),
      f('cardFactor', 'hex', false, { max: 32 }),
      f('securityCode', 'an', false, { max: 16 }),
      f('cardType', 'digits', true, { max: 2 }),
      f('specVersion', 'digits', true, { max: 4 }),
      f('issuerOrgCode', 'an', true, { max: 32 }),
      f('issuerOrgName', 'text', true, { max: 70 }), // the online limit (contracts.ts)
      f('issueDate', 'date'),
      f('validUntil', 'date'),
      f('appCityCode', 'region'),
      f('cardForm', 'enum', true, { values: ['1', '2'] }),
      f('status', 'status'),
      f('statusTime', 'time'),
      f('idType', 'code', true, { table: 'id-document-type' }),
      f('idNo', 'idNo'),
      f('mainIndex', 'hex', false, { len: 64 }),
    ],
    key: ['cardNo', 'chipSerial'],
    ops: ['A', 'U'],
    source: 'card_operations',
    modes: ['F', 'D'],
    order: 2,
    heldWith: 'JMXX',
  },
  HMD: {
    code: 'HMD',
    zh: '黑名单文件',
    en: 'city blacklist changes',
    direction: 'up',
    cli: 'blacklist',
    fields: LIST_FIELDS,
    key: ['cardNo', 'chipSerial'],
    ops: ['A', 'D'],
    source: 'list_changes',
    modes: ['D'],
    order: 3,
  },
  JMXX: {
    code: 'JMXX',
    zh: '居民信息文件',
    en: 'resident information',
    direction: 'up',
    cli: 'residents',
    fields: [
      f('op', 'op'),
      f('mainIndex', 'hex', true, { len: 64 }),
      f('healthRecordNo', 'an', false, { max: 17 }),
      f('name', 'text', true, { max: 50 }),
      f('sex', 'code', true, { table: 'sex' }),
      f('nation', 'code', false, { table: 'ethnicity' }),
      f('birthDate', 'date'),
      f('idType', 'code', true, { table: 'id-document-type' }),
      f('idNo', 'idNo'),
      f('phone1', 'text', false, { max: 20 }),
      f('address1Type', 'code', false, { table: 'address-type' }),
      f('address1', 'text', false, { max: 100 }),
      f('address2Type', 'code', false, { table: 'address-type' }),
      f('address2', 'text', false, { max: 100 }),
      f('ncmsNo', 'an', false, { max: 32 }),
      f('updateTime', 'time'),
    ],
    key: ['idType', 'idNo'],
    ops: ['A', 'U'],
    source: 'card_operations',
    modes: ['F', 'D'],
    order: 1,
  },
  BMD: {
    code: 'BMD',
    zh: '白名单文件',
    en: 'city whitelist (valid cards)',
    direction: 'up',
    cli: 'whitelist',
    fields: WHITE_FIELDS,
    key: ['cardNo', 'chipSerial'],
    ops: [],
    source: 'list_changes',
    modes: ['F'],
    order: 4,
  },
  CZRZ: {
    code: 'CZRZ',
    zh: '操作日志文件',
    en: 'card operations log',
    direction: 'up',
    cli: 'oplog',
    fields: [
      f('opSerial', 'digits', true, { max: 20 }),
      f('opTime', 'time'),
      f('orgCode', 'org', true, { max: 32 }),
      f('operator', 'text', false, { max: 32 }),
      f('opType', 'opType'),
      f('cardNo', 'cardNo', false),
      f('chipSerial', 'an', false, { max: 32 }),
      f('result', 'enum', true, { values: ['0', '1'] }),
      f('detail', 'text', false, { max: 200 }),
    ],
    key: ['opSerial'],
    ops: [],
    source: 'card_operations',
    modes: ['D'],
    order: 5,
  },
  SHMD: {
    code: 'SHMD',
    zh: '省级黑名单',
    en: 'merged province blacklist',
    direction: 'down',
    cli: 'province-blacklist',
    fields: LIST_FIELDS,
    key: [],
    ops: ['A', 'D'],
    source: 'list_changes',
    modes: ['F', 'D'],
    order: 6,
  },
  SBMD: {
    code: 'SBMD',
    zh: '省级白名单',
    en: 'merged province whitelist',
    direction: 'down',
    cli: 'province-whitelist',
    fields: LIST_FIELDS,
    key: [],
    ops: ['A', 'D'],
    source: 'list_changes',
    modes: ['F', 'D'],
    order: 7,
  },
};

export const UP_TYPES = (Object.values(TYPES) as TypeSpec[]).filter((t) => t.direction === 'up');

export function typeByCli(name: string): TypeSpec | undefined {
  return (Object.values(TYPES) as TypeSpec[]).find((t) => t.cli === name || t.code === name.toUpperCase());
}

export function isExchangeType(s: string): s is ExchangeType {
  return Object.prototype.hasOwnProperty.call(TYPES, s);
}
