// The virtual PSAM of the health-card application (card-format.md §6.4–§6.6, §7): an APDU interpreter that
// holds the master keys, derives per-card and process keys (§7.3), encrypts and MACs under the process key
// (80 DE / 80 FA), hashes (80 CC) and signs with SM2 (80 CE). It is a CardConnection, so the reader drives
// it exactly like a PC/SC SAM. Master keys and the SM2 private key never leave it: no command returns
// them and toJSON/inspect show only public facts.
import { createHash, type Hash } from 'node:crypto';
import { inspect } from 'node:util';
import {
  decodeCommand,
  encodeResponse,
  response,
  toHex,
  type CommandApdu,
  type ResponseApdu,
} from '../../card/apdu.ts';
import type { CardProfile, KeySpec } from '../../card/image.ts';
import { systemRandom, type Random } from '../../base/runtime.ts';
import { SW } from '../../card/status-words.ts';
import { CardRemovedError, type CardConnection } from '../../card/transport.ts';
import {
  decodeSamCertificate,
  deriveCardKey,
  describeError,
  keySlot,
  processKey,
  sm2SignDigest,
  sm4CbcMacBlock,
  sm4EncryptEcb,
  type MasterKeySet,
  type SamPki,
} from '../../crypto/index.ts';
import { SamConfigError } from '../errors.ts';
import {
  DEFAULT_PUBLIC_INFO,
  encodeApplicationInfo,
  encodePublicInfo,
  SAM_DF01,
  SAM_DFS,
  SAM_FILES,
  SAM_MF,
  type SamApplicationInfo,
  type SamFileId,
  type SamFileSpec,
  type SamPublicInfo,
} from './files.ts';
import { decodePinBcd, PinState } from './pin.ts';

/**
 * ATR of the virtual SAM: `3B 68 00 00` + 8 historical bytes `52 48 43 53 41 4D 01 00` ("RHCSAM", version
 * 1.0). T0 = 68: TB1 and TC1 present (both 00: no programming voltage, no extra guard time), 8 historical
 * bytes, T=0 only (so no TCK). RHC design choice: real PSAM ATRs are vendor specific.
 */
export const VIRTUAL_SAM_ATR: Uint8Array = Uint8Array.from([
  0x3b, 0x68, 0x00, 0x00, 0x52, 0x48, 0x43, 0x53, 0x41, 0x4d, 0x01, 0x00,
]);

/** 80 DE P1 → number of diversification levels, and which key kinds it may address (§6.4 table). */
const KEY_SETUP_P1: ReadonlyMap<number, { levels: 1 | 2 }> = new Map([
  [0x27, { levels: 1 }],
  [0x47, { levels: 2 }],
  [0x28, { levels: 1 }],
  [0x48, { levels: 2 }],
]);

const FACTOR = 8;
const DEFAULT_PIN_RETRY_LIMIT = 3;

export interface VirtualSamOptions {
  readonly masterKeys: MasterKeySet;
  /** Its key table (§7.1) maps 80 DE P1/P2 to key slots and diversification levels. */
  readonly profile: Pick<CardProfile, 'id' | 'keys'>;
  readonly pki: SamPki;
  /** SAM PIN, 4–12 digits. */
  readonly pin: string;
  /** SAM serial number, 10 bytes (MF/0015 bytes 1–10; must match the SAM certificate). */
  readonly serial: Uint8Array;
  /** 终端机编号, 6 bytes (MF/0016; must match the SAM certificate). */
  readonly terminalId: Uint8Array;
  readonly random?: Random;
  /** Wrong PIN presentations before 69 83 (default 3). */
  readonly pinRetryLimit?: number;
  readonly publicInfo?: SamPublicInfo;
  readonly applicationInfo?: SamApplicationInfo;
}

interface CommandDef {
  readonly cla: number;
  readonly ins: number;
  readonly name: string;
  /** 'file': decided by the selected EF's readNeedsPin. */
  readonly pin: 'required' | 'not-required' | 'file';
  /** Needs the health-card application DF01 selected (§7.4 G): its keys live there. */
  readonly inApplication?: boolean;
  readonly run: (sam: VirtualSam, c: CommandApdu) => ResponseApdu;
}

const ok = (data?: Uint8Array): ResponseApdu => response(SW.OK, data);
const sw = (code: number): ResponseApdu => response(code);
const bytesAvailable = (n: number): ResponseApdu => response(SW.BYTES_AVAILABLE | (n & 0xff));

