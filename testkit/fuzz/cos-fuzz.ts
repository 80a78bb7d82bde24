// APDU fuzzer for the virtual card (scripts/fuzz-cos.ts runs it at length, fuzz.test.ts briefly): random
// APDUs, APDUs built from the command set with random parameters, and mutations of valid commands
// (including real authentications and SM writes, so that rights are sometimes held). Checks: no exception
// escapes, every answer is a well-formed R-APDU whose SW is in STATUS_WORDS, and no file changes unless
// the right of its access condition was held before the command.
import { decodeResponse, toHex } from '../../src/card/apdu.ts';
import { seededRandom } from '../../src/base/runtime.ts';
import { describeSw } from '../../src/card/status-words.ts';
import { TestTerminal, makeTestCard } from '../card-rig.ts';
import type { VirtualCard } from '../../src/cos/card/virtual-card.ts';

export interface FuzzReport {
  apdus: number;
  bySw: Map<string, number>;
  acceptedWrites: number;
  authentications: number;
  violations: string[];
}

const INS = [
  0xa4, 0xb0, 0xd6, 0xb2, 0xdc, 0xd2, 0x0c, 0x84, 0x82, 0x88, 0xc0, 0x1e, 0x18, 0x16, 0xee, 0x20, 0xca,
];
const CLA = [0x00, 0x04, 0x84, 0x80, 0xff];

