import type { CodeTable } from '../types.ts';

// The card layouts name the WS 364 医疗付费方式 value set (design choice, card-format.md §4.3) without listing
// it; the codes below are those of the WS 364 value set (CV07.10.005).
export const paymentMethodTable: CodeTable = {
  id: 'payment-method',
  zh: '医疗付费方式代码',
  en: 'Medical payment method',
  source:
    'WS 364 医疗付费方式代码 CV07.10.005 (codes from the standard; spec names only the value set: card-format.md §4.3, §5.5, §5.6); card DDF1/EF08 tags 0x12–0x14, EE/ED records (cn 1)',
  entries: [
    { code: '01', zh: '城镇职工基本医疗保险', en: 'urban employee basic medical insurance' },
    { code: '02', zh: '城镇居民基本医疗保险', en: 'urban resident basic medical insurance' },
    { code: '03', zh: '新型农村合作医疗', en: 'new rural cooperative medical scheme (NCMS)' },
    { code: '04', zh: '贫困救助', en: 'poverty relief' },
    { code: '05', zh: '商业医疗保险', en: 'commercial medical insurance' },
    { code: '06', zh: '全公费', en: 'fully state-funded' },
    { code: '07', zh: '全自费', en: 'fully self-paid' },
    { code: '08', zh: '其他社会保险', en: 'other social insurance' },
    { code: '99', zh: '其他', en: 'other' },
  ],
};
