// The virtual user card: an ISO 7816-4 interpreter over a CardProfile (card-format.md §2, §6, §7).
// Implements CardConnection so the reader library can use it in memory; the vpcd bridge and the fuzz
// script use the byte-level `transmitBytes`. Malformed APDUs never throw: they get a status word.
import { decodeCommand, encodeResponse } from '../../card/apdu.ts';
import type { CommandApdu, ResponseApdu } from '../../card/apdu.ts';
import { contactlessAtr } from '../../card/factors.ts';
import type { DfSpec, EfSpec } from '../../card/image.ts';
import { systemRandom } from '../../base/runtime.ts';
import type { Random } from '../../base/runtime.ts';
import { SW } from '../../card/status-words.ts';
import { CardRemovedError } from '../../card/transport.ts';
import type { CardConnection } from '../../card/transport.ts';
import {
  eraseRecord,
  readBinary,
  readRecord,
  select,
  updateBinary,
  updateRecord,
  writeRecord,
} from './file-commands.ts';
import { MemoryFailureError, PowerCutError } from './nvm.ts';
import type { FaultInjector } from './nvm.ts';
import {
  applicationBlock,
  applicationUnblock,
  cardBlock,
  endPersonalisation,
  externalAuthenticate,
  getChallenge,
  getResponse,
  internalAuthenticate,
} from './security-commands.ts';
import { CardStatus, blockState } from './session.ts';
import type { Handler, Session } from './session.ts';
import type { CardState } from './state.ts';
import { ProfileTree } from './tree.ts';

interface CommandEntry {
  readonly handler: Handler;
  /** CLA bytes the command accepts; CLA 04 on a command without an SM form answers 68 82. */
  readonly cla: readonly number[];
  /** Allowed while the current application is temporarily blocked. */
  readonly whileBlocked?: boolean;
}

const COMMANDS: ReadonlyMap<number, CommandEntry> = new Map([
  [0xa4, { handler: select, cla: [0x00], whileBlocked: true }],
  [0xb0, { handler: readBinary, cla: [0x00] }],
  [0xd6, { handler: updateBinary, cla: [0x00, 0x04] }],
  [0xb2, { handler: readRecord, cla: [0x00] }],
  [0xdc, { handler: updateRecord, cla: [0x00, 0x04] }],
  [0xd2, { handler: writeRecord, cla: [0x84] }],
  [0x0c, { handler: eraseRecord, cla: [0x84] }],
  [0x84, { handler: getChallenge, cla: [0x00], whileBlocked: true }],
  [0x82, { handler: externalAuthenticate, cla: [0x00] }],
  [0x88, { handler: internalAuthenticate, cla: [0x00] }],
  [0x1e, { handler: applicationBlock, cla: [0x84] }],
  [0x18, { handler: applicationUnblock, cla: [0x84], whileBlocked: true }],
  [0x16, { handler: cardBlock, cla: [0x84] }],
  [0xee, { handler: endPersonalisation, cla: [0x84] }],
]);

const GET_RESPONSE = 0xc0;
const KNOWN_CLA = new Set([0x00, 0x04, 0x84]);

export interface VirtualCardOptions {
  /** Source of GET CHALLENGE values (inject seededRandom / replayRandom for reproducible sessions). */
  readonly random?: Random;
  /** Called after every accepted change of NVM (file write, retry counter, life cycle, block). */
  readonly onChange?: (state: CardState) => void;
}

export class VirtualCard implements CardConnection {
  readonly state: CardState;
  readonly tree: ProfileTree;
  private readonly random: Random;
  private readonly onChange: ((state: CardState) => void) | undefined;
  private session: Session | undefined;

  constructor(state: CardState, options: VirtualCardOptions = {}) {
    this.state = state;
    this.tree = new ProfileTree(state.profile);
    this.random = options.random ?? systemRandom;
    this.onChange = options.onChange;
  }

  /** PC/SC ATR `3B 88 80 01` ‖ historical bytes ‖ TCK (§7.2). */
  get atr(): Uint8Array {
    return contactlessAtr(this.state.historicalBytes);
  }

  /** Fault injection for tearing tests (cut power after n byte-writes, memory failure). */
  get faults(): FaultInjector {
    return this.state.memory.faults;
  }

  get powered(): boolean {
    return this.session !== undefined;
  }

  /** Power-up (or warm reset): NVM recovery, MF selected, security state and challenge cleared. */
  powerOn(): Uint8Array {
    this.state.memory.recover();
    const { state, onChange } = this;
    this.session = {
      tree: this.tree,
      state: this.state,
      random: this.random,
      currentDf: this.tree.mf,
      currentEf: undefined,
      granted: new Set(),
      challenge: undefined,
      pending: undefined,
      commit(path, offset, data) {
        state.memory.write(path, offset, data);
        onChange?.(state);
      },
      changed() {
        onChange?.(state);
      },
    };
    return this.atr;
  }

