// APDU transcripts (anchors.md habit 3): a Transport decorator that records one JSONL line per exchange,
// and a replayer that re-runs the commands against a fresh virtual card and demands identical answers.
//
// Line 1 (header): {"type":"rhc-apdu-transcript","version":1,"profile":…,"card":{…},"sam":{…},"random":[hex…]}
// then {"reset":"<ATR hex>"} for a power-up and {"c":"<C-APDU hex>","r":"<R-APDU hex>"} per exchange.
// The random values the card produced (GET CHALLENGE) sit in the header so a replay with replayRandom
// reproduces every challenge and therefore every cryptogram and MAC byte for byte.
import { decodeCommand, encodeCommand, encodeResponse, fromHex, toHex } from '../card/apdu.ts';
import type { CommandApdu, ResponseApdu } from '../card/apdu.ts';
import { replayRandom } from '../base/runtime.ts';
import type { Random } from '../base/runtime.ts';
import { CodedError } from '../base/errors.ts';
import { cardErrors } from '../card/errors.ts';
import type { CardConnection, Transport } from '../card/transport.ts';

export const TRANSCRIPT_TYPE = 'rhc-apdu-transcript';

export interface TranscriptHeader {
  readonly type: typeof TRANSCRIPT_TYPE;
  readonly version: 1;
  readonly profile: string;
  /** Card identity: ATR and historical bytes (never personal data such as the card number). */
  readonly card: { readonly atr: string; readonly [k: string]: string };
  /** SAM identity (serial, terminal number) when a SAM took part. */
  readonly sam?: { readonly [k: string]: string };
  /** Random values the card handed out, in order. */
  readonly random: readonly string[];
}

export type TranscriptEvent = { readonly c: string; readonly r: string } | { readonly reset: string };

/** Wraps a Random and keeps every value it hands out (for the transcript header). */
export function recordingRandom(inner: Random): Random & { readonly values: Uint8Array[] } {
  const values: Uint8Array[] = [];
  return {
    values,
    bytes(n) {
      const v = inner.bytes(n);
      values.push(v.slice());
      return v;
    },
  };
}

export class TranscriptRecorder implements CardConnection {
  private readonly events: TranscriptEvent[] = [];

  constructor(
    private readonly inner: Transport & Partial<CardConnection>,
    private readonly header: Omit<TranscriptHeader, 'type' | 'version' | 'random'>,
    private readonly random?: { readonly values: readonly Uint8Array[] },
  ) {}

  async transmit(command: CommandApdu): Promise<ResponseApdu> {
    const r = await this.inner.transmit(command);
    this.events.push({ c: toHex(encodeCommand(command)), r: toHex(encodeResponse(r)) });
    return r;
  }

  async reset(): Promise<Uint8Array> {
    if (!this.inner.reset) throw new Error('the wrapped transport cannot reset');
    const atr = await this.inner.reset();
    this.events.push({ reset: toHex(atr) });
    return atr;
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  headerLine(): TranscriptHeader {
    return {
      type: TRANSCRIPT_TYPE,
      version: 1,
      ...this.header,
      random: (this.random?.values ?? []).map(toHex),
    };
  }

  lines(): string[] {
    return [JSON.stringify(this.headerLine()), ...this.events.map((e) => JSON.stringify(e))];
  }

  toJsonl(): string {
    return this.lines().join('\n') + '\n';
  }
}

/** The card answered otherwise than recorded (the card layer's TRANSCRIPT_MISMATCH, shared with the reader's). */
export class TranscriptMismatchError extends CodedError {
  constructor(
    readonly line: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(cardErrors.entry('TRANSCRIPT_MISMATCH'), {
      detail: `transcript line ${line}: expected ${expected}, card answered ${actual}`,
    });
    this.name = 'TranscriptMismatchError';
  }
}

/** Not a card transcript (the card layer's TRANSCRIPT_FORMAT). */
export class TranscriptFormatError extends CodedError {
  constructor(message: string) {
    super(cardErrors.entry('TRANSCRIPT_FORMAT'), { detail: message });
    this.name = 'TranscriptFormatError';
  }
}

export function parseTranscript(input: string | readonly string[]): {
  header: TranscriptHeader;
  events: TranscriptEvent[];
} {
  const lines = (typeof input === 'string' ? input.split('\n') : [...input]).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new TranscriptFormatError('empty transcript');
  const parse = (l: string, i: number): Record<string, unknown> => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new TranscriptFormatError(`line ${i + 1} is not JSON`);
    }
  };
  const header = parse(lines[0], 0) as unknown as TranscriptHeader;
  if (header.type !== TRANSCRIPT_TYPE || header.version !== 1 || !Array.isArray(header.random))
    throw new TranscriptFormatError(`line 1 is not a ${TRANSCRIPT_TYPE} v1 header`);
  const events = lines.slice(1).map((l, i) => {
    const e = parse(l, i + 1);
    if (typeof e.reset === 'string') return { reset: e.reset };
    if (typeof e.c === 'string' && typeof e.r === 'string') return { c: e.c, r: e.r };
    throw new TranscriptFormatError(`line ${i + 2} is neither {c, r} nor {reset}`);
  });
  return { header, events };
}

/**
 * Re-runs a transcript against a fresh card built by `makeCard` with the recorded random values and checks
 * every answer (and ATR) byte for byte. Throws TranscriptMismatchError at the first difference.
 */
export async function replayTranscript(
  input: string | readonly string[],
  makeCard: (random: Random, header: TranscriptHeader) => Transport & Partial<CardConnection>,
): Promise<{ exchanges: number; resets: number }> {
  const { header, events } = parseTranscript(input);
  const card = makeCard(replayRandom(header.random.map((h) => fromHex(h))), header);
  let exchanges = 0;
  let resets = 0;
  if (events[0] && !('reset' in events[0]) && card.reset) await card.reset();
  for (const [i, e] of events.entries()) {
    const line = i + 2;
    if ('reset' in e) {
      if (!card.reset) throw new TranscriptFormatError(`line ${line}: the replay card cannot reset`);
      const atr = toHex(await card.reset());
      if (atr !== e.reset.toUpperCase()) throw new TranscriptMismatchError(line, e.reset, atr);
      resets++;
      continue;
    }
    const r = await card.transmit(decodeCommand(fromHex(e.c)));
    const actual = toHex(encodeResponse(r));
    if (actual !== e.r.toUpperCase()) throw new TranscriptMismatchError(line, e.r, actual);
    exchanges++;
  }
  await card.close?.();
  return { exchanges, resets };
}
