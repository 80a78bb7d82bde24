// Data elements of the TLV record files (card-format.md §4). Record n of a file holds element n-1 of its
// list. Every profile shares these lists; the typed models (src/card/models/) derive their property
// names from the `key`s below, so a key exists in exactly one place.
import type { TlvElementSpec } from '../image.ts';

/** DDF1/EF05 发卡机构基本数据文件 (§4.1). */
export const ISSUER_ELEMENTS = [
  { tag: 0x01, format: 'an', length: 1, zh: '卡类别', en: 'card type code', api: 'KLB', key: 'cardType' },
  {
    tag: 0x02,
    format: 'an',
    length: 4,
    zh: '规范版本',
    en: 'specification version',
    api: 'GFBB',
    key: 'specVersion',
  },
  {
    tag: 0x03,
    format: 'an',
    length: 30,
    zh: '发卡机构名称',
    en: 'issuing institution name',
    api: 'FKJGMC',
    key: 'issuerName',
  },
  {
    tag: 0x04,
    format: 'cn',
    length: 11,
    zh: '发卡机构代码',
    en: 'issuing institution code',
    api: 'FKJGDM',
    key: 'issuerCode',
  },
  {
    tag: 0x05,
    format: 'b',
    length: 180,
    zh: '发卡机构证书',
    en: 'issuer certificate',
    api: 'FKJGZS',
    key: 'issuerCertificate',
  },
  {
    tag: 0x06,
    format: 'cn',
    length: 4,
    zh: '发卡时间',
    en: 'issue date',
    api: 'FKSJ',
    key: 'issueDate',
    valueKind: 'date',
  },
  { tag: 0x08, format: 'an', length: 18, zh: '卡号', en: 'card number', api: 'KH', key: 'cardNumber' },
  {
    tag: 0x09,
    format: 'an',
    length: 3,
    zh: '安全码',
    en: 'security code (CVN)',
    api: 'AQM',
    key: 'securityCode',
  },
  {
    tag: 0x0a,
    format: 'an',
    length: 10,
    zh: '芯片序列号',
    en: 'chip serial number',
    api: 'XPXLH',
    key: 'chipSerial',
  },
  {
    tag: 0x39,
    format: 'cn',
    length: 3,
    zh: '应用城市代码',
    en: 'application city code',
    api: 'YYCSDM',
    key: 'applicationCityCode',
  },
] as const satisfies readonly TlvElementSpec[];

/** DDF1/EF06 持卡人基本信息数据文件 (§4.2). */
export const HOLDER_ELEMENTS = [
  { tag: 0x0b, format: 'an', length: 30, zh: '姓名', en: 'name', api: 'XM', key: 'name' },
  { tag: 0x0c, format: 'b', length: 1, zh: '性别', en: 'sex', api: 'XB', codeTable: 'sex', key: 'sex' },
  {
    tag: 0x0d,
    format: 'cn',
    length: 1,
    zh: '民族',
    en: 'ethnicity',
    api: 'MZ',
    codeTable: 'ethnicity',
    key: 'ethnicity',
  },
  {
    tag: 0x0e,
    format: 'cn',
    length: 4,
    zh: '出生日期',
    en: 'date of birth',
    api: 'CSRQ',
    key: 'birthDate',
    valueKind: 'date',
  },
  {
    tag: 0x0f,
    format: 'an',
    length: 18,
    zh: '居民身份证号码',
    en: 'citizen ID number',
    api: 'SFZH',
    key: 'idNumber',
    valueKind: 'id-number',
  },
] as const satisfies readonly TlvElementSpec[];

