import type { CodeTable } from '../types.ts';

export const maritalStatusTable: CodeTable = {
  id: 'marital-status',
  zh: '婚姻状况代码',
  en: 'Marital status',
  source: 'GB/T 2261.2-2003; platform-interfaces.md §10.9; card DF01/EF07 tag 0x23 (cn 1)',
  entries: [
    { code: '10', zh: '未婚', en: 'never married' },
    { code: '20', zh: '已婚', en: 'married' },
    { code: '21', zh: '初婚', en: 'first marriage' },
    { code: '22', zh: '再婚', en: 'remarried' },
    { code: '23', zh: '复婚', en: 'remarried to former spouse' },
    { code: '30', zh: '丧偶', en: 'widowed' },
    { code: '40', zh: '离婚', en: 'divorced' },
    { code: '90', zh: '未说明的婚姻状况', en: 'not stated' },
  ],
};
