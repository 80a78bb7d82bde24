// Compact constructor for the long EE/ED layout tables: one line per spec row, in the spec's column order
// (item, offset, length, format, 中文名, English, M/O/sig, key). Keeps each key's literal type so the models
// can derive their property names from the tables.
import type { DataFormat, FieldSpec, ValueKind } from '../image.ts';

export type Requirement = 'M' | 'O' | 'sig';

export type LayoutField<K extends string, R extends Requirement> = FieldSpec & {
  readonly key: K;
  readonly role: R extends 'sig' ? 'sig' : 'data';
};

export function field<const K extends string, const R extends Requirement>(
  item: number,
  offset: number,
  length: number,
  format: DataFormat,
  zh: string,
  en: string,
  req: R,
  key: K,
  extra: { readonly valueKind?: ValueKind; readonly codeTable?: string } = {},
): LayoutField<K, R> {
  const role = req === 'sig' ? 'sig' : 'data';
  return { item, offset, length, format, zh, en, required: req === 'M', role, key, ...extra } as LayoutField<
    K,
    R
  >;
}