/** DDF1/EF08 卡有效期 / 本人电话 / 医疗费用支付方式 (§4.3). */
export const VALIDITY_ELEMENTS = [
  {
    tag: 0x07,
    format: 'cn',
    length: 4,
    zh: '卡有效期',
    en: 'card expiry date',
    api: 'KYXQ',
    key: 'expiryDate',
    valueKind: 'date',
  },
  { tag: 0x10, format: 'an', length: 20, zh: '本人电话1', en: 'own phone 1', api: 'BRDH1', key: 'phone1' },
  { tag: 0x11, format: 'an', length: 20, zh: '本人电话2', en: 'own phone 2', api: 'BRDH2', key: 'phone2' },
  ...([1, 2, 3] as const).map((n) => ({
    tag: 0x11 + n,
    format: 'cn' as const,
    length: 1,
    zh: `医疗费用支付方式${n}`,
    en: `medical payment method ${n}`,
    api: `YLFYZFFS${n}`,
    codeTable: 'payment-method',
    key: `paymentMethod${n}` as const,
  })),
] as const satisfies readonly TlvElementSpec[];

/** DF01/EF05 地址信息文件 (§4.4). */
export const ADDRESS_ELEMENTS = [1, 2].flatMap((n) => [
  {
    tag: 0x13 + 2 * n,
    format: 'cn' as const,
    length: 1,
    zh: `地址类别${n}`,
    en: `address type ${n}`,
    api: `DZLB${n}`,
    codeTable: 'address-type',
    key: `address${n as 1 | 2}Type` as const,
  },
  {
    tag: 0x14 + 2 * n,
    format: 'an' as const,
    length: 100,
    zh: `地址${n}`,
    en: `address ${n}`,
    api: `DZ${n}`,
    key: `address${n as 1 | 2}` as const,
  },
]) satisfies readonly TlvElementSpec[];

/** DF01/EF06 联系人信息文件 (§4.5): three contacts of name, relationship, phone. */
export const CONTACT_ELEMENTS = [1, 2, 3].flatMap((n) => [
  {
    tag: 0x16 + 3 * n,
    format: 'an' as const,
    length: 30,
    zh: `联系人姓名${n}`,
    en: `contact name ${n}`,
    api: `LXRXM${n}`,
    key: `contact${n as 1 | 2 | 3}Name` as const,
  },
  {
    tag: 0x17 + 3 * n,
    format: 'cn' as const,
    length: 1,
    zh: `联系人关系${n}`,
    en: `contact relationship code ${n}`,
    api: `LXRGX${n}`,
    codeTable: 'relationship',
    key: `contact${n as 1 | 2 | 3}Relationship` as const,
  },
  {
    tag: 0x18 + 3 * n,
    format: 'an' as const,
    length: 20,
    zh: `联系人电话${n}`,
    en: `contact phone ${n}`,
    api: `LXRDH${n}`,
    key: `contact${n as 1 | 2 | 3}Phone` as const,
  },
]) satisfies readonly TlvElementSpec[];

/** DF01/EF07 职业婚姻信息文件 (§4.6). */
export const OCCUPATION_ELEMENTS = [
  {
    tag: 0x22,
    format: 'cn',
    length: 1,
    zh: '文化程度代码',
    en: 'education level',
    api: 'WHCD',
    codeTable: 'education',
    key: 'education',
  },
  {
    tag: 0x23,
    format: 'cn',
    length: 1,
    zh: '婚姻状况代码',
    en: 'marital status',
    api: 'HYZK',
    codeTable: 'marital-status',
    key: 'maritalStatus',
  },
  {
    tag: 0x24,
    format: 'an',
    length: 3,
    zh: '职业代码',
    en: 'occupation',
    api: 'ZY',
    codeTable: 'occupation',
    codeMatch: 'prefix', // src/codes lists the 大类 only; a finer code starts with its 大类
    key: 'occupation',
  },
] as const satisfies readonly TlvElementSpec[];

