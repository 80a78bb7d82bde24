import type { CodeTable } from '../types.ts';

// Only the codes; the allowed transitions belong to the platform's life-cycle state machine.
export const cardStatusTable: CodeTable = {
  id: 'card-status',
  zh: '卡状态',
  en: 'Card status',
  source: 'design choice: platform-interfaces.md §5.2',
  entries: [
    { code: '01', zh: '已申请', en: 'application accepted' },
    { code: '02', zh: '制卡中', en: 'in production' },
    { code: '10', zh: '库存', en: 'in stock' },
    { code: '20', zh: '待激活', en: 'awaiting activation' },
    { code: '30', zh: '正常', en: 'active' },
    { code: '40', zh: '挂失', en: 'reported lost' },
    { code: '50', zh: '冻结', en: 'frozen' },
    { code: '60', zh: '失效', en: 'expired' },
    { code: '90', zh: '注销', en: 'cancelled' },
  ],
};
