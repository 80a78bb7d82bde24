// Plausible values for a JSON-schema string field (from its enum / pattern / length), so a hostile case can
// change ONE field and leave the others valid enough to reach the code behind validation.
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
}

/** Pattern shapes used by contracts.ts, each with a value that matches it. */
const PATTERN_VALUES: [RegExp, (n: number) => string][] = [
  [/^\^\\d\{(\d+)\}\$$/, (n) => '1'.repeat(n)],
  [/^\^\[0-9A-Fa-f\]\{(\d+)\}\$$/, (n) => 'A'.repeat(n)],
];

export function plausibleString(s: JsonSchema): string {
  if (s.enum && s.enum.length > 0) return String(s.enum[0]);
  const pat = s.pattern ?? '';
  for (const [re, make] of PATTERN_VALUES) {
    const m = re.exec(pat);
    if (m) return make(Number(m[1]));
  }
  const len = Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 8, 8));
  let v = pat.startsWith('^[^') ? '测试值' : 'A1B2C3D4'.slice(0, len);
  if (v.length < (s.minLength ?? 0)) v = v.padEnd(s.minLength!, '1');
  if (pat && !new RegExp(pat).test(v)) {
    // last resort: digits of the minimum length
    const d = '1'.repeat(Math.max(len, 1));
    if (new RegExp(pat).test(d)) return d;
  }
  return v;
}

function typeOf(s: JsonSchema): string {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t) return t;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  return 'string';
}

export function resolveSchema(
  s: JsonSchema,
  root: { components?: { schemas?: Record<string, JsonSchema> } },
): JsonSchema {
  let cur = s;
  for (let i = 0; i < 10 && cur.$ref; i++) {
    const name = cur.$ref.split('/').pop()!;
    cur = root.components?.schemas?.[name] ?? {};
  }
  const alt = cur.anyOf ?? cur.oneOf;
  return alt ? resolveSchema(alt.find((a) => typeOf(a) !== 'null') ?? alt[0]!, root) : cur;
}

/** A plausible instance of the schema (every property filled, arrays with one element). */
export function sampleOf(s: JsonSchema, root: object = {}): unknown {
  const r = resolveSchema(s, root);
  switch (typeOf(r)) {
    case 'object':
      return Object.fromEntries(
        Object.entries(r.properties ?? {}).map(([k, v]) => [k, sampleOf(v, root)] as const),
      );
    case 'array':
      return r.items ? [sampleOf(r.items, root)] : [];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return plausibleString(r);
  }
}

/** Paths (arrays of keys / indexes) of every string leaf of a sample. */
export function stringLeaves(x: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof x === 'string') return [at];
  if (Array.isArray(x)) return x.flatMap((v, i) => stringLeaves(v, [...at, i]));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => stringLeaves(v, [...at, k]));
  return [];
}

export function withValue(x: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(x)) return x.map((v, i) => (i === head ? withValue(v, rest, value) : v));
  const o = x as Record<string, unknown>;
  return { ...o, [head!]: withValue(o[head as string], rest, value) };
}
