import type { CodeTable } from '../types.ts';

// Major groups (大类) of GB/T 6565-2015 职业分类与代码, written as the one-character major-group code. The
// card field is `an 3` and the spec gives no finer value set; the spec names only the standard.
// (GB/T 6565-2009 used X for 军人 and Y for 不便分类的其他从业人员.)
export const occupationTable: CodeTable = {
  id: 'occupation',
  zh: '职业分类与代码（大类）',
  en: 'Occupation (major groups)',
  source:
    'GB/T 6565-2015 major groups (codes from the standard; spec names only the standard: card-format.md §4.6); card DF01/EF07 tag 0x24 (an 3)',
  entries: [
    {
      code: '1',
      zh: '党的机关、国家机关、群众团体和社会组织、企事业单位负责人',
      en: 'heads of Party and state organs, mass organisations, social organisations, enterprises and institutions',
    },
    { code: '2', zh: '专业技术人员', en: 'professional and technical personnel' },
    { code: '3', zh: '办事人员和有关人员', en: 'clerks and related personnel' },
    { code: '4', zh: '社会生产服务和生活服务人员', en: 'production and personal service personnel' },
    {
      code: '5',
      zh: '农、林、牧、渔业生产及辅助人员',
      en: 'agriculture, forestry, animal husbandry and fishery workers',
    },
    { code: '6', zh: '生产制造及有关人员', en: 'production and manufacturing workers' },
    { code: '7', zh: '军人', en: 'military personnel' },
    { code: '8', zh: '不便分类的其他从业人员', en: 'other workers not classifiable by occupation' },
  ],
};
