// End to end over APDUs only: the virtual SAM against the virtual user card (src/cos/card), both built from
// the same demo master keys, following the §7.4 flows with the factors taken from the card itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { command, fromHex, toHex, type CommandApdu, type ResponseApdu } from '../../card/apdu.ts';
import { cardFactorFromAtr, cityFactor } from '../../card/factors.ts';
import type { KeySpec } from '../../card/image.ts';
import { getProfile } from '../../card/profiles/index.ts';
import { seededRandom } from '../../base/runtime.ts';
import type { CardConnection } from '../../card/transport.ts';
import { makeTestCard } from '../../../testkit/card-rig.ts';
import { createDemoSam } from './index.ts';

const profile = getProfile('national');
const spec = (name: string): KeySpec => {
  const k = profile.keys.find((x) => x.name === name);
  assert.ok(k);
  return k;
};

async function ok(conn: CardConnection, c: CommandApdu | string): Promise<Uint8Array> {
  const cmd = typeof c === 'string' ? decode(c) : c;
  let r: ResponseApdu = await conn.transmit(cmd);
  if (r.sw >> 8 === 0x61) r = await conn.transmit(command(0x00, 0xc0, 0, 0, undefined, r.sw & 0xff || 256));
  assert.equal(
    r.sw,
    0x9000,
    `${typeof c === 'string' ? c : toHex(Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2))} → ${r.sw.toString(16)}`,
  );
  return r.data;
}

function decode(hex: string): CommandApdu {
  const b = fromHex(hex);
  if (b.length === 4) return command(b[0], b[1], b[2], b[3]);
  if (b.length === 5) return command(b[0], b[1], b[2], b[3], undefined, b[4] || 256);
  return command(
    b[0],
    b[1],
    b[2],
    b[3],
    b.slice(5, 5 + b[4]),
    b.length > 5 + b[4] ? b[5 + b[4]] || 256 : undefined,
  );
}

async function setUp() {
  const { card } = makeTestCard({ seed: 11 });
  const sam = createDemoSam(profile, { random: seededRandom(5) });
  const cardFactor = cardFactorFromAtr(await card.reset());
  await ok(card, '00A40000023F00');
  await ok(card, '00A4000002DDF1');
  await ok(card, '00A4000002EF05');
  const tag39 = await ok(card, '00B2390005');
  assert.equal(tag39[0], 0x39);
  const city = cityFactor(toHex(tag39.subarray(2, 5)));
  for (const a of ['00A40000023F00', '00A4000002DF01', '0020000003123456']) await ok(sam, a);
  return { card, sam, cardFactor, city };
}

type Ctx = Awaited<ReturnType<typeof setUp>>;

function keySetup(ctx: Ctx, k: KeySpec, version: number, random: Uint8Array): CommandApdu {
  const factors = k.levels === 2 ? [...ctx.cardFactor, ...ctx.city] : [...ctx.cardFactor];
  return command(0x80, 0xde, k.samP1, (version << 5) | k.samIndex, Uint8Array.from([...factors, ...random]));
}

/** Flow A/B: the SAM computes the cryptogram, the card checks it. */
async function externalAuth(ctx: Ctx, name: string): Promise<void> {
  const k = spec(name);
  const authData = await ok(ctx.card, '0084000008'); // deployed flow B: first challenge as authData
  const r = await ok(ctx.card, '0084000008');
  await ok(ctx.sam, keySetup(ctx, k, 1, r));
  const x = await ok(
    ctx.sam,
    command(0x80, 0xfa, 0, 0, Uint8Array.from([...authData, ...new Uint8Array(8)])),
  );
  const c = x.subarray(0, 8).map((b, i) => b ^ x[i + 8]);
  await ok(ctx.card, command(0x00, 0x82, 0x00, k.cardKeyId, Uint8Array.from([...c, ...authData, 1])));
}

test('SAM + card: RK1_DDF1 read right, then UK1_DDF1 + STK_DDF1 SM write of 姓名 and read back', async () => {
  const ctx = await setUp();
  await ok(ctx.card, '00A4000002EF06');
  await externalAuth(ctx, 'RK1_DDF1');
  await ok(ctx.card, '00B2010400');
  await externalAuth(ctx, 'UK1_DDF1');
  // §6.3: LL ‖ 0B ‖ 1E ‖ "李堃" GB18030 00-padded ‖ 80 00…
  const plain = fromHex('200B1E' + 'C0EE88D2' + '00'.repeat(26) + '80' + '00'.repeat(14));
  const r = await ok(ctx.card, '0084000008');
  const stk = spec('STK_DDF1');
  await ok(ctx.sam, keySetup(ctx, stk, 0, r));
  const ct = await ok(ctx.sam, command(0x80, 0xfa, 0x00, 0x00, plain));
  await ok(ctx.sam, keySetup(ctx, stk, 0, r));
  const header = fromHex('04DC010434');
  const macIn = new Uint8Array(16 + 64);
  macIn.set(header, 16);
  macIn.set(ct, 21);
  macIn[16 + 5 + ct.length] = 0x80;
  const mac = await ok(ctx.sam, command(0x80, 0xfa, 0x05, 0x00, macIn));
  await ok(ctx.card, command(0x04, 0xdc, 0x01, 0x04, Uint8Array.from([...ct, ...mac])));
  await externalAuth(ctx, 'RK1_DDF1');
  const rec = await ok(ctx.card, '00B2010400');
  assert.equal(toHex(rec.subarray(0, 6)), '0B1EC0EE88D2');
});

test('SAM + card: a MAC from the wrong process key is refused by the card (69 88)', async () => {
  const ctx = await setUp();
  await ok(ctx.card, '00A4000002EF06');
  await externalAuth(ctx, 'UK1_DDF1');
  const plain = fromHex('200B1E' + '00'.repeat(30) + '80' + '00'.repeat(14));
  const r = await ok(ctx.card, '0084000008');
  await ok(ctx.sam, keySetup(ctx, spec('STK_DDF1'), 0, r));
  const ct = await ok(ctx.sam, command(0x80, 0xfa, 0x00, 0x00, plain));
  await ok(ctx.sam, keySetup(ctx, spec('STK_DF01'), 0, r)); // another STK for the MAC
  const macIn = new Uint8Array(16 + 64);
  macIn.set(fromHex('04DC010434'), 16);
  macIn.set(ct, 21);
  macIn[16 + 5 + ct.length] = 0x80;
  const mac = await ok(ctx.sam, command(0x80, 0xfa, 0x05, 0x00, macIn));
  const res = await ctx.card.transmit(command(0x04, 0xdc, 0x01, 0x04, Uint8Array.from([...ct, ...mac])));
  assert.equal(res.sw, 0x6988);
});

test('SAM + card: INTERNAL AUTHENTICATE with IRK_DDF1 proves the card genuine', async () => {
  const ctx = await setUp();
  const rs = await ok(ctx.sam, '0084000008');
  const authData = fromHex('0102030405060708');
  await ok(ctx.sam, keySetup(ctx, spec('IRK_DDF1'), 1, rs));
  const x = await ok(
    ctx.sam,
    command(0x80, 0xfa, 0, 0, Uint8Array.from([...authData, ...new Uint8Array(8)])),
  );
  const expected = x.subarray(0, 8).map((b, i) => b ^ x[i + 8]);
  await ok(ctx.card, '00A4000002DDF1');
  const answer = await ok(ctx.card, command(0x00, 0x88, 0, 0, Uint8Array.from([...rs, ...authData, 1]), 8));
  assert.deepEqual(answer, expected);
});
