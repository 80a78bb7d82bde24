// Seeded random VALID values for every element/field spec, for round-trip property tests (test support
// only; no dependency). xorshift-style PRNG so failures reproduce from the seed.
import { computeCheckDigit, getCodeTable } from '../src/codes/index.ts';
import type { FieldSpec, RecordLayout, TlvElementSpec } from '../src/card/image.ts';

export interface Rng {
  int(n: number): number; // 0 … n-1
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32 */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

// Byte cost in GB18030: ASCII 1, the Han characters 2, 𠮷 4.
const CHARS: readonly [string, number][] = [
  ...'ABCXYZabcxyz0123456789-. '.split('').map((c): [string, number] => [c, 1]),
  ...'李堃王张陕西医院内科感冒肺炎青霉素过敏'.split('').map((c): [string, number] => [c, 2]),
  ['𠮷', 4],
];

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function date(r: Rng, fromYear = 1900, years = 200): string {
  const y = fromYear + r.int(years);
  const m = 1 + r.int(12);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return `${y}${pad(m, 2)}${pad(1 + r.int(days), 2)}`;
}

export function idNumber(r: Rng): string {
  const first17 = `610102${date(r, 1900, 120)}${pad(r.int(1000), 3)}`; // births before 2020
  return first17 + computeCheckDigit(first17);
}

type Spec = TlvElementSpec | FieldSpec;

/** A valid value for the spec; '' (unset) sometimes for an/cn fields that are not mandatory. */
export function valueFor(r: Rng, spec: Spec): string {
  const optional = !('required' in spec && spec.required) && spec.format !== 'b';
  if (optional && r.chance(0.15)) return '';
  if (spec.codeTable) {
    const code = r.pick(getCodeTable(spec.codeTable).entries).code;
    return spec.format === 'b' ? code.padStart(2 * spec.length, '0') : code;
  }
  switch (spec.valueKind) {
    case 'date':
      return date(r);
    case 'datetime':
      return `${date(r)}${pad(r.int(24), 2)}${pad(r.int(60), 2)}${pad(r.int(60), 2)}`;
    case 'flag':
      return r.pick(['00', '01']);
    case 'code-byte':
      return pad(1 + r.int(5), 2);
    case 'id-number':
      return idNumber(r);
  }
  switch (spec.format) {
    case 'cn':
      return Array.from({ length: 1 + r.int(2 * spec.length) }, () => String(r.int(10))).join('');
    case 'b':
      return Array.from({ length: spec.length }, () =>
        r.int(256).toString(16).toUpperCase().padStart(2, '0'),
      ).join('');
    case 'an': {
      let budget = 1 + r.int(spec.length);
      let s = '';
      for (;;) {
        const [c, cost] = r.pick(CHARS);
        if (cost > budget) break;
        s += c;
        budget -= cost;
      }
      return s === '' ? 'A' : s;
    }
  }
}

export function valuesFor(r: Rng, specs: readonly Spec[]): Record<string, string> {
  return Object.fromEntries(specs.map((s) => [s.key, valueFor(r, s)]));
}

export function recordFor(r: Rng, layout: RecordLayout, signed: boolean): Record<string, string> {
  return valuesFor(
    r,
    layout.fields.filter((f) => signed || f.role !== 'sig'),
  );
}

/** A small valid outpatient record (card-format.md §5.6), shared by the golden and contents tests. */
export function minimalOutpatientValues(): Record<string, string> {
  return {
    institutionName: '西安市第一医院',
    institutionOrgCode: '12345678-8',
    visitDateTime: '20240315093000',
    outpatientNumber: 'MZ0001',
    departmentName: '内科',
    paymentMethodCode: '07',
    symptom1Name: '感冒',
    symptom1Code: 'R05',
    diagnosis1Date: '20240315',
    diagnosis1Name: '感冒',
    diagnosis1Code: 'J00',
    symptom1OnsetDateTime: '20240314200000',
    symptom1DurationDays: '1',
  };
}
