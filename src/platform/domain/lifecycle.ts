// Card status and life cycle as DATA (platform-interfaces.md §5.2, §5.3, §4.9). Code never branches on a
// particular status value; it looks it up here. The labels come from the national code tables (src/codes,
// the single source of every label); this file adds only what the platform decides: verdicts, lists and
// the allowed transitions.
import { getCodeTable, type CodeEntry } from '../../codes/index.ts';
import type { ErrorName } from '../errors.ts';

export interface StatusInfo {
  readonly zh: string;
  readonly en: string;
  /** Result of a card verification in this status (SUCCESS = usable). */
  readonly verdict: ErrorName;
  /** Lists the card belongs to in this status (§5.3). */
  readonly lists: readonly ('B' | 'W')[];
}

/** What the platform does with a card in each status of the code table `card-status`. */
const STATUS_RULES: Readonly<Record<string, Omit<StatusInfo, 'zh' | 'en'>>> = {
  '01': { verdict: 'CARD_NOT_ACTIVE', lists: [] },
  '02': { verdict: 'CARD_NOT_ACTIVE', lists: [] },
  '10': { verdict: 'CARD_NOT_ACTIVE', lists: [] },
  '20': { verdict: 'CARD_NOT_ACTIVE', lists: [] },
  '30': { verdict: 'SUCCESS', lists: ['W'] },
  '40': { verdict: 'CARD_LOST', lists: ['B'] },
  '50': { verdict: 'CARD_FROZEN', lists: ['B'] },
  '60': { verdict: 'CARD_EXPIRED', lists: [] },
  '90': { verdict: 'CARD_CANCELLED', lists: ['B'] },
};

/** The entries of a code table keyed by code; fails at load when `rules` and the table disagree. */
function byCode(table: string, rules?: Readonly<Record<string, unknown>>): Record<string, CodeEntry> {
  const entries = getCodeTable(table).entries;
  const out = Object.fromEntries(entries.map((e) => [e.code, e]));
  if (rules && Object.keys(rules).sort().join() !== Object.keys(out).sort().join())
    throw new Error(`lifecycle: the rules and the code table ${table} list different codes`);
  return out;
}

export const CARD_STATUS: Readonly<Record<string, StatusInfo>> = Object.fromEntries(
  Object.entries(byCode('card-status', STATUS_RULES)).map(([code, { zh, en }]) => [
    code,
    { zh, en, ...STATUS_RULES[code]! },
  ]),
);

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

/**
 * Operation types of §4.9 (statistics, operations log): the code table `card-operation-type`, plus the
 * platform's own steps without a national code (they appear only in the operations log).
 */
export const OP_TYPES: Readonly<Record<string, { zh: string; en: string }>> = {
  ...byCode('card-operation-type'),
  production: { zh: '制卡流程', en: 'production step' },
  handout: { zh: '发放', en: 'hand out' },
  expire: { zh: '到期失效', en: 'expiry' },
  newcard: { zh: '补换卡新卡', en: 'new card of a reissue or replacement' },
};

/** Status change reasons of §5.2 (code table `card-status-reason`): code → Chinese label. */
export const REASON_CODES: Readonly<Record<string, string>> = Object.fromEntries(
  getCodeTable('card-status-reason').entries.map((e) => [e.code, e.zh]),
);

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
