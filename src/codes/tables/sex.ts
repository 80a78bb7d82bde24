import type { CodeTable } from '../types.ts';

export const sexTable: CodeTable = {
  id: 'sex',
  zh: '人的性别代码',
  en: 'Sex',
  source: 'GB/T 2261.1-2003; platform-interfaces.md §10.1; card DDF1/EF06 tag 0x0C (b 1)',
  entries: [
    { code: '0', zh: '未知的性别', en: 'unknown' },
    { code: '1', zh: '男性', en: 'male' },
    { code: '2', zh: '女性', en: 'female' },
    { code: '9', zh: '未说明的性别', en: 'not stated' },
  ],
};
