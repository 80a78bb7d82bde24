// Typed models of every file. Property names come from the element/field tables (profiles/elements.ts,
// layouts/*.ts), so a key is written once. Values are strings in the API representation (§8.1): an text,
// cn digits (F removed), b upper-case hex.
import type { ALLERGY_FIELDS } from '../layouts/allergy.ts';
import type { IMMUNIZATION_FIELDS } from '../layouts/immunization.ts';
import type { INPATIENT_FIELDS } from '../layouts/inpatient.ts';
import type { OUTPATIENT_FIELDS } from '../layouts/outpatient.ts';
import type {
  ADDRESS_ELEMENTS,
  CLINICAL_ELEMENTS,
  CONTACT_ELEMENTS,
  DOCUMENT_ELEMENTS,
  HOLDER_ELEMENTS,
  ISSUER_ELEMENTS,
  OCCUPATION_ELEMENTS,
  SPECIAL_ELEMENTS,
  VALIDITY_ELEMENTS,
} from '../profiles/elements.ts';

/** One string property per element/field key of a table. */
export type ValuesOf<T extends readonly { readonly key: string }[]> = { [K in T[number]['key']]: string };

/** Only the data items of an EE/ED layout (not the signature items). */
type DataValuesOf<T extends readonly { readonly key: string; readonly role?: string }[]> = {
  [F in T[number] as F['role'] extends 'sig' ? never : F['key']]: string;
};

/** DDF1/EF05 发卡机构基本数据. */
export type IssuerData = ValuesOf<typeof ISSUER_ELEMENTS>;
/** DDF1/EF06 持卡人基本信息. */
export type HolderIdentity = ValuesOf<typeof HOLDER_ELEMENTS>;
/** DDF1/EF07 照片: the JPEG bytes (the file holds a 2-byte length before them). */
export interface Photo {
  readonly jpeg: Uint8Array;
}
/** DDF1/EF08 卡有效期 / 本人电话 / 医疗费用支付方式. */
export type ValidityAndContacts = ValuesOf<typeof VALIDITY_ELEMENTS>;
/** DF01/EF05 地址信息. */
export type Addresses = ValuesOf<typeof ADDRESS_ELEMENTS>;
/** DF01/EF06 联系人信息. */
export type Contacts = ValuesOf<typeof CONTACT_ELEMENTS>;
/** DF01/EF07 职业婚姻信息. */
export type OccupationMarriage = ValuesOf<typeof OCCUPATION_ELEMENTS>;
/** DF01/EF08 证件记录信息. */
export type Documents = ValuesOf<typeof DOCUMENT_ELEMENTS>;
/** DF02/EF05 临床基本数据. */
export type ClinicalBasics = ValuesOf<typeof CLINICAL_ELEMENTS>;
/** DF02/EF06 特殊信息. */
export type SpecialInfo = ValuesOf<typeof SPECIAL_ELEMENTS>;
/** DF02/EF07 one 过敏 record. */
export type Allergy = ValuesOf<typeof ALLERGY_FIELDS>;
/** DF02/EF08 one 免疫 record. */
export type Immunization = ValuesOf<typeof IMMUNIZATION_FIELDS>;
/** DF03/EF05–EF06 index: one flag per slot, '00' = slot holds a valid record, 'FF' = free (§5.4). */
export type IndexFlag = '00' | 'FF';
export type IndexFlags = readonly IndexFlag[];
/** DF03/EE0n data items (147). */
export type InpatientRecord = DataValuesOf<typeof INPATIENT_FIELDS>;
/** DF03/ED0n data items (170). */
export type OutpatientRecord = DataValuesOf<typeof OUTPATIENT_FIELDS>;
/** The two items only the signing operation writes after the data (§7.6), hex. */
export interface RecordSignature {
  readonly signature?: string;
  readonly samCertificate?: string;
}
