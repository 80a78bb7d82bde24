// Device management (interface spec 6.1): open/close, power the SAM and the user card, SAM PIN, SAM number,
// device serial. Owns the CardSession of the current card presentation and hands out a CardIo bound to it.
import { decodeCommand, encodeResponse, fromHex, toHex } from '../card/apdu.ts';
import { cardFactorFromAtr, cityFactor } from '../card/factors.ts';
import type { CardProfile } from '../card/image.ts';
import type { CardConnection } from '../card/transport.ts';
import { CardIo } from './card-io.ts';
import { ApduChannel, type ApduObserver, type ApduTally } from './channel.ts';
import type { CardEvent, ReaderDevice } from './device.ts';
import { ReaderError, isReaderError } from './errors.ts';
import { elementByApi } from './locate.ts';
import { SamClient } from './sam-client.ts';
import { CardSession } from './session.ts';
import { decodeCn } from '../card/codecs.ts';

export interface ReaderOptions {
  readonly profile: CardProfile;
  /** Largest READ BINARY Le tried first (the card may lower it with 6C xx / 67 00). Default 256. */
  readonly readChunk?: number;
  /** Sees every APDU (tests, transcripts, APDU logs). Never logs by itself. */
  readonly observer?: ApduObserver;
}

export interface ApduCounts {
  card: number;
  sam: number;
  total: number;
}

export class Reader {
  private samConn?: CardConnection;
  private samChannel?: ApduChannel;
  private samClient?: SamClient;
  private cardConn?: CardConnection;
  private cardChannel?: ApduChannel;
  private session?: CardSession;
  private unsubscribe?: () => void;
  private readonly tally: ApduTally = { card: 0, sam: 0 };
  samAtr?: Uint8Array;

  constructor(
    readonly device: ReaderDevice,
    readonly options: ReaderOptions,
  ) {}

  get profile(): CardProfile {
    return this.options.profile;
  }

  /** OpenDevice: powers the SAM. */
  async open(): Promise<void> {
    this.unsubscribe ??= this.device.onCardEvent((e: CardEvent) => {
      if (e.type === 'removed') this.dropCard();
    });
    if (this.samConn) return;
    const conn = await this.device.connectSam();
    this.samConn = conn;
    this.samChannel = new ApduChannel('sam', conn, this.tally, this.options.observer);
    this.samClient = new SamClient(this.samChannel);
    this.samAtr = await conn.reset();
  }

  /** CloseDevice. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.dropCard();
    await this.cardConn?.close().catch(() => undefined);
    await this.samConn?.close().catch(() => undefined);
    this.cardConn = this.samConn = undefined;
    this.samClient = undefined;
    await this.device.close();
  }

  get sam(): SamClient {
    if (!this.samClient) throw new ReaderError('DEVICE_NOT_OPEN');
    return this.samClient;
  }

  /** VerifyPin / iVerifyPIN on the SAM. Throws SAM_PIN_WRONG (tries left in `detail`) or SAM_PIN_BLOCKED. */
  async verifySamPin(pin: string): Promise<void> {
    await this.sam.verifyPin(pin);
  }

  /** SAM number (SAM MF/0015 bytes 1–10) as hex. */
  async samNumber(): Promise<string> {
    return toHex((await this.sam.readFile('public')).slice(0, 10));
  }

  async deviceSerial(): Promise<string> {
    return this.device.serialNumber();
  }

  /** Card removed (event or error): forget everything about it. */
  dropCard(): void {
    this.session?.invalidate();
    this.session = undefined;
    const conn = this.cardConn;
    this.cardConn = undefined;
    this.cardChannel = undefined;
    void conn?.close().catch(() => undefined);
  }

