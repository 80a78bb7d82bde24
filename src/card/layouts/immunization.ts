// DF02/EF08 免疫基本数据文件 — one cyclic record of 24 bytes, no TLV (card-format.md §5.3).
import type { FieldSpec, RecordLayout } from '../image.ts';

export const IMMUNIZATION_FIELDS = [
  {
    offset: 0,
    length: 20,
    format: 'an',
    zh: '免疫接种名称',
    en: 'immunization name',
    api: 'MYJZMC',
    key: 'vaccineName',
  },
  {
    offset: 20,
    length: 4,
    format: 'cn',
    zh: '免疫接种时间',
    en: 'immunization date',
    api: 'MYJZSJ',
    key: 'date',
    valueKind: 'date',
  },
] as const satisfies readonly FieldSpec[];

export const IMMUNIZATION_LAYOUT: RecordLayout = {
  id: 'immunization',
  zh: '免疫基本数据',
  en: 'immunization record',
  fields: IMMUNIZATION_FIELDS,
  dataLength: 24,
  totalLength: 24,
};
