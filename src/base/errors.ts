// The one shape of every error catalogue (card, crypto, cos, reader, agent, platform …). Each layer declares
// its catalogue once with `defineCatalogue` inside its own number range (as OpenSC's errors.h does);
// docs/errors.md is generated from all of them and a drift test keeps code, docs and API documents equal.

/** One failure a user or integrator can see: stable code, symbol, plain-language text and what to do. */
export interface ErrorEntry {
  /** Stable code exactly as shown on the wire and on screen ('1001', '104'). */
  readonly code: string;
  /** Stable SCREAMING_SNAKE name used in code. */
  readonly symbol: string;
  /** The catalogue (layer) that owns the code. */
  readonly layer: string;
  /** HTTP status where the error crosses an HTTP boundary. */
  readonly http: number;
  readonly zh: string;
  readonly en: string;
  /** What the front-desk user (clerk, nurse, doctor) should do, zh-CN first. */
  readonly staff: string;
  /** What the integrator / IT vendor should check. */
  readonly integrator: string;
}

/** A catalogue row: [code, symbol, http, zh, en, staff advice, integrator advice]. */
export type ErrorRow = readonly [
  code: string,
  symbol: string,
  http: number,
  zh: string,
  en: string,
  staff: string,
  integrator: string,
];

export interface Catalogue<S extends string = string> {
  readonly layer: string;
  /** Inclusive number range of the layer's codes (a success code of zeros is allowed in any range). */
  readonly range: readonly [number, number];
  readonly entries: readonly ErrorEntry[];
  entry(symbol: S): ErrorEntry;
  byCode(code: string): ErrorEntry | undefined;
  has(symbol: string): symbol is S;
}

/** The symbols of a catalogue, e.g. `SymbolOf<typeof readerErrors>`. */
export type SymbolOf<C> = C extends Catalogue<infer S> ? S : never;

const registry: Catalogue[] = [];

/** Every catalogue declared so far (import a layer's entry point to register its catalogue). */
export function catalogues(): readonly Catalogue[] {
  return [...registry].sort((a, b) => a.range[0] - b.range[0]);
}

/**
 * Declares a layer's catalogue. Throws at load time on a code outside the range, a duplicate code or
 * symbol, or an overlap with a catalogue already declared — so a mistake cannot reach a user.
 */
export function defineCatalogue<const R extends readonly ErrorRow[]>(
  layer: string,
  range: readonly [number, number],
  rows: R,
): Catalogue<R[number][1]> {
  const entries = rows.map(([code, symbol, http, zh, en, staff, integrator]) =>
    Object.freeze({ code, symbol, layer, http, zh, en, staff, integrator }),
  );
  const bySymbol = new Map(entries.map((e) => [e.symbol, e]));
  const byCode = new Map(entries.map((e) => [e.code, e]));
  if (bySymbol.size !== entries.length || byCode.size !== entries.length)
    throw new Error(`error catalogue ${layer}: duplicate code or symbol`);
  for (const e of entries) {
    const n = Number(e.code);
    const success = /^0+$/.test(e.code);
    if (!success && !(Number.isInteger(n) && n >= range[0] && n <= range[1]))
      throw new Error(`error catalogue ${layer}: code ${e.code} outside ${range[0]}–${range[1]}`);
  }
  const clash = registry.find((c) => c.layer !== layer && c.range[0] <= range[1] && range[0] <= c.range[1]);
  if (clash) throw new Error(`error catalogue ${layer}: range overlaps ${clash.layer}`);
  const catalogue: Catalogue<R[number][1]> = {
    layer,
    range,
    entries,
    entry: (symbol) => {
      const e = bySymbol.get(symbol);
      if (!e) throw new Error(`error catalogue ${layer}: no symbol ${symbol}`);
      return e;
    },
    byCode: (code) => byCode.get(code),
    has: (symbol): symbol is R[number][1] => bySymbol.has(symbol),
  };
  const i = registry.findIndex((c) => c.layer === layer);
  if (i >= 0) registry.splice(i, 1, catalogue);
  else registry.push(catalogue);
  return catalogue;
}

export interface CodedErrorOptions {
  /** The input field or parameter the error is about. */
  readonly field?: string;
  /** Technical detail for logs and integrators — never personal data. */
  readonly detail?: string;
  readonly cause?: unknown;
}

/** Base of every coded error: carries its catalogue entry; layers subclass it for extra context. */
export class CodedError extends Error {
  readonly entry: ErrorEntry;
  readonly field: string | undefined;
  readonly detail: string | undefined;

  constructor(entry: ErrorEntry, opts: CodedErrorOptions = {}, extra: readonly string[] = []) {
    const notes = [opts.field && `field ${opts.field}`, ...extra, opts.detail].filter(Boolean).join('; ');
    super(`[${entry.code}] ${entry.zh} / ${entry.en}${notes ? ` (${notes})` : ''}`, { cause: opts.cause });
    this.name = 'CodedError';
    this.entry = entry;
    this.field = opts.field;
    this.detail = opts.detail;
  }

  /** The code as the layer shows it: a string here; layers with numeric wire codes (reader, agent) narrow it. */
  get code(): string | number {
    return this.entry.code;
  }

  get symbol(): string {
    return this.entry.symbol;
  }

  toJSON(): Record<string, unknown> {
    const e = this.entry;
    return {
      code: this.code,
      symbol: e.symbol,
      zh: e.zh,
      en: e.en,
      ...(this.field ? { field: this.field } : {}),
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }
}

export function isCodedError(e: unknown, symbol?: string): e is CodedError {
  return e instanceof CodedError && (symbol === undefined || e.entry.symbol === symbol);
}
