// Virtual user card throughput: in-process APDUs/s for SELECT, READ BINARY 250 B and an SM UPDATE RECORD,
// each against a baseline measured in the same run (the same byte-level wrapper with a no-op card:
// decode the C-APDU, encode 90 00). Through pcscd + vpcd when those are installed (opensc-tool batches;
// per-APDU rate = extra APDUs / extra time, so process start-up cancels out).
import { decodeCommand, encodeResponse, fromHex } from '../src/card/apdu.ts';
import { seededRandom } from '../src/base/runtime.ts';
import { TestTerminal, makeTestCard } from '../testkit/card-rig.ts';
import { startPcscSession } from '../testkit/pcscd/harness.ts';
import type { BenchResult } from './types.ts';

const GROUP = 'Virtual card (cos)';

function rate(iterations: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(200, iterations); i++) fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  return iterations / ((performance.now() - t0) / 1000);
}

function noOpWrapper(raw: Uint8Array): Uint8Array {
  decodeCommand(raw);
  return encodeResponse({ data: new Uint8Array(0), sw: 0x9000 });
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const { card, keys } = makeTestCard({ seed: 5 });
  const t = new TestTerminal(card, keys);
  const select = fromHex('00A4000002EF07');
  const read = fromHex('00B00000FA');
  const baselineValue = rate(200_000, () => noOpWrapper(select));
  const baseline = { name: 'no-op card behind the same byte wrapper', value: baselineValue, unit: 'APDUs/s' };
  const add = (name: string, value: number, notes?: string, unit = 'APDUs/s'): void => {
    out.push({
      group: GROUP,
      name,
      value: Math.round(value),
      unit,
      baseline: { ...baseline, value: Math.round(baselineValue) },
      ratio: value / baselineValue,
      notes,
    });
  };

  t.select('DDF1');
  add(
    'SELECT EF (in-process)',
    rate(200_000, () => card.transmitBytes(select)),
  );
  t.select('DDF1/EF07');
  t.externalAuth('RK1_DDF1');
  add(
    'READ BINARY 250 B (in-process)',
    rate(100_000, () => card.transmitBytes(read)),
  );

  // SM UPDATE RECORD: pre-build the APDUs from the challenges the card will hand out (same seeded Random)
  const n = 3000;
  const smCard = makeTestCard({ random: seededRandom(77) });
  const sm = new TestTerminal(smCard.card, smCard.keys);
  sm.select('DDF1/EF08');
  sm.externalAuth('UK1_DDF1');
  const predict = new TestTerminal(makeTestCard({ random: seededRandom(77) }).card, smCard.keys);
  predict.select('DDF1/EF08');
  predict.externalAuth('UK1_DDF1');
  const record = Uint8Array.from([0x10, 20, ...new TextEncoder().encode('13800000000'.padEnd(20, '\0'))]);
  const apdus = Array.from({ length: n }, () =>
    predict.smCommand('STK_DDF1', 0x04, 0xdc, 0x02, 0x04, record),
  );
  const challenge = fromHex('0084000008');
  let bad = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    smCard.card.transmitBytes(challenge);
    const r = smCard.card.transmitBytes(apdus[i]);
    if (r[r.length - 2] !== 0x90) bad++;
  }
  const smRate = n / ((performance.now() - t0) / 1000);
  if (bad) throw new Error(`${bad} SM writes were refused`);
  add(
    'SM UPDATE RECORD incl. its GET CHALLENGE and the journaled commit (in-process)',
    smRate,
    'one pair = GET CHALLENGE + 04 DC (MAC check, SM4 decrypt, TLV check, NVM commit)',
    'pairs/s',
  );

  // through pcscd + vpcd
  const pcCard = makeTestCard({ seed: 9 }).card;
  pcCard.powerOff();
  const session = await startPcscSession(pcCard);
  if (typeof session === 'string') {
    out.push({
      group: GROUP,
      name: 'SELECT through pcscd + vpcd',
      value: 0,
      unit: 'APDUs/s',
      notes: `not measured: ${session}`,
    });
    return out;
  }
  try {
    const time = async (k: number): Promise<number> => {
      const t1 = performance.now();
      const r = await session.send(Array.from({ length: k }, () => '00A40000023F00'));
      if (r.responses.length !== k) throw new Error('opensc-tool lost answers');
      return performance.now() - t1;
    };
    await time(1);
    const one = await time(1);
    const many = await time(201);
    const pcscRate = 200 / ((many - one) / 1000);
    out.push({
      group: GROUP,
      name: 'SELECT through pcscd + vpcd (opensc-tool)',
      value: Math.round(pcscRate),
      unit: 'APDUs/s',
      baseline: { name: 'SELECT in-process', value: Math.round(out[0].value), unit: 'APDUs/s' },
      ratio: pcscRate / out[0].value,
      notes: session.quickack
        ? 'quickack route fix applied'
        : 'quickack route fix NOT applied (not root): expect ~45 ms per APDU',
    });
  } finally {
    await session.stop();
  }
  return out;
}
