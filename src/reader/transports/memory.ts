// In-memory reader: a virtual user card (cos VirtualCard) in the card slot and a virtual SAM in the SAM slot,
// in the same process. Cards can be inserted and removed (also in the middle of an operation, for tests).
import type { CommandApdu, ResponseApdu } from '../../card/apdu.ts';
import { CardRemovedError, type CardConnection } from '../../card/transport.ts';
import { CardEventHub, type CardEvent, type ReaderDevice } from '../device.ts';
import { ReaderError } from '../errors.ts';

export interface MemoryReaderOptions {
  readonly name?: string;
  readonly serial?: string;
  /** The SAM slot; undefined = a reader without SAM (device errors SAM_NOT_READY). */
  readonly sam?: CardConnection;
  /** The card initially in the field. */
  readonly card?: CardConnection;
}

export class MemoryReaderDevice implements ReaderDevice {
  readonly name: string;
  private card?: CardConnection;
  private generation = 0;
  private removeAfter?: number;
  private readonly hub = new CardEventHub();

  constructor(private readonly opts: MemoryReaderOptions) {
    this.name = opts.name ?? 'RHC Memory Reader 0';
    this.card = opts.card;
  }

  /** Puts a card into the field (emits 'inserted'). */
  insert(card: CardConnection): void {
    this.card = card;
    this.generation++;
    this.removeAfter = undefined;
    this.hub.emit({ type: 'inserted', reader: this.name });
  }

  /** Takes the card away (emits 'removed'); a connection to it fails from now on. */
  remove(): void {
    if (!this.card) return;
    this.card = undefined;
    this.generation++;
    this.hub.emit({ type: 'removed', reader: this.name });
  }

  /** Test hook: the card leaves the field after `n` more card APDUs (tearing / removal during an operation). */
  removeAfterApdus(n: number): void {
    this.removeAfter = n;
  }

  async connectCard(): Promise<CardConnection> {
    const card = this.card;
    if (!card) throw new ReaderError('NO_CARD');
    const generation = this.generation;
    const gone = () => this.generation !== generation || this.card !== card;
    return {
      transmit: async (c: CommandApdu): Promise<ResponseApdu> => {
        if (gone()) throw new CardRemovedError('card removed');
        if (this.removeAfter !== undefined && this.removeAfter-- <= 0) {
          this.remove();
          throw new CardRemovedError('card removed');
        }
        return card.transmit(c);
      },
      reset: async () => {
        if (gone()) throw new CardRemovedError('card removed');
        return card.reset();
      },
      close: async () => undefined, // the card stays in the field; power it off only when removed
    };
  }

  async connectSam(): Promise<CardConnection> {
    if (!this.opts.sam) throw new ReaderError('SAM_NOT_READY', { detail: 'no SAM in this reader' });
    return this.opts.sam;
  }

  async cardPresent(): Promise<boolean> {
    return this.card !== undefined;
  }

  async serialNumber(): Promise<string> {
    return this.opts.serial ?? 'RHC-MEM-00000001';
  }

  onCardEvent(listener: (e: CardEvent) => void): () => void {
    return this.hub.on(listener);
  }

  async close(): Promise<void> {
    // nothing to release: the virtual card and SAM belong to the caller
  }
}
