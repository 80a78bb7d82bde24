// DF02/EF07 过敏基本数据文件 — one cyclic record of 120 bytes, no TLV (card-format.md §5.2).
import type { FieldSpec, RecordLayout } from '../image.ts';

export const ALLERGY_FIELDS = [
  {
    offset: 0,
    length: 20,
    format: 'an',
    zh: '过敏物质名称',
    en: 'allergen name',
    api: 'GMWZMC',
    key: 'allergenName',
  },
  {
    offset: 20,
    length: 100,
    format: 'an',
    zh: '过敏反应',
    en: 'allergic reaction',
    api: 'GMFY',
    key: 'reaction',
  },
] as const satisfies readonly FieldSpec[];

export const ALLERGY_LAYOUT: RecordLayout = {
  id: 'allergy',
  zh: '过敏基本数据',
  en: 'allergy record',
  fields: ALLERGY_FIELDS,
  dataLength: 120,
  totalLength: 120,
};