  /**
   * PowerOn of the user card: reset (ATR → card factor per the profile option), then DDF1/EF05 and READ RECORD
   * by identifier of 应用城市代码 (free read) → city factor. Returns the ATR as hex.
   */
  async powerOnCard(): Promise<string> {
    if (!this.samClient) throw new ReaderError('DEVICE_NOT_OPEN');
    this.dropCard();
    if (!(await this.device.cardPresent())) throw new ReaderError('NO_CARD');
    const conn = await this.device.connectCard();
    this.cardConn = conn;
    this.cardChannel = new ApduChannel('card', conn, this.tally, this.options.observer);
    let atr: Uint8Array;
    try {
      atr = await conn.reset();
    } catch (e) {
      this.dropCard();
      throw isReaderError(e) ? e : new ReaderError('NO_CARD', { cause: e });
    }
    let factor: Uint8Array;
    try {
      factor = cardFactorFromAtr(atr, this.profile.options.cardFactor);
    } catch (e) {
      throw new ReaderError('CARD_ERROR', { detail: `ATR: ${(e as Error).message}`, cause: e });
    }
    const city = elementByApi(this.profile, 'YYCSDM');
    // A provisional session with MF selected lets CardIo walk to DDF1/EF05 before the city code is known.
    const provisional = new CardSession(
      atr,
      factor,
      '',
      new Uint8Array(8),
      [this.profile.mf.fid],
      undefined,
      this.readChunk(),
    );
    const io = new CardIo(this.profile, this.cardChannel, this.sam, provisional);
    const tlv = await this.guard(() =>
      io.readRecordById(city.loc, city.element.tag, city.element.length + 2),
    );
    if (tlv[0] !== city.element.tag || tlv[1] !== city.element.length)
      throw new ReaderError('READ_RECORD_FAILED', { detail: '应用城市代码 TLV malformed' });
    const cityCode = decodeCn(tlv.subarray(2));
    if (!/^\d{6}$/.test(cityCode))
      throw new ReaderError('CARD_ERROR', { detail: '应用城市代码 is not 6 digits' });
    this.session = new CardSession(
      atr,
      factor,
      cityCode,
      cityFactor(cityCode),
      provisional.dfPath ?? [],
      provisional.efFid,
      this.readChunk(),
    );
    return toHex(atr);
  }

  private readChunk(): number {
    return this.options.readChunk ?? 256;
  }

  /** The session of the present card, powering it on first when needed. */
  async currentSession(): Promise<CardSession> {
    if (!this.session?.valid) await this.powerOnCard();
    return this.session!;
  }

  /** A CardIo bound to the current card session (powering the card on if needed). */
  async io(): Promise<CardIo> {
    const s = await this.currentSession();
    return new CardIo(this.profile, this.cardChannel!, this.sam, s);
  }

  /** Runs a card operation; a removal during it ends the session and surfaces as CARD_REMOVED. */
  async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isReaderError(e, 'CARD_REMOVED')) this.dropCard();
      throw e;
    }
  }

  /** Runs `fn` with the card's CardIo under guard(). */
  async withCard<T>(fn: (io: CardIo) => Promise<T>): Promise<T> {
    return this.guard(async () => fn(await this.io()));
  }

  /**
   * SendAPDU pass-through (interface 6.1.5): the response hex ends with SW1 SW2. The card's selection may have
   * changed, so the session forgets its position (rights are kept only if the DF did not change — unknown here,
   * so they are dropped too).
   */
  async sendRaw(slot: 'card' | 'sam', apduHex: string): Promise<string> {
    let c;
    try {
      c = decodeCommand(fromHex(apduHex));
    } catch (e) {
      throw new ReaderError('BAD_PARAMETER', { field: 'pbyC_Command', detail: (e as Error).message });
    }
    if (slot === 'sam') {
      const r = await this.sam.channel.send(c);
      this.sam.lostPosition();
      return toHex(encodeResponse(r));
    }
    return this.guard(async () => {
      await this.currentSession();
      const r = await this.cardChannel!.send(c);
      this.session?.lost();
      return toHex(encodeResponse(r));
    });
  }

  /** APDUs sent since the last resetCounts() (GET RESPONSE included). */
  counts(): ApduCounts {
    return { card: this.tally.card, sam: this.tally.sam, total: this.tally.card + this.tally.sam };
  }

  resetCounts(): void {
    this.tally.card = 0;
    this.tally.sam = 0;
  }
}
