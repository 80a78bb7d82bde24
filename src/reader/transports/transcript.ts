// Transcript record/replay for a whole reader (both slots): record a session — against the virtual card or a
// real card over PC/SC — as JSONL, and replay it later with no card and no SAM. The reader's commands depend
// only on the answers it got (it draws no randomness of its own), so a replay must see the same commands in
// the same order; any difference is reported with its position. Transcripts of real cards contain the card's
// personal data: store them like the card data itself. (Per-card transcripts of the virtual card with its
// random values are the simulator's: transcript.ts in src/cos.)
import {
  decodeResponse,
  encodeCommand,
  encodeResponse,
  fromHex,
  toHex,
  type CommandApdu,
  type ResponseApdu,
} from '../../card/apdu.ts';
import { CodedError } from '../../base/errors.ts';
import { cardErrors } from '../../card/errors.ts';
import { CardRemovedError, type CardConnection } from '../../card/transport.ts';
import { CardEventHub, type CardEvent, type ReaderDevice } from '../device.ts';

export const READER_TRANSCRIPT_TYPE = 'rhc-reader-transcript';

export type ReaderTranscriptEvent =
  | { readonly slot: 'card' | 'sam'; readonly c: string; readonly r: string }
  | { readonly slot: 'card' | 'sam'; readonly reset: string }
  | { readonly event: 'inserted' | 'removed' };

export interface ReaderTranscriptHeader {
  readonly type: typeof READER_TRANSCRIPT_TYPE;
  readonly version: 1;
  readonly reader: string;
  readonly profile: string;
}

/** Wraps a device; every exchange of both slots is appended to `sink` as one JSON line. */
export class RecordingDevice implements ReaderDevice {
  constructor(
    private readonly inner: ReaderDevice,
    private readonly sink: (line: string) => void,
    profileId: string,
  ) {
    const header: ReaderTranscriptHeader = {
      type: READER_TRANSCRIPT_TYPE,
      version: 1,
      reader: inner.name,
      profile: profileId,
    };
    sink(JSON.stringify(header));
    inner.onCardEvent((e) => sink(JSON.stringify({ event: e.type })));
  }

  get name(): string {
    return this.inner.name;
  }

  private wrap(slot: 'card' | 'sam', conn: CardConnection): CardConnection {
    return {
      transmit: async (c: CommandApdu) => {
        const r = await conn.transmit(c);
        this.sink(JSON.stringify({ slot, c: toHex(encodeCommand(c)), r: toHex(encodeResponse(r)) }));
        return r;
      },
      reset: async () => {
        const atr = await conn.reset();
        this.sink(JSON.stringify({ slot, reset: toHex(atr) }));
        return atr;
      },
      close: () => conn.close(),
    };
  }

  async connectCard(): Promise<CardConnection> {
    return this.wrap('card', await this.inner.connectCard());
  }
  async connectSam(): Promise<CardConnection> {
    return this.wrap('sam', await this.inner.connectSam());
  }
  cardPresent(): Promise<boolean> {
    return this.inner.cardPresent();
  }
  serialNumber(): Promise<string> {
    return this.inner.serialNumber();
  }
  onCardEvent(listener: (e: CardEvent) => void): () => void {
    return this.inner.onCardEvent(listener);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The replay left the recording (the card layer's TRANSCRIPT_MISMATCH, shared with the card transcripts). */
export class TranscriptReplayError extends CodedError {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(cardErrors.entry('TRANSCRIPT_MISMATCH'), { detail: `transcript line ${position + 2}: ${message}` });
    this.name = 'TranscriptReplayError';
  }
}

/** Plays a recorded transcript back: answers each command with the recorded response, in order. */
export class ReplayDevice implements ReaderDevice {
  readonly name: string;
  readonly profile: string;
  private readonly events: ReaderTranscriptEvent[];
  private cursor = 0;
  private readonly hub = new CardEventHub();
  private present = true;

  constructor(lines: string | readonly string[]) {
    const all = (typeof lines === 'string' ? lines.split('\n') : lines).filter((l) => l.trim() !== '');
    const header = JSON.parse(all[0] ?? '{}') as ReaderTranscriptHeader;
    if (header.type !== READER_TRANSCRIPT_TYPE)
      throw new TranscriptReplayError(-1, `not a ${READER_TRANSCRIPT_TYPE}`);
    this.name = header.reader;
    this.profile = header.profile;
    this.events = all.slice(1).map((l) => JSON.parse(l) as ReaderTranscriptEvent);
  }

  /** True when every recorded event was replayed. */
  get finished(): boolean {
    this.pumpEvents();
    return this.cursor >= this.events.length;
  }

  /** Emits recorded insert/remove events that come next. */
  private pumpEvents(): void {
    for (let e = this.events[this.cursor]; e && 'event' in e; e = this.events[this.cursor]) {
      this.cursor++;
      this.present = e.event === 'inserted';
      this.hub.emit({ type: e.event, reader: this.name });
    }
  }

  private next(slot: 'card' | 'sam', what: string): ReaderTranscriptEvent {
    this.pumpEvents();
    const e = this.events[this.cursor];
    if (!e) throw new TranscriptReplayError(this.cursor, `transcript ended, reader sent ${slot} ${what}`);
    if (!('slot' in e) || e.slot !== slot)
      throw new TranscriptReplayError(
        this.cursor,
        `expected ${JSON.stringify(e)}, reader sent ${slot} ${what}`,
      );
    this.cursor++;
    return e;
  }

  private connection(slot: 'card' | 'sam'): CardConnection {
    return {
      transmit: async (c: CommandApdu): Promise<ResponseApdu> => {
        const hex = toHex(encodeCommand(c));
        const e = this.next(slot, hex);
        if (!('c' in e))
          throw new TranscriptReplayError(this.cursor - 1, `expected a reset, reader sent ${hex}`);
        if (e.c !== hex)
          throw new TranscriptReplayError(this.cursor - 1, `expected ${slot} ${e.c}, reader sent ${hex}`);
        return decodeResponse(fromHex(e.r));
      },
      reset: async () => {
        if (slot === 'card' && !this.present) throw new CardRemovedError('card removed (transcript)');
        const e = this.next(slot, 'reset');
        if (!('reset' in e))
          throw new TranscriptReplayError(
            this.cursor - 1,
            `expected ${JSON.stringify(e)}, reader reset the ${slot}`,
          );
        return fromHex(e.reset);
      },
      close: async () => undefined,
    };
  }

  async connectCard(): Promise<CardConnection> {
    return this.connection('card');
  }
  async connectSam(): Promise<CardConnection> {
    return this.connection('sam');
  }
  async cardPresent(): Promise<boolean> {
    this.pumpEvents();
    return this.present;
  }
  async serialNumber(): Promise<string> {
    return 'RHC-REPLAY';
  }
  onCardEvent(listener: (e: CardEvent) => void): () => void {
    return this.hub.on(listener);
  }
  async close(): Promise<void> {}
}
