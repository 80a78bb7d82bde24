import type { CodeTable } from '../types.ts';

export const cardOperationTypeTable: CodeTable = {
  id: 'card-operation-type',
  zh: '卡操作类型',
  en: 'Card operation type',
  source: 'design choice: platform-interfaces.md §4.9 (RHC_C0008 opType)',
  entries: [
    { code: '01', zh: '发卡', en: 'issue' },
    { code: '02', zh: '激活', en: 'activate' },
    { code: '03', zh: '挂失', en: 'report lost' },
    { code: '04', zh: '解挂', en: 'cancel loss report' },
    { code: '05', zh: '冻结', en: 'freeze' },
    { code: '06', zh: '解冻', en: 'unfreeze' },
    { code: '07', zh: '补卡', en: 'reissue (lost card)' },
    { code: '08', zh: '换卡', en: 'replace (damaged or changed card)' },
    { code: '09', zh: '注销', en: 'cancel' },
    { code: '10', zh: '修改居民信息', en: 'modify resident information' },
    { code: '11', zh: '修改卡信息', en: 'modify card information' },
    { code: '12', zh: '卡验证（用卡）', en: 'card verification (card use)' },
  ],
};
