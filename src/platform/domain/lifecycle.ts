// Card status and life cycle as DATA (platform-interfaces.md §5.2, §5.3, §4.9). Code never branches on a
// particular status value; it looks it up here.
import type { ErrorName } from '../errors.ts';

export interface StatusInfo {
  readonly zh: string;
  readonly en: string;
  /** Result of a card verification in this status (SUCCESS = usable). */
  readonly verdict: ErrorName;
  /** Lists the card belongs to in this status (§5.3). */
  readonly lists: readonly ('B' | 'W')[];
}

export const CARD_STATUS: Readonly<Record<string, StatusInfo>> = {
  '01': { zh: '已申请', en: 'applied', verdict: 'CARD_NOT_ACTIVE', lists: [] },
  '02': { zh: '制卡中', en: 'in production', verdict: 'CARD_NOT_ACTIVE', lists: [] },
  '10': { zh: '库存', en: 'in stock', verdict: 'CARD_NOT_ACTIVE', lists: [] },
  '20': { zh: '待激活', en: 'issued, not activated', verdict: 'CARD_NOT_ACTIVE', lists: [] },
  '30': { zh: '正常', en: 'active', verdict: 'SUCCESS', lists: ['W'] },
  '40': { zh: '挂失', en: 'reported lost', verdict: 'CARD_LOST', lists: ['B'] },
  '50': { zh: '冻结', en: 'frozen', verdict: 'CARD_FROZEN', lists: ['B'] },
  '60': { zh: '失效', en: 'expired', verdict: 'CARD_EXPIRED', lists: [] },
  '90': { zh: '注销', en: 'cancelled', verdict: 'CARD_CANCELLED', lists: ['B'] },
};

/** Allowed transitions (§5.2): from → { to → operation type of §4.9 }. */
export const TRANSITIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '01': { '02': 'production', '90': '09' },
  '02': { '10': 'production', '90': '09' },
  '10': { '20': 'handout', '90': '09' },
  '20': { '30': '02', '90': '09' },
  '30': { '40': '03', '50': '05', '60': 'expire', '90': '09' },
  '40': { '30': '04', '90': '09' },
  '50': { '30': '06', '90': '09' },
  '60': { '30': '11', '90': '09' },
  '90': {},
};

/** Operation types of §4.9 (statistics, operations log). */
export const OP_TYPES: Readonly<Record<string, { zh: string; en: string }>> = {
  '01': { zh: '发卡', en: 'issue' },
  '02': { zh: '激活', en: 'activate' },
  '03': { zh: '挂失', en: 'report lost' },
  '04': { zh: '解挂', en: 'found' },
  '05': { zh: '冻结', en: 'freeze' },
  '06': { zh: '解冻', en: 'unfreeze' },
  '07': { zh: '补卡', en: 'reissue' },
  '08': { zh: '换卡', en: 'replace' },
  '09': { zh: '注销', en: 'cancel' },
  '10': { zh: '修改居民信息', en: 'modify resident' },
  '11': { zh: '修改卡信息', en: 'modify card' },
  '12': { zh: '卡验证（用卡）', en: 'card verification (use)' },
  production: { zh: '制卡流程', en: 'production step' },
  handout: { zh: '发放', en: 'hand out' },
  expire: { zh: '到期失效', en: 'expiry' },
};

export const REASON_CODES: Readonly<Record<string, string>> = {
  '01': '本人申请',
  '02': '遗失',
  '03': '被盗',
  '04': '损坏',
  '05': '信息变更',
  '06': '死亡',
  '07': '重复发卡',
  '08': '到期',
  '09': '管理冻结',
  '99': '其他',
};

/** The operation type of a transition, or undefined when the table does not allow it. */
export function transitionOp(from: string, to: string): string | undefined {
  return TRANSITIONS[from]?.[to];
}

export function isKnownStatus(s: string): boolean {
  return s in CARD_STATUS;
}

/** Which lists change when a card moves from → to: adds and deletes per list. */
export function listEffects(from: string | undefined, to: string): { list: 'B' | 'W'; op: 'A' | 'D' }[] {
  const before = new Set(from ? CARD_STATUS[from]!.lists : []);
  const after = new Set(CARD_STATUS[to]!.lists);
  const out: { list: 'B' | 'W'; op: 'A' | 'D' }[] = [];
  for (const l of ['B', 'W'] as const) {
    if (after.has(l) && !before.has(l)) out.push({ list: l, op: 'A' });
    else if (before.has(l) && !after.has(l)) out.push({ list: l, op: 'D' });
    else if (after.has(l) && from !== to) out.push({ list: l, op: 'A' }); // status changed within the list
  }
  return out;
}

export const BLACKLIST_STATUSES = Object.keys(CARD_STATUS).filter((s) => CARD_STATUS[s]!.lists.includes('B'));
export const WHITELIST_STATUSES = Object.keys(CARD_STATUS).filter((s) => CARD_STATUS[s]!.lists.includes('W'));