/** Volatile state: lost on reset. */
interface Session {
  df: number;
  ef?: SamFileSpec;
  pinVerified: boolean;
  processKey?: { key: Uint8Array; keyName: string; version: number };
  pending?: Uint8Array;
  sm3?: Hash;
}

const freshSession = (): Session => ({ df: SAM_MF, pinVerified: false });

export class VirtualSam implements CardConnection {
  readonly profileId: string;
  readonly keySetId: string;
  readonly isTestKeys: boolean;
  readonly serial: Uint8Array;
  readonly terminalId: Uint8Array;
  readonly samPublicKey: string;

  readonly #keys: ReadonlyMap<string, Uint8Array>;
  readonly #keyTable: readonly KeySpec[];
  readonly #samPrivateKey: string;
  readonly #files: ReadonlyMap<SamFileId, Uint8Array>;
  readonly #random: Random;
  readonly #pin: PinState;
  #session: Session = freshSession();
  #powered = true;
  /** Commands handled since construction (for benchmarks and tests). */
  commandCount = 0;

  constructor(options: VirtualSamOptions) {
    const { masterKeys, profile, pki } = options;
    const keys = new Map<string, Uint8Array>();
    for (const [slot, key] of masterKeys.keys) {
      if (!(key instanceof Uint8Array) || key.length !== 16)
        throw new SamConfigError(`masterKeys[${slot}]`, 'must be a 16-byte SM4 key');
      keys.set(slot, key.slice());
    }
    if (!(options.serial instanceof Uint8Array) || options.serial.length !== 10)
      throw new SamConfigError('serial', 'must be 10 bytes');
    if (!(options.terminalId instanceof Uint8Array) || options.terminalId.length !== 6)
      throw new SamConfigError('terminalId', 'must be 6 bytes');
    let cert;
    try {
      cert = decodeSamCertificate(pki.samCertificate);
    } catch (e) {
      throw new SamConfigError('pki.samCertificate', describeError(e));
    }
    if (cert.publicKey !== pki.samKey.publicKey.toLowerCase())
      throw new SamConfigError('pki.samCertificate', 'certifies another public key than pki.samKey');
    if (toHex(cert.samSerial) !== toHex(options.serial))
      throw new SamConfigError('serial', 'differs from the serial in the SAM certificate');
    if (toHex(cert.terminalId) !== toHex(options.terminalId))
      throw new SamConfigError('terminalId', 'differs from the terminal number in the SAM certificate');
    if (pki.issuerCertificate.length !== 180)
      throw new SamConfigError('pki.issuerCertificate', 'must be 180 bytes');

    this.profileId = profile.id;
    this.keySetId = masterKeys.id;
    this.isTestKeys = masterKeys.isTestKeys;
    this.serial = options.serial.slice();
    this.terminalId = options.terminalId.slice();
    this.samPublicKey = pki.samKey.publicKey.toLowerCase();
    this.#keys = keys;
    this.#keyTable = profile.keys;
    this.#samPrivateKey = pki.samKey.privateKey;
    this.#random = options.random ?? systemRandom;
    this.#pin = new PinState(options.pin, options.pinRetryLimit ?? DEFAULT_PIN_RETRY_LIMIT);
    const application = options.applicationInfo ?? defaultApplicationInfo();
    this.#files = new Map<SamFileId, Uint8Array>([
      ['public', encodePublicInfo(this.serial, options.publicInfo ?? DEFAULT_PUBLIC_INFO)],
      ['terminal', this.terminalId.slice()],
      ['application', encodeApplicationInfo(application)],
      ['issuerCertificate', pki.issuerCertificate.slice()],
      ['samCertificate', pki.samCertificate.slice()],
    ]);
  }

  // ---------- CardConnection ----------

  async transmit(command: CommandApdu): Promise<ResponseApdu> {
    if (!this.#powered) throw new CardRemovedError('virtual SAM is closed (虚拟 SAM 已关闭)');
    return this.process(command);
  }

  async reset(): Promise<Uint8Array> {
    this.#powered = true;
    this.#session = freshSession();
    return VIRTUAL_SAM_ATR.slice();
  }

  async close(): Promise<void> {
    this.#powered = false;
    this.#session = freshSession();
  }

  /** Byte-level exchange (vpcd bridge, fuzzing): a malformed APDU gets 67 00, never an exception. */
  transmitBytes(raw: Uint8Array): Uint8Array {
    if (!this.#powered) throw new CardRemovedError('virtual SAM is closed (虚拟 SAM 已关闭)');
    let c: CommandApdu;
    try {
      c = decodeCommand(raw);
    } catch {
      this.#session.pending = undefined;
      return encodeResponse(sw(SW.WRONG_LENGTH));
    }
    return encodeResponse(this.process(c));
  }

  get atr(): Uint8Array {
    return VIRTUAL_SAM_ATR.slice();
  }

  get pinTriesLeft(): number {
    return this.#pin.triesLeft;
  }

  /** Synchronous APDU interpreter (the transport wraps it). */
  process(c: CommandApdu): ResponseApdu {
    this.commandCount++;
    const s = this.#session;
    const isGetResponse = c.cla === 0x00 && c.ins === 0xc0;
    if (!isGetResponse) s.pending = undefined; // a result is only available to the very next command
    const byIns = COMMANDS.filter((d) => d.ins === c.ins);
    if (byIns.length === 0) return sw(SW.INS_NOT_SUPPORTED);
    const def = byIns.find((d) => d.cla === c.cla);
    if (!def) return sw(SW.CLA_NOT_SUPPORTED);
    const needsPin = def.pin === 'required' || (def.pin === 'file' && (s.ef?.readNeedsPin ?? false));
    if (needsPin && !s.pinVerified) return sw(SW.SECURITY_STATUS_NOT_SATISFIED);
    if (def.inApplication && s.df !== SAM_DF01) return sw(SW.CONDITIONS_NOT_SATISFIED);
    return def.run(this, c);
  }

  // ---------- command handlers (called through COMMANDS) ----------

  /** @internal */
  select(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0 || c.p2 !== 0) return sw(SW.INCORRECT_P1P2);
    const s = this.#session;
    if (c.data.length === 0) {
      s.df = SAM_MF; // `00 A4 00 00 00`: select MF
      s.ef = undefined;
      return ok();
    }
    if (c.data.length !== 2) return sw(SW.WRONG_LENGTH);
    const fid = (c.data[0] << 8) | c.data[1];
    const df = SAM_DFS.find(
      (d) => d.fid === fid && (d.parent === undefined || d.parent === s.df || d.fid === s.df),
    );
    if (df) {
      s.df = df.fid;
      s.ef = undefined;
      return ok();
    }
    const ef = SAM_FILES.find((f) => f.fid === fid && f.df === s.df);
    if (!ef) return sw(SW.FILE_NOT_FOUND);
    s.ef = ef;
    return ok();
  }

  /** @internal */
  readBinary(c: CommandApdu): ResponseApdu {
    const ef = this.#session.ef;
    if (c.p1 & 0x80) return sw(SW.FUNCTION_NOT_SUPPORTED); // SFI form: not offered by the SAM
    if (!ef) return sw(SW.NO_CURRENT_EF);
    const content = this.#files.get(ef.id) as Uint8Array;
    const offset = (c.p1 << 8) | c.p2;
    if (offset >= content.length) return sw(SW.WRONG_PARAMETERS);
    const available = content.length - offset;
    const le = c.le ?? 256;
    const data = content.slice(offset, offset + Math.min(le, available));
    // Le 00 means "up to 256": everything that is there. An explicit Le past the end gets 62 82 + the rest.
    return le !== 256 && le > available ? response(SW.END_OF_FILE, data) : ok(data);
  }

  /** @internal */
  verify(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0 || c.p2 !== 0) return sw(SW.INCORRECT_P1P2);
    const s = this.#session;
    if (c.data.length === 0) {
      // ISO 7816-4: VERIFY without data asks for the state
      if (s.pinVerified) return ok();
      return this.#pin.blocked ? sw(SW.AUTH_METHOD_BLOCKED) : sw(SW.VERIFY_FAILED | this.#pin.triesLeft);
    }
    if (this.#pin.blocked) return sw(SW.AUTH_METHOD_BLOCKED);
    if (c.data.length < 2 || c.data.length > 6) return sw(SW.WRONG_LENGTH);
    const pin = decodePinBcd(c.data);
    if (pin === undefined) return sw(SW.INCORRECT_DATA);
    return this.#presentPin(pin);
  }

  #presentPin(pin: string): ResponseApdu {
    const s = this.#session;
    const r = this.#pin.check(pin);
    if (r.ok) {
      s.pinVerified = true;
      return ok();
    }
    s.pinVerified = false;
    return r.blocked ? sw(SW.AUTH_METHOD_BLOCKED) : sw(SW.VERIFY_FAILED | r.triesLeft);
  }

  /** @internal `80 5E 01 00 Lc old ‖ FF ‖ new`: proves the old PIN itself (counted like VERIFY). */
  changePin(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0x01 || c.p2 !== 0x00) return sw(SW.INCORRECT_P1P2);
    const sep = c.data.indexOf(0xff);
    if (sep < 0) return sw(SW.INCORRECT_DATA);
    const oldPin = decodePinBcd(c.data.subarray(0, sep));
    const newPin = decodePinBcd(c.data.subarray(sep + 1));
    if (oldPin === undefined || newPin === undefined || !/^\d{4,12}$/.test(newPin))
      return sw(SW.INCORRECT_DATA);
    const r = this.#presentPin(oldPin);
    if (r.sw !== SW.OK) return r;
    this.#pin.change(newPin);
    return ok();
  }

  /** @internal */
  getChallenge(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0 || c.p2 !== 0) return sw(SW.INCORRECT_P1P2);
    if (c.le === undefined || c.le < 4 || c.le > 16 || c.data.length > 0) return sw(SW.WRONG_LENGTH);
    return ok(this.#random.bytes(c.le));
  }

  /** @internal `80 DE P1 P2 Lc card ‖ [city] ‖ random`: derive K_card and the process key (§7.3). */
  keySetup(c: CommandApdu): ResponseApdu {
    const s = this.#session;
    s.processKey = undefined;
    const kind = KEY_SETUP_P1.get(c.p1);
    if (!kind) return sw(SW.INCORRECT_P1P2);
    if (c.data.length !== (kind.levels + 1) * FACTOR) return sw(SW.WRONG_LENGTH);
    const index = c.p2 & 0x1f;
    const requested = c.p2 >> 5;
    const spec = this.#keyTable.find((k) => k.samIndex === index && k.samP1 === c.p1);
    if (!spec) return sw(SW.KEY_NOT_FOUND);
    const version = resolveVersion(spec, requested);
    const master = version === undefined ? undefined : this.#keys.get(keySlot(spec.samIndex, version));
    if (!master || version === undefined) return sw(SW.KEY_NOT_FOUND);
    const card = c.data.subarray(0, FACTOR);
    const city = kind.levels === 2 ? c.data.subarray(FACTOR, 2 * FACTOR) : new Uint8Array(FACTOR);
    const random = c.data.subarray(kind.levels * FACTOR);
    const cardKey = deriveCardKey(master, { levels: kind.levels }, card, city);
    s.processKey = { key: processKey(cardKey, random), keyName: spec.name, version };
    return ok();
  }

  /** @internal `80 FA 00 00` encrypt (ECB) / `80 FA 05 00` MAC (first 16 bytes = IV) under the process key. */
  cryptoCompute(c: CommandApdu): ResponseApdu {
    const s = this.#session;
    if (c.p2 !== 0 || (c.p1 !== 0x00 && c.p1 !== 0x05)) return sw(SW.INCORRECT_P1P2);
    if (!s.processKey) return sw(SW.CONDITIONS_NOT_SATISFIED);
    const n = c.data.length;
    if (n === 0 || n % 16 !== 0) return sw(SW.WRONG_LENGTH);
    let result: Uint8Array;
    if (c.p1 === 0x00) {
      if (n > 240) return sw(SW.WRONG_LENGTH); // the answer must fit one GET RESPONSE
      result = sm4EncryptEcb(s.processKey.key, c.data);
    } else {
      if (n < 32) return sw(SW.WRONG_LENGTH);
      // §6.3 step 3: the SAM returns the 4-byte MAC (first 4 bytes of the last CBC block)
      result = sm4CbcMacBlock(s.processKey.key, c.data).slice(0, 4);
    }
    s.pending = result;
    return bytesAvailable(result.length);
  }

  /** @internal */
  getResponse(c: CommandApdu): ResponseApdu {
    const s = this.#session;
    if (c.p1 !== 0 || c.p2 !== 0) return sw(SW.INCORRECT_P1P2);
    const pending = s.pending;
    if (!pending) return sw(SW.CONDITIONS_NOT_SATISFIED);
    const le = c.le ?? 0;
    if (le !== pending.length && !(le === 256 && pending.length === 256)) {
      s.pending = pending; // keep it for the corrected GET RESPONSE
      return sw(SW.WRONG_LE | (pending.length & 0xff));
    }
    s.pending = undefined;
    return ok(pending);
  }

  /** @internal `80 CC P1 00 Lc data`: P1 01 = more data follows, 00 = last block → SM3 digest. */
  sm3Digest(c: CommandApdu): ResponseApdu {
    const s = this.#session;
    if (c.p2 !== 0 || (c.p1 !== 0x00 && c.p1 !== 0x01)) return sw(SW.INCORRECT_P1P2);
    s.sm3 ??= createHash('sm3');
    s.sm3.update(c.data);
    if (c.p1 === 0x01) return ok();
    const digest = new Uint8Array(s.sm3.digest());
    s.sm3 = undefined;
    s.pending = digest;
    return bytesAvailable(digest.length);
  }

  /** @internal `80 CE 00 00 20 e`: SM2 signature of a prepared digest e = SM3(Z_A ‖ M) → r ‖ s. */
  sm2Sign(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0 || c.p2 !== 0) return sw(SW.INCORRECT_P1P2);
    if (c.data.length !== 32) return sw(SW.WRONG_LENGTH);
    const sig = sm2SignDigest(this.#samPrivateKey, c.data);
    this.#session.pending = sig;
    return bytesAvailable(sig.length);
  }

  // ---------- safe views ----------

  /** Public facts only: never master keys or the SM2 private key. */
  toJSON(): Record<string, unknown> {
    return {
      kind: 'rhc-virtual-sam',
      profile: this.profileId,
      keySetId: this.keySetId,
      isTestKeys: this.isTestKeys,
      keySlots: this.#keys.size,
      serial: toHex(this.serial),
      terminalId: toHex(this.terminalId),
      samPublicKey: this.samPublicKey,
      pinTriesLeft: this.#pin.triesLeft,
      atr: toHex(VIRTUAL_SAM_ATR),
    };
  }

  [inspect.custom](): string {
    return `VirtualSam ${JSON.stringify(this.toJSON())}`;
  }
}

