import type { CodeTable } from '../types.ts';

// Two-digit card form of the WS 364 codes, as for ABO (card-format.md §4.8).
export const rhBloodGroupTable: CodeTable = {
  id: 'rh-blood-group',
  zh: 'Rh血型代码',
  en: 'Rh blood group',
  source: 'WS 364 Rh血型代码 (design choice: card-format.md §4.8); card DF02/EF05 tag 0x2A, two-digit form',
  entries: [
    { code: '01', zh: '阴性', en: 'Rh negative' },
    { code: '02', zh: '阳性', en: 'Rh positive' },
    { code: '03', zh: '不详', en: 'unknown' },
  ],
};
