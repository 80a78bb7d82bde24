// Security commands of card-format.md §6.1 / §7.4: GET CHALLENGE, EXTERNAL / INTERNAL AUTHENTICATE, GET
// RESPONSE, and the MAC-protected administration commands (application block/unblock, card block, END
// PERSONALISATION). Keys are resolved through the profile's key table, never by FID in code.
import type { CommandApdu, ResponseApdu } from '../../card/apdu.ts';
import type { EfSpec } from '../../card/image.ts';
import { findCardKey } from '../../card/profiles/index.ts';
import { SW } from '../../card/status-words.ts';
import { authCryptogram, equalBytes, processKey } from '../../crypto/index.ts';
import { blockState, cardKey, fail, keyNamed, ok, takeChallenge, verifyCommandMac } from './session.ts';
import type { Session } from './session.ts';

const CHALLENGE_LENGTH = 8;

export function getChallenge(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0 || c.p2 !== 0) fail(SW.INCORRECT_P1P2);
  if (c.data.length > 0 || c.le === undefined) fail(SW.WRONG_LENGTH);
  if (c.le !== CHALLENGE_LENGTH) fail(SW.WRONG_LE | CHALLENGE_LENGTH);
  s.challenge = s.random.bytes(CHALLENGE_LENGTH);
  return ok(s.challenge.slice());
}

function retryLimit(s: Session): number {
  return s.tree.profile.options.keyRetryLimit;
}

/** 00 82 00 <key id> 11: cryptogram(8) ‖ authData(8) ‖ key version(1) against the latest challenge. */
export function externalAuthenticate(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0) fail(SW.INCORRECT_P1P2);
  if (c.data.length !== 17) fail(SW.WRONG_LENGTH);
  // key id per §7.1: bit 8 set = a key of the current DF, else a DDF1 (or MF) key
  const spec = findCardKey(s.tree.profile, s.currentDf.fid, c.p2, 'external-auth') ?? fail(SW.KEY_NOT_FOUND);
  const version = c.data[16];
  if (!spec.versions.includes(version)) fail(SW.KEY_NOT_FOUND);
  const key = cardKey(s, spec, version);
  const left = s.state.retries.get(spec.name) ?? retryLimit(s);
  if (left <= 0) fail(SW.AUTH_METHOD_BLOCKED);
  const r = takeChallenge(s);
  const expected = authCryptogram(processKey(key, r), c.data.subarray(8, 16));
  if (!equalBytes(expected, c.data.subarray(0, 8))) {
    s.state.retries.set(spec.name, left - 1);
    s.changed();
    if (left - 1 === 0) fail(SW.AUTH_METHOD_BLOCKED);
    fail(SW.VERIFY_FAILED | Math.min(left - 1, 15));
  }
  if (s.state.retries.has(spec.name)) {
    s.state.retries.delete(spec.name);
    s.changed();
  }
  s.granted.add(spec.name);
  return ok();
}

/** 00 88 00 00 11: terminal random(8) ‖ authData(8) ‖ version → fold(SM4_SK(authData ‖ 0)), SK = D(IRK, Rs). */
export function internalAuthenticate(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0) fail(SW.INCORRECT_P1P2);
  if (c.data.length !== 17) fail(SW.WRONG_LENGTH);
  if (c.le !== undefined && c.le !== 8 && c.le !== 256) fail(SW.WRONG_LE | 8);
  const spec =
    s.tree.findKey(s.currentDf, 'internal-auth', c.p2 === 0 ? undefined : c.p2) ?? fail(SW.KEY_NOT_FOUND);
  const version = c.data[16];
  if (!spec.versions.includes(version)) fail(SW.KEY_NOT_FOUND);
  const answer = authCryptogram(
    processKey(cardKey(s, spec, version), c.data.subarray(0, 8)),
    c.data.subarray(8, 16),
  );
  if (c.le === undefined) {
    // T=0 style: no Le in the command → 61 08, the terminal fetches with GET RESPONSE.
    s.pending = answer;
    return { data: new Uint8Array(0), sw: SW.BYTES_AVAILABLE | answer.length };
  }
  return ok(answer);
}

export function getResponse(s: Session, c: CommandApdu, pending: Uint8Array | undefined): ResponseApdu {
  if (c.p1 !== 0 || c.p2 !== 0) fail(SW.INCORRECT_P1P2);
  if (c.data.length > 0 || c.le === undefined) fail(SW.WRONG_LENGTH);
  if (!pending) fail(SW.CONDITIONS_NOT_SATISFIED);
  if (c.le !== 256 && c.le !== pending.length) {
    s.pending = pending; // keep it for a retry with the right Le
    fail(SW.WRONG_LE | pending.length);
  }
  return ok(pending);
}

/** 84 1E 00 <00 temporary | 01 permanent> 04 ‖ MAC with the current DF's application-lock key. */
export function applicationBlock(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0 || c.p2 > 1) fail(SW.INCORRECT_P1P2);
  const key = s.tree.findKey(s.currentDf, 'application-lock') ?? fail(SW.KEY_NOT_FOUND);
  verifyCommandMac(s, c, key);
  const path = s.tree.pathName(s.currentDf);
  s.state.appBlocks.set(path, c.p2 === 1 ? 'permanent' : 'temporary');
  s.granted.clear();
  s.changed();
  return ok();
}

export function applicationUnblock(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0 || c.p2 !== 0) fail(SW.INCORRECT_P1P2);
  if (blockState(s) === 'permanent') fail(SW.APPLICATION_PERMANENTLY_BLOCKED);
  const key = s.tree.findKey(s.currentDf, 'application-lock') ?? fail(SW.KEY_NOT_FOUND);
  verifyCommandMac(s, c, key);
  s.state.appBlocks.delete(s.tree.pathName(s.currentDf));
  s.changed();
  return ok();
}

/** 84 16 00 00 04 ‖ MAC with the card-block key (BK_MF): the whole card answers 6A 81 from then on. */
export function cardBlock(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0 || c.p2 !== 0) fail(SW.INCORRECT_P1P2);
  const key = s.tree.findKey(s.currentDf, 'card-block') ?? fail(SW.KEY_NOT_FOUND);
  verifyCommandMac(s, c, key);
  s.state.cardBlocked = true;
  s.granted.clear();
  s.changed();
  return ok();
}

/**
 * 84 EE 00 00 04 ‖ MAC (proprietary, §2.3): ends personalisation. Data-driven: the current DF must hold
 * files whose update is personalisation-only; their update right must be granted and the MAC is computed
 * with their SM key.
 */
export function endPersonalisation(s: Session, c: CommandApdu): ResponseApdu {
  if (c.p1 !== 0 || c.p2 !== 0) fail(SW.INCORRECT_P1P2);
  if (s.state.lifecycle !== 'personalisation') fail(SW.CONDITIONS_NOT_SATISFIED);
  const locked = s.currentDf.children.find(
    (n): n is EfSpec => n.kind === 'ef' && n.access.update.personalisationOnly === true,
  );
  if (!locked) fail(SW.CONDITIONS_NOT_SATISFIED);
  const cond = locked.access.update;
  if (cond.right !== 'always' && !s.granted.has(cond.right)) fail(SW.SECURITY_STATUS_NOT_SATISFIED);
  const key = cond.smKey
    ? keyNamed(s, cond.smKey)
    : (s.tree.findKey(s.currentDf, 'secure-messaging') ?? fail(SW.KEY_NOT_FOUND));
  verifyCommandMac(s, c, key);
  s.state.lifecycle = 'issued';
  s.changed();
  return ok();
}
