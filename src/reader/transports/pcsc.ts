// PC/SC readers through the optional native `smartcard` package (loaded with a dynamic import, so the
// library installs and runs without a compiler or libpcsclite). The user card and the SAM are each a PC/SC
// reader chosen by name: a SAM is either a second reader (`samReader`) — multi-slot readers expose their SAM
// slot as a separate PC/SC reader name (e.g. "… SAM 00 01") — or an in-process SAM connection (the demo SAM).
import { decodeResponse, encodeCommand, type CommandApdu, type ResponseApdu } from '../../card/apdu.ts';
import { CardRemovedError, type CardConnection } from '../../card/transport.ts';
import { CardEventHub, type CardEvent, type ReaderDevice } from '../device.ts';
import { ReaderError } from '../errors.ts';

// The subset of the `smartcard` API we use (kept local so type-checking does not need the package).
interface PcscCard {
  readonly atr: Buffer | null;
  transmit(command: Buffer, options?: { maxRecvLength?: number }): Promise<Buffer>;
  getStatus(): { atr: Buffer };
  disconnect(disposition?: number): void;
  reconnect(shareMode?: number, protocol?: number, initialization?: number): Promise<number>;
}
interface PcscReader {
  readonly name: string;
  readonly state: number;
  connect(shareMode?: number, protocol?: number): Promise<PcscCard>;
}
interface PcscContext {
  listReaders(): PcscReader[];
  waitForChange(
    readers: { name: string; state: number }[],
    timeout?: number,
  ): Promise<{ name: string; state: number }[] | null>;
  close(): void;
}
interface PcscMonitor {
  start(cb: (e: { type: string; reader: string }) => void): void;
  stop(): void;
}
export interface SmartcardModule {
  Context: new () => PcscContext;
  ReaderMonitor: new () => PcscMonitor;
  SCARD_SHARE_SHARED: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  SCARD_RESET_CARD: number;
  SCARD_STATE_PRESENT: number;
  SCARD_STATE_UNAWARE: number;
}

let loaded: Promise<SmartcardModule> | undefined;

/** Loads `smartcard` on first use; NO_READER with an explanation when it is not installed. */
export function loadSmartcard(): Promise<SmartcardModule> {
  loaded ??= (import('smartcard' as string) as Promise<SmartcardModule & { default?: SmartcardModule }>).then(
    (m) => (m.Context ? m : (m.default as SmartcardModule)),
    (e: unknown) => {
      loaded = undefined;
      throw new ReaderError('NO_READER', {
        detail: `PC/SC support needs the optional package "smartcard" (npm install smartcard) and libpcsclite: ${(e as Error).message}`,
        cause: e,
      });
    },
  );
  return loaded;
}

export interface PcscDeviceOptions {
  /** PC/SC name of the reader holding the user card (exact, or a unique substring). */
  readonly reader: string;
  /** PC/SC name of the SAM reader/slot; or give `sam`. */
  readonly samReader?: string;
  /** An in-process SAM (e.g. the demo SAM) instead of a SAM reader. */
  readonly sam?: CardConnection;
  /** The PC/SC binding (default: the `smartcard` package); tests pass a stand-in. */
  readonly smartcard?: SmartcardModule;
}

/** Names of the PC/SC readers present (empty list when pcscd has none). */
export async function listPcscReaders(): Promise<string[]> {
  const sc = await loadSmartcard();
  const ctx = new sc.Context();
  try {
    return ctx.listReaders().map((r) => r.name);
  } catch {
    return [];
  } finally {
    ctx.close();
  }
}

export class PcscReaderDevice implements ReaderDevice {
  private readonly hub = new CardEventHub();
  private monitor?: PcscMonitor;
  private present = false;
  private generation = 0;
  private connected: PcscCard[] = [];

  private constructor(
    private readonly sc: SmartcardModule,
    private readonly ctx: PcscContext,
    readonly name: string,
    private readonly samName: string | undefined,
    private readonly sam: CardConnection | undefined,
  ) {}

  static async open(opts: PcscDeviceOptions): Promise<PcscReaderDevice> {
    const sc = opts.smartcard ?? (await loadSmartcard());
    let ctx: PcscContext;
    try {
      ctx = new sc.Context();
    } catch (e) {
      throw new ReaderError('NO_READER', {
        detail: `pcscd not reachable: ${(e as Error).message}`,
        cause: e,
      });
    }
    const name = resolveName(ctx, opts.reader, 'reader');
    const samName = opts.samReader ? resolveName(ctx, opts.samReader, 'samReader') : undefined;
    if (!samName && !opts.sam)
      throw new ReaderError('SAM_NOT_READY', { detail: 'give a SAM reader name or an in-process SAM' });
    const dev = new PcscReaderDevice(sc, ctx, name, samName, opts.sam);
    dev.present = ((await readerState(ctx, name)) & sc.SCARD_STATE_PRESENT) !== 0;
    dev.startMonitor();
    return dev;
  }

