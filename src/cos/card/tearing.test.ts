// Anti-tearing: power is cut at every byte boundary of a write; after power-up every file holds either its
// old or its new content (nvm.ts). Also checks that a torn state survives persistence and recovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../card/apdu.ts';
import { seededRandom } from '../../base/runtime.ts';
import { deserializeCard, serializeCard } from '../persist.ts';
import { FileMemory } from './nvm.ts';
import type { CardState } from './state.ts';
import { TestTerminal, makeTestCard, tlv } from '../../../testkit/card-rig.ts';
import { VirtualCard } from './virtual-card.ts';

function cloneState(s: CardState): CardState {
  const files = new Map([...s.memory.files].map(([k, v]) => [k, v.slice()]));
  return {
    ...s,
    appBlocks: new Map(s.appBlocks),
    retries: new Map(s.retries),
    memory: new FileMemory(files),
  };
}

function snapshot(state: CardState): Map<string, string> {
  return new Map([...state.memory.files].map(([k, v]) => [k, toHex(v)]));
}

/**
 * Runs `prepare` (no faults), then `write` with a power cut after n byte-writes for every n up to the
 * write's full length; after power-up each file must equal its content before or after the write.
 */
function sweep(
  base: TestTerminal,
  prepare: (t: TestTerminal) => void,
  write: (t: TestTerminal) => string,
  opts: { persistEvery?: number } = {},
): { boundaries: number; torn: number; recoveredNew: number } {
  const fresh = (): TestTerminal => {
    const card = new VirtualCard(cloneState(base.card.state), { random: seededRandom(99) });
    card.powerOn();
    return new TestTerminal(card, base.keys);
  };
  // dry run: the contents before and after, and the number of byte-writes of the write
  const dry = fresh();
  prepare(dry);
  const before = snapshot(dry.card.state);
  const w0 = dry.card.faults.written;
  assert.equal(write(dry), '9000');
  const boundaries = dry.card.faults.written - w0;
  const after = snapshot(dry.card.state);
  assert.notDeepEqual(before, after, 'the write must change something');
  let torn = 0;
  let recoveredNew = 0;
  for (let n = 0; n < boundaries; n++) {
    const t = fresh();
    prepare(t);
    t.card.faults.cutAfterBytes(n);
    assert.throws(() => write(t), { code: 'CARD_REMOVED' }, `cut after ${n} bytes`);
    torn++;
    let state = t.card.state;
    if (opts.persistEvery && n % opts.persistEvery === 0)
      state = deserializeCard(JSON.parse(JSON.stringify(serializeCard(state))));
    const card = new VirtualCard(state);
    card.powerOn(); // recovery
    const now = snapshot(card.state);
    const isOld = [...now].every(([k, v]) => before.get(k) === v);
    const isNew = [...now].every(([k, v]) => after.get(k) === v);
    assert.ok(isOld || isNew, `cut after ${n} of ${boundaries} byte-writes left a mixed file`);
    if (isNew) recoveredNew++;
  }
  return { boundaries, torn, recoveredNew };
}

test('tearing at every byte boundary of a multi-chunk UPDATE BINARY (3 × 128 B into ED01)', () => {
  const { card, keys } = makeTestCard();
  const base = new TestTerminal(card, keys);
  const chunk = (i: number): string => {
    const data = new Uint8Array(0x80).map((_, j) => (i * 0x80 + j) & 0xff);
    return `00D6${((i * 0x80) >> 8).toString(16).padStart(2, '0')}${((i * 0x80) & 0xff).toString(16).padStart(2, '0')}80${toHex(data)}`;
  };
  let total = 0;
  for (let i = 0; i < 3; i++) {
    const r = sweep(
      base,
      (t) => {
        t.select('DDF1/DF03/ED01');
        assert.equal(t.externalAuth('UK1_DF03'), '9000');
        for (let k = 0; k < i; k++) assert.equal(t.sw(chunk(k)), '9000');
      },
      (t) => t.sw(chunk(i)),
      { persistEvery: 37 },
    );
    assert.equal(r.boundaries, 2 * 0x80 + 2, 'journal + commit flag + apply + clear');
    assert.ok(r.recoveredNew > 0 && r.recoveredNew < r.boundaries, 'both outcomes occur');
    total += r.torn;
  }
  assert.equal(total, 3 * 258);
});

test('tearing at every byte boundary of an SM UPDATE RECORD (DDF1/EF08 record 2)', () => {
  const { card, keys } = makeTestCard();
  const base = new TestTerminal(card, keys);
  const phone = tlv(0x10, 20, new TextEncoder().encode('13912345678'));
  let apdu: Uint8Array = new Uint8Array(0);
  const r = sweep(
    base,
    (t) => {
      t.select('DDF1/EF08');
      assert.equal(t.externalAuth('UK1_DDF1'), '9000');
      apdu = t.smCommand('STK_DDF1', 0x04, 0xdc, 0x02, 0x04, phone);
    },
    (t) => t.raw(apdu),
    { persistEvery: 5 },
  );
  assert.equal(r.boundaries, 2 * 22 + 2);
});

test('cyclic append is one commit: a cut never loses or duplicates a record', () => {
  const { card, keys } = makeTestCard();
  const base = new TestTerminal(card, keys);
  const rec = toHex(new Uint8Array(24).fill(0x41));
  const r = sweep(
    base,
    (t) => {
      t.select('DDF1/DF02/EF08');
      assert.equal(t.externalAuth('UK3_DF02'), '9000');
    },
    (t) => t.sw(`00DC000318${rec}`),
  );
  assert.equal(r.boundaries, 2 * 240 + 2);
});
