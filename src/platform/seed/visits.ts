// Synthetic visit histories (card-use records, the context RHC_C0003 carries: platform-interfaces.md §4.4)
// for the residents of seed/synthetic.ts: deterministic per card, a few visits a year since issuance, each
// visit a sequence of treatment steps (§10.7) in one department (§10.6) at a hospital of the card's city.
// Code tables are data below, drawn from the spec; nothing is invented beyond the spec's values.
import { seededRandom } from '../../base/runtime.ts';
import type { SyntheticCard } from './synthetic.ts';

/** §10.6 example department codes (subject ‖ sub-subject). */
const DEPARTMENTS = [
  '0100',
  '0200',
  '0300',
  '0301',
  '0400',
  '0401',
  '0500',
  '0502',
  '0700',
  '1000',
  '1200',
  '2000',
  '5000',
];
/** §10.7 steps of one visit, in order; a visit uses a prefix-ordered subset. */
const VISIT_STEPS = ['010101', '010102', '010104', '010106', '010105', '010103'];
/** §10.7 terminal types: staffed counter, self-service kiosk. */
const TERMINALS = ['01', '02'];
/** Statuses in which a card is still presented at hospitals (§5.2). */
const USABLE = new Set(['30', '40', '50', '60', '90']);

export interface SyntheticVisit {
  card_no: string;
  chip_serial: string;
  /** Hospital organisation code: the card's city ‖ a hospital number (synthetic, GB 11714-shaped). */
  org_code: string;
  dept_code: string;
  med_step_code: string;
  terminal_type: string;
  use_time: string;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/**
 * Visits of one card from its issue date until `until` (yyyyMMdd), deterministic for (seed, card id).
 * Cards never handed out (01/02/10/20) have none.
 */
export function* visitsOf(
  card: SyntheticCard,
  until: string,
  seed = 1,
  perYear = 3,
): Generator<SyntheticVisit> {
  if (!USABLE.has(card.status)) return;
  const rnd = seededRandom(seed * 1_000_003 + card.id);
  const from = Date.UTC(
    +card.issue_date.slice(0, 4),
    +card.issue_date.slice(4, 6) - 1,
    +card.issue_date.slice(6, 8),
  );
  const to = Date.UTC(+until.slice(0, 4), +until.slice(4, 6) - 1, +until.slice(6, 8));
  if (to <= from) return;
  const years = (to - from) / (365.25 * 86400_000);
  const count = Math.round(years * perYear);
  const days = Math.floor((to - from) / 86400_000);
  const dayOffsets = Array.from({ length: count }, () => {
    const b = rnd.bytes(3);
    return ((b[0]! << 16) | (b[1]! << 8) | b[2]!) % Math.max(days, 1);
  }).sort((a, b) => a - b);
  const city = card.app_city_code.slice(0, 4);
  for (const off of dayOffsets) {
    const b = rnd.bytes(6);
    const day = new Date(from + off * 86400_000);
    const ymd = `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1, 2)}${pad(day.getUTCDate(), 2)}`;
    const org = `${city}${pad(b[0]! % 40, 4)}-${b[1]! % 10}`;
    const dept = DEPARTMENTS[b[2]! % DEPARTMENTS.length]!;
    const terminal = TERMINALS[b[3]! % TERMINALS.length]!;
    const steps = 2 + (b[4]! % (VISIT_STEPS.length - 1));
    let minute = 8 * 60 + (b[5]! % 480);
    for (const step of VISIT_STEPS.slice(0, steps)) {
      yield {
        card_no: card.card_no,
        chip_serial: card.chip_serial,
        org_code: org,
        dept_code: dept,
        med_step_code: step,
        terminal_type: step === '010101' ? terminal : '01',
        use_time: `${ymd}${pad(Math.floor(minute / 60), 2)}${pad(minute % 60, 2)}00`,
      };
      minute += 5 + (rnd.bytes(1)[0]! % 40);
    }
  }
}
