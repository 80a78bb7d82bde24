import type { CodeTable } from '../types.ts';

// Any other byte reads as "unknown" (card-format.md §4.8); it is deliberately not a table entry.
export const medicalWarningFlagTable: CodeTable = {
  id: 'medical-warning-flag',
  zh: '医学警示标志',
  en: 'Medical warning flag',
  source: 'design choice: card-format.md §4.8/§4.9; card DF02/EF05 tags 0x2B–0x36, DF02/EF06 tag 0x38 (b 1)',
  entries: [
    { code: '00', zh: '否/未记录', en: 'no / not recorded' },
    { code: '01', zh: '是', en: 'yes' },
  ],
};
