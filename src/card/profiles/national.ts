// The national user-card profile (card-format.md §2–§5, §7.1) as data: file tree, structures, sizes,
// data elements, access rules and key table. The virtual card, the reader and the card dump are driven
// by this object; nothing else in the code may know a FID.
import type { AccessCondition, CardProfile, DfSpec, EfSpec, KeyName, TlvElementSpec } from '../image.ts';
import { ALLERGY_LAYOUT } from '../layouts/allergy.ts';
import { IMMUNIZATION_LAYOUT } from '../layouts/immunization.ts';
import { INPATIENT_LAYOUT } from '../layouts/inpatient.ts';
import { OUTPATIENT_LAYOUT } from '../layouts/outpatient.ts';
import {
  ADDRESS_ELEMENTS,
  CLINICAL_ELEMENTS,
  CONTACT_ELEMENTS,
  DOCUMENT_ELEMENTS,
  HOLDER_ELEMENTS,
  ISSUER_ELEMENTS,
  OCCUPATION_ELEMENTS,
  SPECIAL_ELEMENTS,
  VALIDITY_ELEMENTS,
} from './elements.ts';
import { NATIONAL_KEYS } from './keys.ts';

const ALWAYS: AccessCondition = { right: 'always' };
const NEVER: AccessCondition = { right: 'never' };
const withKey = (right: KeyName): AccessCondition => ({ right });
const smWrite = (right: KeyName, smKey: KeyName): AccessCondition => ({ right, smKey });

/** SFI = low 5 bits of the FID (§2.1, design choice) — given only where it is unambiguous (EF05…EF08). */
const sfiOf = (fid: number): number => fid & 0x1f;

function tlvFile(
  fid: number,
  zh: string,
  en: string,
  section: string,
  elements: readonly TlvElementSpec[],
  access: EfSpec['access'],
): EfSpec {
  return { kind: 'ef', fid, zh, en, structure: 'tlv-records', sfi: sfiOf(fid), elements, section, access };
}

const ddf1: DfSpec = {
  kind: 'df',
  fid: 0xddf1,
  zh: '居民健康卡应用',
  en: 'health-card application',
  children: [
    tlvFile(0xef05, '发卡机构基本数据文件', 'issuer and card data', 'issuer', ISSUER_ELEMENTS, {
      read: ALWAYS,
      update: { right: 'UK1_DDF1', smKey: 'STK_DDF1', personalisationOnly: true },
      erase: NEVER,
    }),
    tlvFile(0xef06, '持卡人基本信息数据文件', 'holder identity', 'holder', HOLDER_ELEMENTS, {
      read: withKey('RK1_DDF1'),
      update: { right: 'UK1_DDF1', smKey: 'STK_DDF1', personalisationOnly: true },
      erase: NEVER,
    }),
    {
      kind: 'ef',
      fid: 0xef07,
      zh: '照片文件',
      en: 'photo',
      structure: 'transparent',
      sfi: sfiOf(0xef07),
      size: 3074,
      contentLimit: 3072,
      section: 'photo',
      access: { read: withKey('RK1_DDF1'), update: withKey('UK1_DDF1'), erase: NEVER },
    },
    tlvFile(
      0xef08,
      '卡有效期/本人电话/医疗费用支付方式',
      'validity, phones, payment methods',
      'validity',
      VALIDITY_ELEMENTS,
      {
        read: withKey('RK1_DDF1'),
        update: smWrite('UK1_DDF1', 'STK_DDF1'),
        erase: NEVER,
      },
    ),
  ],
};

const df01Access = { read: withKey('RK1_DF01'), update: smWrite('UK1_DF01', 'STK_DF01'), erase: NEVER };

const df01: DfSpec = {
  kind: 'df',
  fid: 0xdf01,
  zh: '人口学信息',
  en: 'demographic data',
  children: [
    tlvFile(0xef05, '地址信息文件', 'addresses', 'addresses', ADDRESS_ELEMENTS, df01Access),
    tlvFile(0xef06, '联系人信息文件', 'contacts', 'contacts', CONTACT_ELEMENTS, df01Access),
    tlvFile(
      0xef07,
      '职业婚姻信息文件',
      'education, marriage, occupation',
      'occupation',
      OCCUPATION_ELEMENTS,
      df01Access,
    ),
    tlvFile(0xef08, '证件记录信息文件', 'documents', 'documents', DOCUMENT_ELEMENTS, df01Access),
  ],
};

const cyclicAccess = { read: withKey('RK1_DF02'), update: withKey('UK3_DF02'), erase: NEVER };

