// Virtual SAM throughput against the bare cryptography it wraps, measured in the same run:
// - 80 DE + 80 FA 00 (+ GET RESPONSE) — the per-authentication SAM work — vs one SM4-ECB block directly;
// - 80 CE SM2 sign (+ GET RESPONSE) vs sm2SignDigest directly.
// ratio = SAM ops/s ÷ baseline ops/s (1.0 = no overhead; the SAM necessarily does more: 3 SM4 diversification
// steps per 80 DE plus the APDU parsing).
import { decodeCommand, fromHex } from '../src/card/apdu.ts';
import { getProfile } from '../src/card/profiles/index.ts';
import { seededRandom } from '../src/base/runtime.ts';
import { sm4EncryptEcb, createDemoPki, sm2SignDigest } from '../src/crypto/index.ts';
import { createDemoSam } from '../src/cos/sam/index.ts';
import type { BenchResult } from './types.ts';

const GROUP = 'Virtual SAM (cos)';

/** Runs fn repeatedly for about `ms` milliseconds (after a warm-up); returns operations per second. */
async function opsPerSecond(fn: () => unknown | Promise<unknown>, ms: number): Promise<number> {
  for (let i = 0; i < 20; i++) await fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 10; i++) await fn();
    n += 10;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return n / seconds;
}

export async function run(): Promise<BenchResult[]> {
  const profile = getProfile('national');
  const sam = createDemoSam(profile, { random: seededRandom(1) });
  const apdu = (hex: string) => decodeCommand(fromHex(hex));
  for (const a of ['00A40000023F00', '00A4000002DF01', '0020000003123456']) await sam.transmit(apdu(a));

  const keySetup = apdu('80DE473218' + '1122334455667788' + '3431303030303030' + '0102030405060708');
  const encrypt = apdu('80FA000010' + '1122334455667788' + '00'.repeat(8));
  const getResponse16 = apdu('00C0000010');
  const samAuth = await opsPerSecond(async () => {
    await sam.transmit(keySetup);
    await sam.transmit(encrypt);
    await sam.transmit(getResponse16);
  }, 1500);
  const key = fromHex('0123456789abcdeffedcba9876543210');
  const block = fromHex('11223344556677880000000000000000');
  const sm4 = await opsPerSecond(() => sm4EncryptEcb(key, block), 1000);

  const e = fromHex('F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640');
  const sign = apdu('80CE000020' + 'F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640');
  const getResponse64 = apdu('00C0000040');
  const samSign = await opsPerSecond(async () => {
    await sam.transmit(sign);
    await sam.transmit(getResponse64);
  }, 1500);
  const priv = createDemoPki().samKey.privateKey;
  const direct = await opsPerSecond(() => sm2SignDigest(priv, e), 1500);

  return [
    {
      group: GROUP,
      name: 'SAM 80 DE + 80 FA 00 + GET RESPONSE (one authentication cryptogram)',
      value: samAuth,
      unit: 'ops/s',
      baseline: { name: 'SM4-ECB of one block (node:crypto)', value: sm4, unit: 'ops/s' },
      ratio: samAuth / sm4,
      notes:
        'ratio = SAM ops/s ÷ baseline ops/s; the SAM does 4 SM4 operations (3 diversification steps + the block) per pair',
    },
    {
      group: GROUP,
      name: 'SAM 80 CE SM2 sign + GET RESPONSE',
      value: samSign,
      unit: 'ops/s',
      baseline: { name: 'sm2SignDigest directly (sm-crypto-v2)', value: direct, unit: 'ops/s' },
      ratio: samSign / direct,
      notes: 'ratio = SAM ops/s ÷ baseline ops/s',
    },
  ];
}
