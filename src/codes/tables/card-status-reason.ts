import type { CodeTable } from '../types.ts';

export const cardStatusReasonTable: CodeTable = {
  id: 'card-status-reason',
  zh: '卡状态变更原因',
  en: 'Card status change reason',
  source: 'design choice: platform-interfaces.md §5.2 (reasonCode)',
  entries: [
    { code: '01', zh: '本人申请', en: "holder's request" },
    { code: '02', zh: '遗失', en: 'lost' },
    { code: '03', zh: '被盗', en: 'stolen' },
    { code: '04', zh: '损坏', en: 'damaged' },
    { code: '05', zh: '信息变更', en: 'data changed' },
    { code: '06', zh: '死亡', en: 'holder deceased' },
    { code: '07', zh: '重复发卡', en: 'duplicate issuance' },
    { code: '08', zh: '到期', en: 'expired' },
    { code: '09', zh: '管理冻结', en: 'administrative hold' },
    { code: '99', zh: '其他', en: 'other' },
  ],
};
