// One slot of the reader (user card or SAM) as seen by the library: sends APDUs, counts them, follows
// 61 xx with GET RESPONSE where the caller asks for the data, and turns a vanished card into a coded error.
import { command, type CommandApdu, type ResponseApdu } from '../card/apdu.ts';
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

export class ApduChannel {
  lastSw?: number;

  constructor(
    readonly slot: 'card' | 'sam',
    private readonly transport: Transport,
    private readonly tally: ApduTally = { card: 0, sam: 0 },
    private readonly observer?: ApduObserver,
  ) {}

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

  /** Sends and requires 90 00 (or 61 xx, fetched with GET RESPONSE); otherwise throws `failure` with the SW. */
  async expect(c: CommandApdu, failure: ReaderErrorSymbol, field?: string): Promise<Uint8Array> {
    const r = await this.send(c);
    if ((r.sw & 0xff00) === 0x6100) {
      const g = await this.send(command(0x00, 0xc0, 0x00, 0x00, undefined, r.sw & 0xff || 256));
      if (g.sw !== 0x9000) throw new ReaderError(failure, { sw: g.sw, field });
      return g.data;
    }
    if (r.sw !== 0x9000) throw new ReaderError(failure, { sw: r.sw, field });
    return r.data;
  }
}
