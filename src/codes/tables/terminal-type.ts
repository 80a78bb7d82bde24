import type { CodeTable } from '../types.ts';

export const terminalTypeTable: CodeTable = {
  id: 'terminal-type',
  zh: '终端类型',
  en: 'Terminal type',
  source: 'Qinghai QWB 002—2017 [QH]; platform-interfaces.md §10.7',
  entries: [
    { code: '01', zh: '人工窗口', en: 'staffed counter' },
    { code: '02', zh: '自助机', en: 'self-service kiosk' },
  ],
};
