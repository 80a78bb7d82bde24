import type { CodeTable } from '../types.ts';

export const treatmentStepTable: CodeTable = {
  id: 'treatment-step',
  zh: '诊疗环节代码',
  en: 'Treatment step (medstep)',
  source: 'Qinghai QWB 002—2017 [QH]; platform-interfaces.md §10.7',
  entries: [
    { code: '010101', zh: '挂号', en: 'registration' },
    { code: '010102', zh: '诊断', en: 'diagnosis' },
    { code: '010103', zh: '取药', en: 'dispensing' },
    { code: '010104', zh: '检查', en: 'examination' },
    { code: '010105', zh: '收费', en: 'payment' },
    { code: '010106', zh: '开方', en: 'prescribing' },
    { code: '010107', zh: '手术', en: 'surgery' },
  ],
};
