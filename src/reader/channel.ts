// One slot of the reader (user card or SAM) as seen by the library: sends APDUs, counts them, checks each
// command object's status-word map (following 61 xx with GET RESPONSE), raises the mapped coded error with
// the status word, and turns a vanished card into a coded error.
import type { CommandApdu, ResponseApdu } from '../card/apdu.ts';
import {
  announcedLength,
  getResponse,
  isSignal,
  outcomeOf,
  type ApduFailure,
  type CardCommand,
  type SwSignal,
} from '../card/commands/index.ts';
import { CardRemovedError, type Transport } from '../card/transport.ts';
import { ReaderError, type ReaderErrorSymbol } from './errors.ts';

export interface ApduObserver {
  (slot: 'card' | 'sam', c: CommandApdu, r: ResponseApdu): void;
}

/** APDU counters shared by the channels of one reader (a new card presentation keeps counting). */
export interface ApduTally {
  card: number;
  sam: number;
}

/** What the caller adds to an error: the parameter and a technical detail (never personal data). */
export interface ExecuteContext {
  readonly field?: string;
  readonly detail?: string;
}

/** An answer the command's map accepted: success, or a signal the caller asked for. */
export interface Reply {
  readonly data: Uint8Array;
  readonly sw: number;
  readonly outcome: 'ok' | SwSignal;
}

/** The card layer names failures by reader symbols; this is where the compiler checks that they are. */
const readerSymbol = (failure: ApduFailure): ReaderErrorSymbol => failure;

/** The channel interface command executors share (the plain ApduChannel and the SecureChannel over it). */
export interface CommandChannel {
  execute(command: CardCommand, ctx?: ExecuteContext): Promise<Uint8Array>;
}

export class ApduChannel implements CommandChannel {
  lastSw?: number;

  constructor(
    readonly slot: 'card' | 'sam',
    private readonly transport: Transport,
    private readonly tally: ApduTally = { card: 0, sam: 0 },
    private readonly observer?: ApduObserver,
  ) {}

  /** Sends one APDU as it is (raw pass-through; commands go through `execute`). */
  async send(c: CommandApdu): Promise<ResponseApdu> {
    let r: ResponseApdu;
    try {
      r = await this.transport.transmit(c);
    } catch (e) {
      if (e instanceof CardRemovedError || (e as { code?: string }).code === 'CARD_REMOVED')
        throw new ReaderError(this.slot === 'card' ? 'CARD_REMOVED' : 'SAM_ERROR', {
          cause: e,
          detail: 'removed',
        });
      if (e instanceof ReaderError) throw e;
      throw new ReaderError(this.slot === 'card' ? 'CARD_ERROR' : 'SAM_ERROR', {
        cause: e,
        detail: (e as Error).message,
      });
    }
    this.tally[this.slot]++;
    this.lastSw = r.sw;
    this.observer?.(this.slot, c, r);
    return r;
  }

  /** Sends the command and requires success by its map; returns the data (fetched with GET RESPONSE on 61 xx). */
  async execute(command: CardCommand, ctx: ExecuteContext = {}): Promise<Uint8Array> {
    return (await this.run(command, [], ctx)).data;
  }

  /**
   * Sends the command; success and the signals in `accept` are returned, 61 xx is followed by GET RESPONSE,
   * anything else throws the command's failure.
   */
  async run(command: CardCommand, accept: readonly SwSignal[], ctx: ExecuteContext = {}): Promise<Reply> {
    const r = await this.send(command.apdu);
    const outcome = outcomeOf(command, r.sw);
    if (outcome === 'get-response') {
      const follow = getResponse(announcedLength(r.sw), command.otherwise);
      const g = await this.send(follow.apdu);
      if (outcomeOf(follow, g.sw) !== 'ok') throw this.failure(follow, g.sw, ctx);
      return { data: g.data, sw: g.sw, outcome: 'ok' };
    }
    if (outcome === 'ok' || (isSignal(outcome) && accept.includes(outcome)))
      return { data: r.data, sw: r.sw, outcome };
    throw this.failure(command, r.sw, ctx);
  }

  /** The coded error the command's map gives `sw` (its `otherwise` failure where the map says ok or a signal). */
  failure(command: CardCommand, sw: number, ctx: ExecuteContext = {}): ReaderError {
    const outcome = outcomeOf(command, sw);
    const symbol = outcome === 'ok' || isSignal(outcome) ? command.otherwise : outcome;
    return new ReaderError(readerSymbol(symbol), {
      sw,
      field: ctx.field,
      detail: command.note?.(sw) ?? ctx.detail,
    });
  }
}
