// What one command handler sees: the card's persistent state, the volatile session (current DF/EF,
// security state, challenge, pending response) and the helpers shared by the handlers.
import type { CommandApdu, ResponseApdu } from '../../card/apdu.ts';
import type { AccessCondition, DfSpec, EfSpec, KeySpec } from '../../card/image.ts';
import type { Random } from '../../base/runtime.ts';
import { SW } from '../../card/status-words.ts';
import { processKey, secureMessagingMac, equalBytes, sm4DecryptEcb, unpadIso } from '../../crypto/index.ts';
import { cardKeySlot } from './state.ts';
import type { BlockState, CardState } from './state.ts';
import type { ProfileTree } from './tree.ts';

/** A handler's way to answer with a status word: thrown, caught by the dispatcher. */
export class CardStatus extends Error {
  constructor(readonly sw: number) {
    super(`SW ${sw.toString(16)}`);
  }
}

export function fail(sw: number): never {
  throw new CardStatus(sw);
}

export const ok = (data: Uint8Array = new Uint8Array(0)): ResponseApdu => ({ data, sw: SW.OK });

export interface Session {
  readonly tree: ProfileTree;
  readonly state: CardState;
  readonly random: Random;
  currentDf: DfSpec;
  currentEf: EfSpec | undefined;
  /** Key names authenticated by EXTERNAL AUTHENTICATE in the current DF (§2.3). */
  readonly granted: Set<string>;
  /** The one live challenge: replaced by GET CHALLENGE, consumed by the next command that uses it. */
  challenge: Uint8Array | undefined;
  /** Data waiting for GET RESPONSE after a 61 xx. */
  pending: Uint8Array | undefined;
  /** Journaled NVM write (anti-tearing commit) followed by the persistence hook. */
  commit(path: string, offset: number, data: Uint8Array): void;
  /** Persistence hook after a non-file NVM change (retry counter, life cycle, blocks). */
  changed(): void;
}

export type Handler = (s: Session, c: CommandApdu) => ResponseApdu;

/** Selecting a different DF drops the rights gained in the old one (§2.3). */
export function enterDf(s: Session, df: DfSpec): void {
  if (df !== s.currentDf) {
    s.granted.clear();
    s.currentDf = df;
  }
}

export function takeChallenge(s: Session): Uint8Array {
  const r = s.challenge;
  s.challenge = undefined;
  if (!r) fail(SW.REFERENCED_DATA_INVALID);
  return r;
}

/** The card's copy of a key: the requested version, or the lowest version for single-version use. */
export function cardKey(s: Session, spec: KeySpec, version?: number): Uint8Array {
  const v = version ?? Math.min(...spec.versions);
  const k = s.state.keys.get(cardKeySlot(spec.name, v));
  if (!k) fail(SW.KEY_NOT_FOUND);
  return k;
}

export function keyNamed(s: Session, name: string): KeySpec {
  return s.tree.keyByName(name) ?? fail(SW.KEY_NOT_FOUND);
}

/** Block state of the current application: the strongest block on the DF chain. */
export function blockState(s: Session, df: DfSpec = s.currentDf): BlockState | undefined {
  let found: BlockState | undefined;
  for (const d of s.tree.chain(df)) {
    const b = s.state.appBlocks.get(s.tree.pathName(d));
    if (b === 'permanent') return b;
    if (b) found = b;
  }
  return found;
}

/** The EF a command addresses: the current EF (SFI 0) or the EF with that SFI in the current DF. */
export function targetEf(s: Session, sfi: number): EfSpec {
  if (sfi === 0) return s.currentEf ?? fail(SW.NO_CURRENT_EF);
  const ef = s.tree.efBySfi(s.currentDf, sfi) ?? fail(SW.FILE_NOT_FOUND);
  s.currentEf = ef;
  return ef;
}

/**
 * Checks an access condition (§2.3). Order: never / life cycle (69 85), right (69 82), SM form (69 82 for
 * a plain command where SM is required, 68 82 for SM where the file takes plain writes only is decided
 * by the caller, which knows whether SM is acceptable).
 */
export function checkAccess(s: Session, cond: AccessCondition, viaSm: boolean): void {
  if (cond.right === 'never') fail(SW.CONDITIONS_NOT_SATISFIED);
  if (
    cond.personalisationOnly &&
    s.tree.profile.options.lockAfterIssuance &&
    s.state.lifecycle !== 'personalisation'
  )
    fail(SW.CONDITIONS_NOT_SATISFIED);
  if (cond.right !== 'always' && !s.granted.has(cond.right)) fail(SW.SECURITY_STATUS_NOT_SATISFIED);
  if (cond.smKey && !viaSm) fail(SW.SECURITY_STATUS_NOT_SATISFIED);
}

const header = (c: CommandApdu): Uint8Array => Uint8Array.from([c.cla, c.ins, c.p1, c.p2, c.data.length]);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Secure-messaging data object of §6.3: ciphertext ‖ MAC(4). Checks the form, consumes the challenge, verifies the MAC
 * FIRST (over header ‖ ciphertext), then decrypts and strips the padding. Returns the plain block without
 * padding (LL ‖ payload).
 */
export function unwrapSm(s: Session, c: CommandApdu, stk: KeySpec): Uint8Array {
  if (c.data.length < 4) fail(SW.SM_DATA_MISSING);
  const cipher = c.data.subarray(0, c.data.length - 4);
  const mac = c.data.subarray(c.data.length - 4);
  if (cipher.length === 0 || cipher.length % 16 !== 0) fail(SW.WRONG_LENGTH);
  const r = takeChallenge(s);
  const sk = processKey(cardKey(s, stk), r);
  if (!equalBytes(secureMessagingMac(sk, concat(header(c), cipher)), mac)) fail(SW.SM_DATA_INCORRECT);
  const plain = unpadIso(sm4DecryptEcb(sk, cipher));
  if (!plain || plain.length < 1 || plain[0] !== plain.length - 1) fail(SW.INCORRECT_DATA);
  return plain;
}

/** MAC-only command (`84 xx … 04` ‖ MAC): block/unblock, END PERSONALISATION, WRITE/ERASE RECORD MAC form. */
export function verifyCommandMac(s: Session, c: CommandApdu, key: KeySpec): void {
  if (c.data.length === 0) fail(SW.SM_DATA_MISSING);
  if (c.data.length !== 4) fail(SW.WRONG_LENGTH);
  const r = takeChallenge(s);
  const sk = processKey(cardKey(s, key), r);
  if (!equalBytes(secureMessagingMac(sk, header(c)), c.data)) fail(SW.SM_DATA_INCORRECT);
}
