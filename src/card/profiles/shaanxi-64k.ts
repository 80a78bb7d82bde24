// The 64 K profile with more encounter slots: 5 inpatient (EE01–EE05) and 10 outpatient (ED01–ED0A)
// records. No public profile of a provincial 64 K card exists (card-format.md §9), so this is derived
// from the national profile by data transformation: every other file, rule and key stays national.
import type { CardProfile, DfSpec, EfSpec } from '../image.ts';
import { NATIONAL } from './national.ts';

/**
 * Gives a DF `slots` encounter slots of one section: its index file gets `slots` records and slot 1's
 * record file is repeated with consecutive FIDs (EE01 → EE01…EE05; ED01 → ED01…ED0A).
 */
function resizeSection(df: DfSpec, section: string, slots: number): DfSpec {
  const inSection = (c: DfSpec | EfSpec): c is EfSpec => c.kind === 'ef' && c.section === section;
  const template = df.children.find((c) => inSection(c) && c.slot === 1) as EfSpec | undefined;
  if (!template)
    return {
      ...df,
      children: df.children.map((c) => (c.kind === 'df' ? resizeSection(c, section, slots) : c)),
    };
  const copies: EfSpec[] = Array.from({ length: slots }, (_, i) => ({
    ...template,
    fid: template.fid + i,
    en: template.en.replace(/\d+$/, String(i + 1)),
    slot: i + 1,
  }));
  const children: (DfSpec | EfSpec)[] = [];
  for (const c of df.children) {
    if (!inSection(c)) children.push(c);
    else if (c.slot === undefined) children.push({ ...c, recordCount: slots });
    else if (c.slot === 1) children.push(...copies);
  }
  return { ...df, children };
}

export const SHAANXI_64K: CardProfile = {
  ...NATIONAL,
  id: 'shaanxi-64k',
  zh: '陕西 64K 居民健康卡（RHC 设计）',
  en: 'Shaanxi 64K Resident Health Card (RHC design)',
  designChoice:
    'RHC 设计选择：公开资料中没有省级 64K 卡的文件布局（card-format.md §9）。本配置沿用全国标准的全部文件、' +
    '访问规则和密钥，仅将住院记录扩为 5 个 (EE01–EE05)、门诊记录扩为 10 个 (ED01–ED0A)，索引文件相应为 5 和 10 条记录。 ' +
    'RHC design choice: no public profile of a provincial 64K card exists (card-format.md §9). This profile keeps the ' +
    'national files, access rules and keys and only widens DF03 to 5 inpatient (EE01–EE05) and 10 outpatient ' +
    '(ED01–ED0A) slots with index files of 5 and 10 records.',
  chipCapacity: 65536,
  mf: resizeSection(resizeSection(NATIONAL.mf, 'inpatient', 5), 'outpatient', 10),
};