/** DF01/EF08 证件记录信息文件 (§4.7). */
export const DOCUMENT_ELEMENTS = [
  {
    tag: 0x25,
    format: 'cn',
    length: 1,
    zh: '证件类别',
    en: 'document type',
    api: 'ZJLB',
    codeTable: 'id-document-type',
    key: 'documentType',
  },
  {
    tag: 0x26,
    format: 'an',
    length: 18,
    zh: '证件号码',
    en: 'document number',
    api: 'ZJHM',
    key: 'documentNumber',
  },
  {
    tag: 0x27,
    format: 'an',
    length: 17,
    zh: '健康档案编号',
    en: 'health-record number',
    api: 'JKDAH',
    key: 'healthRecordNumber',
  },
  {
    tag: 0x28,
    format: 'an',
    length: 18,
    zh: '新农合证(卡)号',
    en: 'NCMS card number',
    api: 'XNHZH',
    key: 'ncmsCardNumber',
  },
] as const satisfies readonly TlvElementSpec[];

/** The twelve warning flags of DF02/EF05, in record order 3…14 (§4.8). */
const WARNING_FLAGS = [
  ['哮喘标志', 'asthma flag', 'XCBZ', 'asthmaFlag'],
  ['心脏病标志', 'heart-disease flag', 'XZBBZ', 'heartDiseaseFlag'],
  ['心脑血管病标志', 'cardio-/cerebrovascular disease flag', 'XNXGBBZ', 'cardioCerebrovascularFlag'],
  ['癫痫病标志', 'epilepsy flag', 'DXBBZ', 'epilepsyFlag'],
  ['凝血紊乱标志', 'coagulation-disorder flag', 'NXWLBZ', 'coagulationDisorderFlag'],
  ['糖尿病标志', 'diabetes flag', 'TNBBZ', 'diabetesFlag'],
  ['青光眼标志', 'glaucoma flag', 'QGYBZ', 'glaucomaFlag'],
  ['透析标志', 'dialysis flag', 'TXBZ', 'dialysisFlag'],
  ['器官移植标志', 'organ-transplant flag', 'QGYZBZ', 'organTransplantFlag'],
  ['器官缺失标志', 'missing-organ flag', 'QGQSBZ', 'missingOrganFlag'],
  ['可装卸的义肢标志', 'removable-prosthesis flag', 'KZXYZBZ', 'removableProsthesisFlag'],
  ['心脏起搏器标志', 'pacemaker flag', 'XZQBQBZ', 'pacemakerFlag'],
] as const;

/** DF02/EF05 临床基本数据文件 (§4.8). ABO and Rh hold the code as one two-digit byte (01 … 05). */
export const CLINICAL_ELEMENTS = [
  {
    tag: 0x29,
    format: 'b' as const,
    length: 1,
    zh: 'ABO血型代码',
    en: 'ABO blood group',
    api: 'ABOXX',
    codeTable: 'abo-blood-group',
    key: 'aboBloodGroup' as const,
    valueKind: 'code-byte' as const,
  },
  {
    tag: 0x2a,
    format: 'cn' as const,
    length: 1,
    zh: 'RH血型代码',
    en: 'Rh blood group',
    api: 'RHXX',
    codeTable: 'rh-blood-group',
    key: 'rhBloodGroup' as const,
    valueKind: 'code-byte' as const,
  },
  ...WARNING_FLAGS.map(([zh, en, api, key], i) => ({
    tag: 0x2b + i,
    format: 'b' as const,
    length: 1,
    zh,
    en,
    api,
    key,
    valueKind: 'flag' as const,
  })),
  {
    tag: 0x37,
    format: 'an' as const,
    length: 40,
    zh: '其他医学警示名称',
    en: 'other medical warning',
    api: 'QTYXJSMC',
    key: 'otherMedicalWarning' as const,
  },
] satisfies readonly TlvElementSpec[];

/** DF02/EF06 特殊信息数据文件 (§4.9). */
export const SPECIAL_ELEMENTS = [
  {
    tag: 0x38,
    format: 'b',
    length: 1,
    zh: '精神病标志',
    en: 'mental-illness flag',
    api: 'JSBBZ',
    key: 'mentalIllnessFlag',
    valueKind: 'flag',
  },
] as const satisfies readonly TlvElementSpec[];
