// Test support: a personalised national card and a "terminal" that plays the SAM side with crypto.ts /
// keys.ts directly (independent of the virtual SAM), so card tests check the card against the spec's
// formulas rather than against another component of RHC.
import { decodeResponse, encodeCommand, fromHex, toHex } from '../src/card/apdu.ts';
import type { CommandApdu, ResponseApdu } from '../src/card/apdu.ts';
import { cityFactor } from '../src/card/factors.ts';
import type { CardProfile } from '../src/card/image.ts';
import { getProfile } from '../src/card/profiles/index.ts';
import { seededRandom } from '../src/base/runtime.ts';
import type { Random } from '../src/base/runtime.ts';
import {
  authCryptogram,
  padIso,
  secureMessagingMac,
  sm4EncryptEcb,
  deriveCardKey,
  demoMasterKeys,
  masterKeyFor,
  processKey,
  type MasterKeySet,
} from '../src/crypto/index.ts';
import { personaliseCard } from '../src/cos/card/state.ts';
import type { CardState, FileImage } from '../src/cos/card/state.ts';
import { VirtualCard } from '../src/cos/card/virtual-card.ts';

/** Chip maker 'RH' ‖ card maker 'CK' ‖ serial 00 00 00 2A. */
export const TEST_HISTORICAL = fromHex('5248434B0000002A');
export const TEST_CITY = '610100';
/** A GB 11643-valid demo ID number (checksum X), used as 卡号. */
export const TEST_CARD_NUMBER = '11010519491231002X';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** TLV record built by hand: T ‖ L ‖ value padded to L with `pad`. */
export function tlv(tag: number, length: number, value: Uint8Array, pad = 0x00): Uint8Array {
  const out = new Uint8Array(2 + length).fill(pad, 2);
  out[0] = tag;
  out[1] = length;
  out.set(value, 2);
  return out;
}

/** DDF1/EF05 with 卡号 (record 7, tag 08) and 应用城市代码 (record 10, tag 39) filled. */
export function sampleImages(): Map<string, FileImage> {
  const ef05: Uint8Array[] = [
    tlv(0x01, 1, ascii('1')),
    tlv(0x02, 4, ascii('1.00')),
    tlv(0x03, 30, new Uint8Array(0)),
    tlv(0x04, 11, new Uint8Array(0), 0xff),
    tlv(0x05, 180, new Uint8Array(0)),
    tlv(0x06, 4, fromHex('20261125')),
    tlv(0x08, 18, ascii(TEST_CARD_NUMBER)),
    tlv(0x09, 3, ascii('123')),
    tlv(0x0a, 10, ascii('0000000042')),
    tlv(0x39, 3, fromHex('610100')),
  ];
  return new Map([['DDF1/EF05', { records: ef05 }]]);
}

export interface TestCardOptions {
  readonly profile?: CardProfile;
  readonly images?: Map<string, FileImage>;
  readonly lock?: boolean;
  readonly random?: Random;
  readonly seed?: number;
  readonly onChange?: (state: CardState) => void;
}

export function makeTestCard(opts: TestCardOptions = {}): { card: VirtualCard; keys: MasterKeySet } {
  const profile = opts.profile ?? getProfile('national');
  const keys = demoMasterKeys(profile);
  const state = personaliseCard({
    profile,
    images: opts.images ?? sampleImages(),
    masterKeys: keys,
    historicalBytes: TEST_HISTORICAL,
    applicationCityCode: TEST_CITY,
    lock: opts.lock,
  });
  const card = new VirtualCard(state, {
    random: opts.random ?? seededRandom(opts.seed ?? 7),
    onChange: opts.onChange,
  });
  card.powerOn();
  return { card, keys };
}

/** Plays the terminal + SAM side of §7.4 against a card, with the master keys in hand. */
export class TestTerminal {
  constructor(
    readonly card: VirtualCard,
    readonly keys: MasterKeySet,
    readonly profile: CardProfile = card.state.profile,
  ) {}

