// A command object: the APDU plus what each status word it may answer means. The reader's channel sends it and
// checks the answer against this map, so no caller compares status words itself (after OpenHealth-Core's
// HealthCardCommand with its expected-status map).
import type { CommandApdu } from '../apdu.ts';
import { isSw, type SwSymbol } from '../status-words.ts';

/**
 * Failures a command reports, named by the reader catalogue's symbols (src/reader/errors.ts — the card layer
 * may not import the reader, so they are listed here and `reader/channel.ts` checks at compile time that each
 * one is a reader symbol).
 */
export type ApduFailure =
  | 'FILE_NOT_FOUND'
  | 'CARD_ERROR'
  | 'AUTH_FAILED'
  | 'READ_RECORD_FAILED'
  | 'READ_BINARY_FAILED'
  | 'WRITE_RECORD_FAILED'
  | 'WRITE_BINARY_FAILED'
  | 'INDEX_WRITE_FAILED'
  | 'INDEX_ERASE_FAILED'
  | 'CARD_LOCKED'
  | 'SAM_ERROR'
  | 'SAM_PIN_WRONG'
  | 'SAM_PIN_BLOCKED';

/**
 * Answers that are neither success nor failure by themselves:
 * - `get-response`: 61 xx, the channel fetches the xx bytes with GET RESPONSE;
 * - `wrong-le` (6C xx) / `wrong-length` (67 00): the caller may resend with another Le;
 * - `absent` (6A 82 to a SELECT): the caller may probe another path.
 * A caller that does not accept a signal gets the command's `otherwise` failure.
 */
export type SwSignal = 'get-response' | 'wrong-le' | 'wrong-length' | 'absent';

export type Outcome = 'ok' | SwSignal | ApduFailure;

const SIGNALS: ReadonlySet<Outcome> = new Set<SwSignal>([
  'get-response',
  'wrong-le',
  'wrong-length',
  'absent',
]);
export const isSignal = (outcome: Outcome): outcome is SwSignal => SIGNALS.has(outcome);

/** What the status words a command expects mean (masked compare: `BYTES_AVAILABLE` is any 61 xx). */
export type StatusWordMap = Readonly<Partial<Record<SwSymbol, Outcome>>>;

export interface CardCommand {
  /** ISO / SAM name of the command, for logs (never its data). */
  readonly name: string;
  readonly apdu: CommandApdu;
  readonly statusWords: StatusWordMap;
  /** The failure for every status word the map does not list. */
  readonly otherwise: ApduFailure;
  /** Extra detail the command reads from a status word (e.g. the PIN tries left in 63 Cx). */
  readonly note?: (sw: number) => string | undefined;
}

/** The outcome the command's map gives a status word. */
export function outcomeOf(command: CardCommand, sw: number): Outcome {
  for (const [symbol, outcome] of Object.entries(command.statusWords) as [SwSymbol, Outcome][])
    if (isSw(sw, symbol)) return outcome;
  return command.otherwise;
}

/** The length 61 xx / 6C xx announce (xx = 00 means 256). */
export const announcedLength = (sw: number): number => sw & 0xff || 256;

/** Status words that mean the card forgot a selection or a granted right (another client changed its state). */
export function isStaleState(sw: number | undefined): boolean {
  return sw !== undefined && (isSw(sw, 'SECURITY_STATUS_NOT_SATISFIED') || isSw(sw, 'NO_CURRENT_EF'));
}

export const fid2 = (fid: number): Uint8Array => Uint8Array.of(fid >> 8, fid & 0xff);