  powerOff(): void {
    this.session = undefined;
  }

  async reset(): Promise<Uint8Array> {
    return this.powerOn();
  }

  async close(): Promise<void> {
    this.powerOff();
  }

  async transmit(command: CommandApdu): Promise<ResponseApdu> {
    return this.transmitApdu(command);
  }

  /** Byte-level exchange (vpcd, fuzzing): a malformed APDU gets 67 00, never an exception. */
  transmitBytes(raw: Uint8Array): Uint8Array {
    if (!this.session) throw new CardRemovedError('virtual card is not powered (call reset first)');
    let cmd: CommandApdu;
    try {
      cmd = decodeCommand(raw);
    } catch {
      this.session.pending = undefined;
      return encodeResponse({ data: new Uint8Array(0), sw: SW.WRONG_LENGTH });
    }
    return encodeResponse(this.transmitApdu(cmd));
  }

  /** Synchronous core of transmit. Throws CardRemovedError only when unpowered or on an injected power cut. */
  transmitApdu(c: CommandApdu): ResponseApdu {
    const s = this.session;
    if (!s) throw new CardRemovedError('virtual card is not powered (call reset first)');
    const pending = s.pending;
    s.pending = undefined;
    try {
      return this.dispatch(s, c, pending);
    } catch (err) {
      if (err instanceof CardStatus) return { data: new Uint8Array(0), sw: err.sw };
      if (err instanceof MemoryFailureError) return { data: new Uint8Array(0), sw: SW.MEMORY_FAILURE };
      if (err instanceof PowerCutError) {
        this.powerOff();
        throw new CardRemovedError('power cut during an NVM write (injected fault)');
      }
      throw err;
    }
  }

  private dispatch(s: Session, c: CommandApdu, pending: Uint8Array | undefined): ResponseApdu {
    if (!wellFormed(c)) return { data: new Uint8Array(0), sw: SW.WRONG_LENGTH };
    if (!KNOWN_CLA.has(c.cla)) return { data: new Uint8Array(0), sw: SW.CLA_NOT_SUPPORTED };
    if (c.ins === GET_RESPONSE) {
      if (c.cla !== 0x00) return { data: new Uint8Array(0), sw: SW.CLA_NOT_SUPPORTED };
      return getResponse(s, c, pending);
    }
    const entry = COMMANDS.get(c.ins);
    if (!entry) return { data: new Uint8Array(0), sw: SW.INS_NOT_SUPPORTED };
    if (!entry.cla.includes(c.cla))
      return { data: new Uint8Array(0), sw: c.cla === 0x04 ? SW.SM_NOT_SUPPORTED : SW.CLA_NOT_SUPPORTED };
    if (this.state.cardBlocked) return { data: new Uint8Array(0), sw: SW.FUNCTION_NOT_SUPPORTED };
    if (!entry.whileBlocked) {
      const block = blockState(s);
      if (block === 'permanent') return { data: new Uint8Array(0), sw: SW.APPLICATION_PERMANENTLY_BLOCKED };
      if (block === 'temporary') return { data: new Uint8Array(0), sw: SW.FUNCTION_NOT_SUPPORTED };
    }
    return entry.handler(s, c);
  }

  /** Current DF and EF path names (tests, diagnostics). */
  get selection(): { df: string; ef: string | undefined } {
    const s = this.session;
    if (!s) return { df: '', ef: undefined };
    return { df: this.tree.pathName(s.currentDf), ef: s.currentEf && this.tree.pathName(s.currentEf) };
  }

  /** Security state of the session: rights held in the current DF (tests, fuzzing). */
  get grantedRights(): readonly string[] {
    return this.session ? [...this.session.granted] : [];
  }

  /** Content of one EF as committed in NVM (tests, dumps). */
  fileBytes(pathName: string): Uint8Array {
    return this.state.memory.read(pathName).slice();
  }

  /** The DF / EF spec at a path name. */
  node(pathName: string): DfSpec | EfSpec | undefined {
    return this.tree.node(pathName);
  }
}

/** A CommandApdu built by hand (not decoded) may carry values a short APDU cannot encode. */
function wellFormed(c: CommandApdu): boolean {
  const byte = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xff;
  return (
    byte(c.cla) &&
    byte(c.ins) &&
    byte(c.p1) &&
    byte(c.p2) &&
    c.data instanceof Uint8Array &&
    c.data.length <= 255 &&
    (c.le === undefined || (Number.isInteger(c.le) && c.le >= 1 && c.le <= 256))
  );
}
