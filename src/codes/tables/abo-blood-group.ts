import type { CodeTable } from '../types.ts';

// WS 364 writes the codes as one digit; on the card the byte holds them as two digits (01 … 05) so that the
// `b 1` and `cn 1` readings agree (card-format.md §4.8). The table uses the card form.
export const aboBloodGroupTable: CodeTable = {
  id: 'abo-blood-group',
  zh: 'ABO血型代码',
  en: 'ABO blood group',
  source: 'WS 364 ABO血型代码 (design choice: card-format.md §4.8); card DF02/EF05 tag 0x29, two-digit form',
  entries: [
    { code: '01', zh: 'A型', en: 'A' },
    { code: '02', zh: 'B型', en: 'B' },
    { code: '03', zh: 'O型', en: 'O' },
    { code: '04', zh: 'AB型', en: 'AB' },
    { code: '05', zh: '不详', en: 'unknown' },
  ],
};
