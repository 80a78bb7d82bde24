import type { CodeTable } from '../types.ts';

export const idDocumentTypeTable: CodeTable = {
  id: 'id-document-type',
  zh: '身份证件类别代码',
  en: 'Identity-document type',
  source:
    'WS 364 CV02.01.101 as used by Qinghai [QH]; platform-interfaces.md §10.3; card DF01/EF08 tag 0x25 (cn 1)',
  entries: [
    { code: '01', zh: '居民身份证', en: 'resident identity card' },
    { code: '02', zh: '居民户口簿', en: 'household register' },
    { code: '03', zh: '护照', en: 'passport' },
    { code: '04', zh: '军官证', en: 'military officer card' },
    { code: '05', zh: '驾驶证', en: 'driving licence' },
    { code: '06', zh: '港澳居民来往内地通行证', en: 'Hong Kong / Macao travel permit' },
    { code: '07', zh: '台湾居民来往内地通行证', en: 'Taiwan travel permit' },
    { code: '08', zh: '出生医学证明', en: 'birth certificate (Qinghai list)' },
    { code: '99', zh: '其他法定有效证件', en: 'other legal identity document' },
  ],
};