/**
 * Key version of an 80 DE P2: 1…7 as given; 0 = "the key's only version" for single-version keys (the STK
 * values the deployed code sends carry version 0, §7.1). 0 for a multi-version key is refused unless 0 is
 * itself one of its versions.
 */
function resolveVersion(spec: KeySpec, requested: number): number | undefined {
  if (spec.versions.includes(requested)) return requested;
  if (requested === 0 && spec.versions.length === 1) return spec.versions[0];
  return undefined;
}

function defaultApplicationInfo(): SamApplicationInfo {
  return {
    keyIndex: 0x01,
    issuerId: Uint8Array.from([0x41, 0x01, 0, 0, 0, 0, 0, 0x01]),
    receiverId: Uint8Array.from([0x41, 0x01, 0, 0, 0, 0, 0, 0x01]),
    startDate: '20240101',
    expiryDate: '20991231',
  };
}

/** The SAM command set as data (§6.4): CLA/INS → handler and PIN rule. */
const COMMANDS: readonly CommandDef[] = [
  { cla: 0x00, ins: 0xa4, name: 'SELECT', pin: 'not-required', run: (s, c) => s.select(c) },
  { cla: 0x00, ins: 0xb0, name: 'READ BINARY', pin: 'file', run: (s, c) => s.readBinary(c) },
  { cla: 0x00, ins: 0x20, name: 'VERIFY', pin: 'not-required', run: (s, c) => s.verify(c) },
  // CHANGE PIN proves the old PIN itself (with the retry counter), so it does not need a prior VERIFY
  { cla: 0x80, ins: 0x5e, name: 'CHANGE PIN', pin: 'not-required', run: (s, c) => s.changePin(c) },
  { cla: 0x00, ins: 0x84, name: 'GET CHALLENGE', pin: 'required', run: (s, c) => s.getChallenge(c) },
  {
    cla: 0x80,
    ins: 0xde,
    name: 'KEY SET-UP',
    pin: 'required',
    inApplication: true,
    run: (s, c) => s.keySetup(c),
  },
  {
    cla: 0x80,
    ins: 0xfa,
    name: 'CRYPTO COMPUTE',
    pin: 'required',
    inApplication: true,
    run: (s, c) => s.cryptoCompute(c),
  },
  // only ever returns what a PIN-protected command just computed
  { cla: 0x00, ins: 0xc0, name: 'GET RESPONSE', pin: 'not-required', run: (s, c) => s.getResponse(c) },
  {
    cla: 0x80,
    ins: 0xcc,
    name: 'SM3 DIGEST',
    pin: 'required',
    inApplication: true,
    run: (s, c) => s.sm3Digest(c),
  },
  {
    cla: 0x80,
    ins: 0xce,
    name: 'SM2 SIGN',
    pin: 'required',
    inApplication: true,
    run: (s, c) => s.sm2Sign(c),
  },
];

/** Names of the commands the SAM understands (documentation, tests). */
export const SAM_COMMANDS: readonly { cla: number; ins: number; name: string; pin: string }[] = COMMANDS.map(
  ({ cla, ins, name, pin }) => ({ cla, ins, name, pin }),
);

export { SAM_DF01, SAM_MF };