export function runFuzz(count: number, seed = 1): FuzzReport {
  const rnd = seededRandom(seed);
  const byte = (): number => rnd.bytes(1)[0];
  const int = (n: number): number => {
    const b = rnd.bytes(3);
    return ((b[0] << 16) | (b[1] << 8) | b[2]) % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const { card, keys } = makeTestCard({ seed: seed + 1, lock: seed % 2 === 0 });
  const t = new TestTerminal(card, keys);
  const paths = card.tree.efs().map((e) => e.path);
  const authKeys = card.state.profile.keys.filter((k) => k.usage === 'external-auth');
  const report: FuzzReport = {
    apdus: 0,
    bySw: new Map(),
    acceptedWrites: 0,
    authentications: 0,
    violations: [],
  };
  const corpus: Uint8Array[] = [];

  const structured = (): Uint8Array => {
    const lc = int(3) === 0 ? 0 : int(40);
    const parts = [pick(CLA), pick(INS), int(4) === 0 ? byte() : int(12), int(2) ? 0x04 : byte()];
    if (lc) parts.push(lc, ...rnd.bytes(lc));
    if (int(2)) parts.push(byte());
    return Uint8Array.from(parts);
  };
  // well-formed commands of the set with random but plausible parameters
  const plausible = (): Uint8Array => {
    const ef = card.selection.ef ? card.tree.node(card.selection.ef) : undefined;
    const recSize = ef?.kind === 'ef' ? (ef.recordSize ?? 24) : 24;
    switch (int(7)) {
      case 0: {
        const p = pick(paths).split('/');
        const fid = p[p.length - 1];
        return Uint8Array.from([
          0x00,
          0xa4,
          0,
          0,
          2,
          parseInt(fid.slice(0, 2), 16),
          parseInt(fid.slice(2), 16),
        ]);
      }
      case 1: {
        const len = 1 + int(128);
        return Uint8Array.from([0x00, 0xd6, int(13), byte(), len, ...rnd.bytes(len)]);
      }
      case 2:
        return Uint8Array.from([0x00, 0xdc, 0x00, 0x03, recSize, ...rnd.bytes(recSize)]);
      case 3:
        return Uint8Array.from([0x84, pick([0xd2, 0x0c]), 1 + int(6), 0x04, 0x00]);
      case 4:
        return Uint8Array.from([
          0x00,
          0xb2,
          1 + int(16),
          pick([0x04, 0x00, 0x2c, 0x3c]),
          pick([0x00, byte()]),
        ]);
      case 5:
        return Uint8Array.from([0x00, 0xb0, int(13), byte(), byte()]);
      default: {
        const len = 16 * (1 + int(3)) + 4;
        return Uint8Array.from([0x04, pick([0xdc, 0xd6]), 1 + int(10), 0x04, len, ...rnd.bytes(len)]);
      }
    }
  };
  const mutate = (src: Uint8Array): Uint8Array => {
    const a = Array.from(src);
    switch (int(5)) {
      case 0:
        a[int(a.length)] ^= 1 << int(8);
        break;
      case 1:
        a[int(a.length)] = byte();
        break;
      case 2:
        a.length = Math.max(0, a.length - 1 - int(4));
        break;
      case 3:
        a.push(...rnd.bytes(1 + int(4)));
        break;
      default:
        if (a.length > 4) a[4] = byte();
    }
    return Uint8Array.from(a);
  };

  const snapshot = (c: VirtualCard): Map<string, string> =>
    new Map([...c.state.memory.files].map(([k, v]) => [k, toHex(v)]));

  let cached = snapshot(card);
  while (report.apdus < count) {
    const mode = int(20);
    if (int(500) === 0) card.powerOn(); // occasional reset
    if (mode === 0) {
      cached = snapshot(card);
      // a real authentication in a random DF, so writes can be accepted
      const path = pick(paths);
      t.select(path);
      const dfFid = card.tree.parent(card.tree.node(path)!)?.fid;
      const candidates = authKeys.filter((k) => k.df === dfFid);
      if (candidates.length) {
        if (t.externalAuth(pick(candidates).name, 1) === '9000') report.authentications++;
      }
      report.apdus += 3;
      continue;
    }
    if (mode === 1 && card.selection.ef) {
      // a valid SM write to the current EF's first record, kept in the corpus for mutation
      const ef = card.tree.node(card.selection.ef);
      if (ef?.kind === 'ef' && ef.structure === 'tlv-records' && ef.access.update.smKey && ef.elements) {
        const el = ef.elements[0];
        const rec = new Uint8Array(2 + el.length);
        rec.set([el.tag, el.length]);
        corpus.push(t.smCommand(ef.access.update.smKey, 0x04, 0xdc, 1, 0x04, rec));
        report.apdus++;
      }
    }
    let apdu: Uint8Array;
    if (mode < 4) apdu = rnd.bytes(int(270));
    else if (mode < 8) apdu = structured();
    else if (mode < 14 || corpus.length === 0) apdu = plausible();
    else apdu = mutate(pick(corpus));
    if (mode === 19) corpus.push(apdu);
    if (corpus.length > 64) corpus.splice(0, corpus.length - 64);

    const before = cached;
    const writesBefore = card.faults.written;
    const rights = new Set(card.grantedRights);
    const lifecycle = card.state.lifecycle;
    let raw: Uint8Array;
    try {
      raw = card.transmitBytes(apdu);
    } catch (err) {
      report.violations.push(`exception for ${toHex(apdu)}: ${(err as Error).message}`);
      card.powerOn();
      continue;
    }
    report.apdus++;
    if (raw.length < 2) {
      report.violations.push(`short answer to ${toHex(apdu)}`);
      continue;
    }
    const r = decodeResponse(raw);
    const sw = r.sw.toString(16).toUpperCase().padStart(4, '0');
    const key = /^6[1C]/.test(sw) || /^63C/.test(sw) ? sw.slice(0, sw.startsWith('63') ? 3 : 2) + 'x' : sw;
    report.bySw.set(key, (report.bySw.get(key) ?? 0) + 1);
    if (!describeSw(r.sw)) report.violations.push(`SW ${sw} not in STATUS_WORDS for ${toHex(apdu)}`);
    if (r.sw !== 0x9000 && r.sw !== 0x6282 && r.sw >> 8 !== 0x61 && r.data.length > 0)
      report.violations.push(`data with error SW ${sw}`);
    if (card.faults.written === writesBefore) continue; // nothing written: no file can have changed
    const after = snapshot(card);
    cached = after;
    for (const [path, content] of after) {
      if (before.get(path) === content) continue;
      const node = card.tree.node(path);
      if (node?.kind !== 'ef') continue;
      const conds = [node.access.update, node.access.erase].filter((c) => c !== undefined);
      const allowed = conds.some(
        (c) =>
          (c.right === 'always' || rights.has(c.right)) &&
          !(c.personalisationOnly && lifecycle !== 'personalisation'),
      );
      if (!allowed) report.violations.push(`${path} changed without a right by ${toHex(apdu)}`);
      else report.acceptedWrites++;
    }
  }
  return report;
}
