// Views of the DF03 records the deployment guide names (list entry, summary, medication, lab/exam, surgery,
// inpatient parts), as item-number sets of card-format.md §5.5–§5.6. Data, not code: a profile with the same
// item numbering gets the same views.
import type { FieldSpec, RecordLayout } from '../card/image.ts';
import { ReaderError } from './errors.ts';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export const OUTPATIENT_VIEWS = {
  /** 就诊机构, 就诊日期时间, 科室, 门诊诊断名称1 — one line of the visit list. */
  list: [213, 215, 217, 222],
  /** Visit header and the five symptom/diagnosis groups. */
  summary: range(213, 253),
  lab: range(254, 303),
  medication: range(304, 343),
  surgery: range(344, 352),
  costs: range(353, 382),
} as const;

export const INPATIENT_VIEWS = {
  /** 住院机构, 入院日期, 入院科室, 疾病诊断名称1, 出院日期. */
  list: [64, 66, 69, 75, 135],
  admission: range(64, 72),
  serology: [73, 74, 89, 90, 105, 106],
  diagnoses: [...range(75, 82), ...range(91, 98), ...range(107, 114)],
  surgery: [...range(83, 88), ...range(99, 104), ...range(115, 120)],
  transfusion: range(121, 132),
  discharge: range(133, 139),
  costs: range(140, 210),
} as const;

/** Items that order the slots when none is free (§5.4): oldest first, later items break ties. */
export const SLOT_AGE_ITEMS = { inpatient: [66, 135], outpatient: [215] } as const;

export type OutpatientView = keyof typeof OUTPATIENT_VIEWS;
export type InpatientView = keyof typeof INPATIENT_VIEWS;

export function fieldsOfItems(layout: RecordLayout, items: readonly number[]): FieldSpec[] {
  return items.map((item) => {
    const f = layout.fields.find((x) => x.item === item);
    if (!f) throw new ReaderError('BAD_PARAMETER', { detail: `item ${item} not in layout ${layout.id}` });
    return f;
  });
}
