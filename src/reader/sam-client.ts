// The terminal's SAM seen over APDUs (card-format.md §6.4–§6.5): PIN, public files, key set-up (80 DE),
// encrypt / MAC (80 FA), SM3 (80 CC) and SM2 signing (80 CE). Master keys never leave the SAM.
import {
  samEncrypt,
  samKeySetup,
  samMac,
  samReadBinary,
  samSelect,
  samSm2Sign,
  samSm3,
  samVerifyPin,
} from '../card/commands/index.ts';
import type { KeySpec } from '../card/image.ts';
import type { ApduChannel } from './channel.ts';
import { ReaderError, isReaderError } from './errors.ts';

const MF = 0x3f00;
const SAM_APP_DF = 0xdf01;
const SAM_FILES = {
  public: { fid: 0x0015, size: 0x0e, inApp: false },
  terminal: { fid: 0x0016, size: 0x06, inApp: false },
  publicApp: { fid: 0x001a, size: 0x19, inApp: true },
  issuerCertificate: { fid: 0x001b, size: 0xb4, inApp: true },
  samCertificate: { fid: 0x001c, size: 0xbe, inApp: true },
} as const;
export type SamFile = keyof typeof SAM_FILES;

export class SamClient {
  private where: 'mf' | 'app' | 'unknown' = 'unknown';
  pinVerified = false;
  private readonly fileCache = new Map<SamFile, Uint8Array>();

  constructor(readonly channel: ApduChannel) {}

  /** A raw APDU went to the SAM: its selection is unknown now (the PIN state is kept). */
  lostPosition(): void {
    this.where = 'unknown';
  }

  /** Called after (re)powering the SAM: nothing is selected and the PIN state is lost. */
  resetState(): void {
    this.where = 'unknown';
    this.pinVerified = false;
  }

  private async select(fid: number): Promise<void> {
    await this.channel.execute(samSelect(fid), { detail: `select ${fid.toString(16)}` });
  }

  private async enterApp(): Promise<void> {
    if (this.where === 'app') return;
    if (this.where !== 'mf') await this.select(MF);
    await this.select(SAM_APP_DF);
    this.where = 'app';
  }

  /** VERIFY PIN (`00 20 00 00`); returns nothing on success, throws SAM_PIN_WRONG with the tries left. */
  async verifyPin(pin: string): Promise<void> {
    if (!/^\d{4,12}$/.test(pin) || pin.length % 2 !== 0)
      throw new ReaderError('BAD_PARAMETER', {
        field: 'pin',
        detail: 'SAM PIN must be an even number of digits',
      });
    await this.enterApp();
    try {
      await this.channel.execute(samVerifyPin(pin), { detail: 'verify PIN' });
    } catch (e) {
      if (isReaderError(e) && e.sw !== undefined) this.pinVerified = false; // the SAM answered: not verified
      throw e;
    }
    this.pinVerified = true;
  }

  /** Reads one of the SAM files of §6.5 (cached: they do not change while the SAM is powered). */
  async readFile(name: SamFile): Promise<Uint8Array> {
    const cached = this.fileCache.get(name);
    if (cached) return cached;
    const f = SAM_FILES[name];
    if (f.inApp) await this.enterApp();
    else if (this.where !== 'mf') {
      await this.select(MF);
      this.where = 'mf';
    }
    await this.select(f.fid);
    const data = await this.channel.execute(samReadBinary(f.size));
    this.fileCache.set(name, data);
    return data;
  }

  private requireReady(): void {
    if (!this.pinVerified) throw new ReaderError('SAM_NOT_READY');
  }

  /** 80 DE key set-up: factors (card ‖ [city]) ‖ random, for the key's level count. */
  async keySetup(
    key: KeySpec,
    version: number,
    cardFactor: Uint8Array,
    cityFactor: Uint8Array,
    random: Uint8Array,
  ): Promise<void> {
    this.requireReady();
    await this.enterApp();
    const data = key.levels === 2 ? concat(cardFactor, cityFactor, random) : concat(cardFactor, random);
    await this.channel.execute(samKeySetup(key, version, data), { field: key.name });
  }

  /** 80 FA 00 00: SM4-ECB under the process key of the last key set-up. */
  async encrypt(data: Uint8Array): Promise<Uint8Array> {
    return this.channel.execute(samEncrypt(data));
  }

  /** 80 FA 05 00: MAC over IV(16) ‖ data; the first 4 bytes of the answer are the MAC. */
  async mac(ivAndData: Uint8Array): Promise<Uint8Array> {
    const out = await this.channel.execute(samMac(ivAndData));
    return out.slice(0, 4);
  }

  /** SM3 through the SAM (80 CC, RHC virtual SAM §6.4): blocks of ≤ 255 bytes, P1 01 = more follows. */
  async sm3(data: Uint8Array): Promise<Uint8Array> {
    this.requireReady();
    await this.enterApp();
    const max = 0xf0;
    let off = 0;
    do {
      const part = data.slice(off, off + max);
      off += part.length;
      const last = off >= data.length;
      if (!last) await this.channel.execute(samSm3(part, true));
      else return this.channel.execute(samSm3(part, false));
    } while (off < data.length);
    throw new Error('unreachable');
  }

  /** SM2 signature of a 32-byte digest (80 CE); the SAM refuses without a verified PIN. */
  async sm2SignHash(digest: Uint8Array): Promise<Uint8Array> {
    if (digest.length !== 32)
      throw new ReaderError('BAD_PARAMETER', { field: 'hash', detail: 'SM3 digest must be 32 bytes' });
    this.requireReady();
    await this.enterApp();
    const sig = await this.channel.execute(samSm2Sign(digest));
    if (sig.length !== 64) throw new ReaderError('SAM_ERROR', { detail: `signature of ${sig.length} bytes` });
    return sig;
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
