import type { CodeTable } from '../types.ts';

// The card layout names the WS 364 地址类别 value set (design choice, card-format.md §4.4) without listing it;
// the codes below are those of the WS 364 value set, in the two-digit form the card field holds.
export const addressTypeTable: CodeTable = {
  id: 'address-type',
  zh: '地址类别代码',
  en: 'Address type',
  source:
    'WS 364 地址类别代码 (codes from the standard; spec names only the value set: card-format.md §4.4); card DF01/EF05 tags 0x15/0x17 (cn 1)',
  entries: [
    { code: '01', zh: '户籍住址', en: 'registered (hukou) address' },
    { code: '02', zh: '工作场所地址', en: 'workplace address' },
    { code: '03', zh: '家庭常住住址', en: 'usual home address' },
    { code: '04', zh: '通讯地址', en: 'postal address' },
    { code: '05', zh: '暂住地址', en: 'temporary address' },
    { code: '06', zh: '出生地址', en: 'place of birth' },
    { code: '07', zh: '产后修养地址', en: 'postpartum recovery address' },
    { code: '08', zh: '变迁地址', en: 'previous address' },
    { code: '09', zh: '现住址', en: 'current address' },
    { code: '99', zh: '其他地址', en: 'other address' },
  ],
};