const df02: DfSpec = {
  kind: 'df',
  fid: 0xdf02,
  zh: '基本健康信息',
  en: 'basic health data',
  children: [
    tlvFile(0xef05, '临床基本数据文件', 'clinical basics, warnings', 'clinical', CLINICAL_ELEMENTS, {
      read: withKey('RK1_DF02'),
      update: smWrite('UK1_DF02', 'STK_DF02'),
      erase: NEVER,
    }),
    tlvFile(0xef06, '特殊信息数据文件', 'mental-illness flag', 'special', SPECIAL_ELEMENTS, {
      read: withKey('RK1_DF02'),
      update: smWrite('UK2_DF02', 'STK_DF02'),
      erase: NEVER,
    }),
    {
      kind: 'ef',
      fid: 0xef07,
      zh: '过敏基本数据文件',
      en: 'allergies',
      structure: 'cyclic',
      sfi: sfiOf(0xef07),
      recordCount: 3,
      recordSize: 120,
      layout: ALLERGY_LAYOUT,
      section: 'allergies',
      access: cyclicAccess,
    },
    {
      kind: 'ef',
      fid: 0xef08,
      zh: '免疫基本数据文件',
      en: 'immunizations',
      structure: 'cyclic',
      sfi: sfiOf(0xef08),
      recordCount: 10,
      recordSize: 24,
      layout: IMMUNIZATION_LAYOUT,
      section: 'immunizations',
      access: cyclicAccess,
    },
  ],
};

const df03Index = { read: withKey('RK1_DF03'), update: withKey('UK1_DF03'), erase: withKey('UK2_DF03') };
const df03Record = { read: withKey('RK1_DF03'), update: withKey('UK1_DF03'), erase: NEVER };

/** DF03/EF05 (inpatient index) or EF06 (outpatient index): 1-byte flags, FF = free (§5.4). */
function indexFile(fid: number, zh: string, en: string, section: string, slots: number): EfSpec {
  return {
    kind: 'ef',
    fid,
    zh,
    en,
    structure: 'linear-fixed',
    sfi: sfiOf(fid),
    recordCount: slots,
    recordSize: 1,
    initialRecordByte: 0xff,
    section,
    access: df03Index,
  };
}

/**
 * EE0n / ED0n encounter files: FID = base + n. No SFI: the low 5 bits of EE01 and ED01 coincide, so the
 * §2.1 SFI rule would be ambiguous here (design choice; RHC's reader selects these files by FID).
 */
function encounterFiles(base: 0xee00 | 0xed00, slots: number): EfSpec[] {
  const inpatient = base === 0xee00;
  const layout = inpatient ? INPATIENT_LAYOUT : OUTPATIENT_LAYOUT;
  return Array.from({ length: slots }, (_, i) => ({
    kind: 'ef' as const,
    fid: base + i + 1,
    zh: inpatient ? '住院信息文件' : '门诊信息文件',
    en: inpatient ? `inpatient record ${i + 1}` : `outpatient record ${i + 1}`,
    structure: 'transparent' as const,
    size: layout.totalLength,
    layout,
    section: inpatient ? 'inpatient' : 'outpatient',
    slot: i + 1,
    access: df03Record,
  }));
}

/** DF03 with the given number of inpatient and outpatient slots (national: 3 and 5). */
function encounterDf(inpatientSlots: number, outpatientSlots: number): DfSpec {
  return {
    kind: 'df',
    fid: 0xdf03,
    zh: '就诊信息',
    en: 'encounter records',
    children: [
      indexFile(0xef05, '住院信息索引文件', 'inpatient index', 'inpatient', inpatientSlots),
      indexFile(0xef06, '门诊信息索引文件', 'outpatient index', 'outpatient', outpatientSlots),
      ...encounterFiles(0xee00, inpatientSlots),
      ...encounterFiles(0xed00, outpatientSlots),
    ],
  };
}

export const NATIONAL: CardProfile = {
  id: 'national',
  zh: '全国标准居民健康卡',
  en: 'national Resident Health Card',
  chipCapacity: 32768,
  mf: {
    kind: 'df',
    fid: 0x3f00,
    zh: '主文件',
    en: 'master file',
    children: [{ ...ddf1, children: [...ddf1.children, df01, df02, encounterDf(3, 5)] }],
  },
  keys: NATIONAL_KEYS,
  options: {
    cardFactor: 'historical',
    impliedDecimals: 2,
    keyRetryLimit: 15,
    lockAfterIssuance: true,
    defaultCardType: '1',
    transparentChunk: 0x80,
    indexWriteForm: 'plain',
  },
};