  /** Sends a hex APDU through the byte interface; returns the response as hex with SW. */
  hex(apdu: string): string {
    return toHex(this.card.transmitBytes(fromHex(apdu)));
  }

  send(apdu: string): ResponseApdu {
    return decodeResponse(this.card.transmitBytes(fromHex(apdu)));
  }

  sendApdu(c: CommandApdu): ResponseApdu {
    return decodeResponse(this.card.transmitBytes(encodeCommand(c)));
  }

  sw(apdu: string): string {
    const h = this.hex(apdu);
    return h.slice(-4);
  }

  /** SELECT each FID of a path name from the MF ('DDF1/DF01/EF05'); returns the last SW. */
  select(path: string): string {
    let sw = this.sw('00A40000023F00');
    for (const fid of path.split('/').filter(Boolean)) sw = this.sw(`00A4000002${fid}`);
    return sw;
  }

  /** K_card of a key as the SAM derives it (§7.3). */
  cardKey(name: string, version?: number): Uint8Array {
    const spec = this.profile.keys.find((k) => k.name === name);
    if (!spec) throw new Error(`no key ${name}`);
    const v = version ?? Math.min(...spec.versions);
    return deriveCardKey(
      masterKeyFor(this.keys, spec, v),
      spec,
      this.card.state.historicalBytes,
      cityFactor(TEST_CITY),
    );
  }

  challenge(): Uint8Array {
    const r = this.send('0084000008');
    if (r.sw !== 0x9000) throw new Error(`GET CHALLENGE failed ${r.sw.toString(16)}`);
    return r.data;
  }

  /** Flow A/B: GET CHALLENGE, cryptogram, EXTERNAL AUTHENTICATE; returns the SW as hex. */
  externalAuth(name: string, version = 1, opts: { wrong?: boolean; authData?: Uint8Array } = {}): string {
    const spec = this.profile.keys.find((k) => k.name === name);
    if (!spec) throw new Error(`no key ${name}`);
    const r = this.challenge();
    const authData = opts.authData ?? fromHex('1122334455667788');
    const c = authCryptogram(processKey(this.cardKey(name, version), r), authData);
    if (opts.wrong) c[0] ^= 1;
    const data = new Uint8Array(17);
    data.set(c, 0);
    data.set(authData, 8);
    data[16] = version;
    return this.sw(`008200${hex2(spec.cardKeyId)}11${toHex(data)}`);
  }

  /** Flow D: SM data object of §6.3 for `cla ins p1 p2` with the given STK; fetches a fresh challenge. */
  smCommand(
    stkName: string,
    cla: number,
    ins: number,
    p1: number,
    p2: number,
    payload: Uint8Array,
  ): Uint8Array {
    const r = this.challenge();
    const sk = processKey(this.cardKey(stkName), r);
    const plain = new Uint8Array(payload.length + 1);
    plain[0] = payload.length;
    plain.set(payload, 1);
    const cipher = sm4EncryptEcb(sk, padIso(plain));
    const lc = cipher.length + 4;
    const header = Uint8Array.from([cla, ins, p1, p2, lc]);
    const macInput = new Uint8Array(5 + cipher.length);
    macInput.set(header, 0);
    macInput.set(cipher, 5);
    const mac = secureMessagingMac(sk, macInput);
    const apdu = new Uint8Array(5 + lc);
    apdu.set(header, 0);
    apdu.set(cipher, 5);
    apdu.set(mac, 5 + cipher.length);
    return apdu;
  }

  /** MAC-only command `cla ins p1 p2 04 ‖ MAC` with the key's process key over the latest challenge. */
  macCommand(keyName: string, cla: number, ins: number, p1: number, p2: number): Uint8Array {
    const r = this.challenge();
    const sk = processKey(this.cardKey(keyName), r);
    const header = Uint8Array.from([cla, ins, p1, p2, 4]);
    const out = new Uint8Array(9);
    out.set(header, 0);
    out.set(secureMessagingMac(sk, header), 5);
    return out;
  }

  raw(apdu: Uint8Array): string {
    return toHex(this.card.transmitBytes(apdu)).slice(-4);
  }
}

export const hex2 = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');
