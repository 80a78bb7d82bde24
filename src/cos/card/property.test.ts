// Property test: seeded random sequences of valid commands (selects, authentications right and wrong,
// reads, SM and plain writes, appends, index writes) keep the card consistent with a simple model:
// reads return what was last accepted, rejected writes change nothing, accepted writes had their right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../card/apdu.ts';
import type { EfSpec } from '../../card/image.ts';
import { seededRandom } from '../../base/runtime.ts';
import { describeSw } from '../../card/status-words.ts';
import { TestTerminal, makeTestCard } from '../../../testkit/card-rig.ts';
import { ProfileTree } from './tree.ts';

function rng(seed: number): {
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  bytes(n: number): Uint8Array;
} {
  const r = seededRandom(seed);
  const int = (n: number): number => {
    const b = r.bytes(4);
    return (((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0) % n;
  };
  return { int, pick: (xs) => xs[int(xs.length)], bytes: (n) => r.bytes(n) };
}

const h2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

test('random valid command sequences keep the card consistent with the model', () => {
  const SEQUENCES = 120;
  const STEPS = 40;
  let accepted = 0;
  let rejected = 0;
  for (let seq = 0; seq < SEQUENCES; seq++) {
    const g = rng(1000 + seq);
    const { card, keys } = makeTestCard({ seed: seq + 1 });
    const t = new TestTerminal(card, keys);
    const tree = new ProfileTree(card.state.profile);
    const efs = tree.efs();
    const model = new Map<string, Uint8Array>([...card.state.memory.files].map(([k, v]) => [k, v.slice()]));
    let granted = new Set<string>();
    let currentDf = '';
    let current: { path: string; ef: EfSpec } | undefined;
    const authKeys = card.state.profile.keys.filter((k) => k.usage === 'external-auth');

    for (let step = 0; step < STEPS; step++) {
      const op = g.int(6);
      if (op === 0 || !current) {
        current = g.pick(efs);
        const df = current.path.split('/').slice(0, -1).join('/');
        if (df === currentDf && g.int(2) === 0) {
          // stay in the DF: select the EF by FID only, rights are kept
          assert.equal(t.sw(`00A4000002${current.path.split('/').pop()}`), '9000');
        } else {
          assert.equal(t.select(current.path), '9000'); // walks from the MF: rights are dropped
          granted = new Set();
        }
        currentDf = df;
        continue;
      }
      const ef = current.ef;
      const path = current.path;
      const dfFid = tree.parent(ef)?.fid;
      if (op === 1) {
        const candidates = authKeys.filter((k) => k.df === dfFid);
        if (candidates.length === 0) continue;
        const key = g.pick(candidates);
        const wrong = g.int(4) === 0;
        const sw = t.externalAuth(key.name, g.pick(key.versions), { wrong });
        if (wrong) assert.match(sw, /^63C/);
        else {
          assert.equal(sw, '9000');
          granted.add(key.name);
        }
        continue;
      }
      const before = toHex(card.fileBytes(path));
      let sw: string;
      let expected: Uint8Array | undefined;
      const sizes = tree.recordSizes(ef);
      const right = ef.access.update.right;
      if (op === 2) {
        // read
        if (ef.structure === 'transparent') {
          const off = g.int(tree.fileSize(ef));
          const le = 1 + g.int(256);
          const r = t.send(`00B0${h2(off >> 8)}${h2(off & 0xff)}${h2(le & 0xff)}`);
          sw = r.sw.toString(16).toUpperCase();
          if (r.sw === 0x9000 || r.sw === 0x6282)
            assert.equal(toHex(r.data), toHex(model.get(path)!.subarray(off, off + le)));
        } else {
          const n = 1 + g.int(sizes.length);
          const r = t.send(`00B2${h2(n)}0400`);
          sw = r.sw.toString(16).toUpperCase();
          if (r.sw === 0x9000) {
            const off = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
            assert.equal(toHex(r.data), toHex(model.get(path)!.subarray(off, off + sizes[n - 1])));
          }
          const readRight = ef.access.read.right;
          assert.equal(r.sw === 0x9000, readRight === 'always' || granted.has(readRight), `${path} read`);
        }
      } else {
        // write of the form the file takes
        const content = model.get(path)!.slice();
        if (ef.structure === 'tlv-records') {
          const n = 1 + g.int(sizes.length);
          const el = ef.elements![n - 1];
          const rec = new Uint8Array(2 + el.length);
          rec.set([el.tag, el.length]);
          rec.set(g.bytes(el.length), 2);
          sw = t.raw(t.smCommand(ef.access.update.smKey!, 0x04, 0xdc, n, 0x04, rec));
          content.set(
            rec,
            sizes.slice(0, n - 1).reduce((a, b) => a + b, 0),
          );
        } else if (ef.structure === 'cyclic') {
          const rec = g.bytes(ef.recordSize!);
          sw = t.sw(`00DC0003${h2(rec.length)}${toHex(rec)}`);
          content.set(model.get(path)!.subarray(0, content.length - rec.length), rec.length);
          content.set(rec, 0);
        } else if (ef.structure === 'linear-fixed') {
          const n = 1 + g.int(sizes.length);
          const erase = g.int(2) === 0;
          sw = t.sw(`84${erase ? '0C' : 'D2'}${h2(n)}0400`);
          content[n - 1] = erase ? 0xff : 0x00;
          if (erase && sw === '9000') assert.ok(granted.has(String(ef.access.erase?.right)));
        } else {
          const len = 1 + g.int(128);
          const off = g.int(tree.fileSize(ef) - len);
          const data = g.bytes(len);
          sw = t.sw(`00D6${h2(off >> 8)}${h2(off & 0xff)}${h2(len)}${toHex(data)}`);
          content.set(data, off);
        }
        if (sw === '9000') {
          accepted++;
          if (ef.structure !== 'linear-fixed')
            assert.ok(right === 'always' || granted.has(right), `${path} write right`);
          expected = content;
        } else {
          rejected++;
          assert.equal(toHex(card.fileBytes(path)), before, `${path}: rejected write changed the file`);
        }
        if (expected) model.set(path, expected);
      }
      assert.ok(describeSw(parseInt(sw, 16)), `SW ${sw}`);
    }
    for (const [path, content] of model)
      assert.equal(toHex(card.fileBytes(path)), toHex(content), `${path} at the end of sequence ${seq}`);
  }
  assert.ok(
    accepted > 50 && rejected > 50,
    `both outcomes exercised (${accepted} accepted, ${rejected} rejected)`,
  );
});