  private startMonitor(): void {
    try {
      this.monitor = new this.sc.ReaderMonitor();
      this.monitor.start((e) => {
        if (e.reader !== this.name) return;
        if (e.type === 'card-inserted') this.notePresence(true);
        else if (e.type === 'card-removed') this.notePresence(false);
      });
    } catch {
      this.monitor = undefined; // events unavailable: presence is then checked on each connect
    }
  }

  private async connect(name: string, isCard: boolean): Promise<CardConnection> {
    const sc = this.sc;
    const reader = this.ctx.listReaders().find((r) => r.name === name);
    if (!reader) throw new ReaderError('NO_READER', { detail: `reader "${name}" disappeared` });
    let card: PcscCard;
    try {
      card = await reader.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
    } catch (e) {
      throw new ReaderError(isCard ? 'NO_CARD' : 'SAM_NOT_READY', { detail: (e as Error).message, cause: e });
    }
    this.connected.push(card);
    const generation = this.generation;
    // The card left the field (or was reset by another client) — by the `smartcard` package's messages for
    // SCARD_W_REMOVED_CARD, SCARD_W_RESET_CARD, SCARD_E_NO_SMARTCARD, SCARD_W_UNPOWERED_CARD and
    // SCARD_E_NOT_TRANSACTED ("Transaction failed": the reader lost the card mid-APDU, before pcscd's
    // presence poll noticed).
    const removed = (e: unknown): boolean =>
      (isCard && this.generation !== generation) ||
      /removed|reset|no smart card|not transacted|transaction failed|unpowered/i.test(
        String((e as Error)?.message),
      );
    return {
      transmit: async (c: CommandApdu): Promise<ResponseApdu> => {
        if (isCard && this.generation !== generation) throw new CardRemovedError('card removed');
        try {
          return decodeResponse(
            new Uint8Array(await card.transmit(Buffer.from(encodeCommand(c)), { maxRecvLength: 258 })),
          );
        } catch (e) {
          if (removed(e)) throw new CardRemovedError((e as Error).message);
          throw e;
        }
      },
      reset: async () => {
        try {
          await card.reconnect(
            sc.SCARD_SHARE_SHARED,
            sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1,
            sc.SCARD_RESET_CARD,
          );
          return new Uint8Array(card.getStatus().atr);
        } catch (e) {
          if (removed(e)) throw new CardRemovedError((e as Error).message);
          throw e;
        }
      },
      close: async () => {
        this.connected = this.connected.filter((x) => x !== card);
        try {
          card.disconnect(sc.SCARD_LEAVE_CARD);
        } catch {
          // already gone
        }
      },
    };
  }

  async connectCard(): Promise<CardConnection> {
    if (!(await this.cardPresent())) throw new ReaderError('NO_CARD');
    return this.connect(this.name, true);
  }

  async connectSam(): Promise<CardConnection> {
    if (this.sam) return this.sam;
    return this.connect(this.samName!, false);
  }

  /** A change of presence: a new generation (connections of the old one are stale) and an event. */
  private notePresence(present: boolean): void {
    if (present === this.present) return; // already known (see cardPresent)
    this.present = present;
    this.generation++;
    this.hub.emit({ type: present ? 'inserted' : 'removed', reader: this.name });
  }

  /**
   * Asks pcscd (a local call; the card is not involved) rather than trusting the monitor alone: its events
   * arrive up to a poll later, so a card placed just before a click would otherwise answer "no card". A
   * change seen here first is applied (and announced) here; the monitor's late event for it is then a no-op.
   */
  async cardPresent(): Promise<boolean> {
    const present = ((await readerState(this.ctx, this.name)) & this.sc.SCARD_STATE_PRESENT) !== 0;
    if (this.monitor) this.notePresence(present);
    return present;
  }

  /** PC/SC has no portable reader serial attribute here; the reader name identifies the device. */
  async serialNumber(): Promise<string> {
    return `PCSC:${this.name}`;
  }

  onCardEvent(listener: (e: CardEvent) => void): () => void {
    return this.hub.on(listener);
  }

  async close(): Promise<void> {
    this.monitor?.stop();
    for (const c of this.connected) {
      try {
        c.disconnect(this.sc.SCARD_LEAVE_CARD);
      } catch {
        // ignore
      }
    }
    this.connected = [];
    this.ctx.close();
  }
}

function resolveName(ctx: PcscContext, wanted: string, field: string): string {
  let names: string[];
  try {
    names = ctx.listReaders().map((r) => r.name);
  } catch (e) {
    throw new ReaderError('NO_READER', { field, detail: (e as Error).message, cause: e });
  }
  const exact = names.find((n) => n === wanted);
  if (exact) return exact;
  const partial = names.filter((n) => n.toLowerCase().includes(wanted.toLowerCase()));
  if (partial.length === 1) return partial[0];
  throw new ReaderError('NO_READER', {
    field,
    detail: partial.length
      ? `"${wanted}" matches several readers: ${partial.join(', ')}`
      : `no reader "${wanted}" (present: ${names.join(', ') || 'none'})`,
  });
}

async function readerState(ctx: PcscContext, name: string): Promise<number> {
  const r = ctx.listReaders().find((x) => x.name === name);
  return r?.state ?? 0;
}
