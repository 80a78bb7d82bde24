// A full session recorded as a transcript: external authentication with UK1_DDF1, a secure-messaging
// UPDATE RECORD, read-back after RK1_DDF1. The SAM side is computed here from the spec's formulas
// (keys.ts / crypto.ts), independently of the virtual SAM. Then the transcript replays byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { command, fromHex, toHex } from '../card/apdu.ts';
import type { ResponseApdu } from '../card/apdu.ts';
import { cityFactor } from '../card/factors.ts';
import { seededRandom } from '../base/runtime.ts';
import type { Random } from '../base/runtime.ts';
import {
  authCryptogram,
  padIso,
  secureMessagingMac,
  sm4EncryptEcb,
  deriveCardKey,
  masterKeyFor,
  processKey,
} from '../crypto/index.ts';
import { TEST_CITY, makeTestCard, tlv } from '../../testkit/card-rig.ts';
import type { VirtualCard } from './card/virtual-card.ts';
import {
  TranscriptMismatchError,
  TranscriptRecorder,
  recordingRandom,
  replayTranscript,
} from './transcript.ts';

const SEED = 4242;

function freshCard(random: Random) {
  return makeTestCard({ random });
}

test('authentication + SM write session is recorded and replays identically', async () => {
  const random = recordingRandom(seededRandom(SEED));
  const { card, keys } = freshCard(random);
  card.powerOff();
  const profile = card.state.profile;
  const rec = new TranscriptRecorder(
    card,
    {
      profile: profile.id,
      card: { atr: toHex(card.atr), historicalBytes: toHex(card.state.historicalBytes) },
    },
    random,
  );
  const cf = card.state.historicalBytes;
  const key = (name: string, v = 1): Uint8Array => {
    const spec = profile.keys.find((k) => k.name === name)!;
    return deriveCardKey(masterKeyFor(keys, spec, v), spec, cf, cityFactor(TEST_CITY));
  };
  const ok = (r: ResponseApdu): ResponseApdu => {
    assert.equal(r.sw.toString(16), '9000');
    return r;
  };
  const send = (hex: string): Promise<ResponseApdu> => {
    const b = fromHex(hex);
    return rec.transmit(
      command(
        b[0],
        b[1],
        b[2],
        b[3],
        b.length > 5 ? b.subarray(5, 5 + b[4]) : undefined,
        b.length === 5 ? b[4] || 256 : undefined,
      ),
    );
  };

  const atr = await rec.reset();
  assert.equal(
    toHex(atr),
    '3B888001' +
      '5248434B0000002A' +
      toHex(Uint8Array.of(0x88 ^ 0x80 ^ 0x01 ^ 0x52 ^ 0x48 ^ 0x43 ^ 0x4b ^ 0x2a)),
  );
  ok(await send('00A40000023F00'));
  ok(await send('00A4000002DDF1'));
  ok(await send('00A4000002EF08'));
  // flow B (deployed form): R1 → authData, R2 → SAM set-up, cryptogram against the latest challenge
  const r1 = ok(await send('0084000008')).data;
  const r2 = ok(await send('0084000008')).data;
  const c = authCryptogram(processKey(key('UK1_DDF1'), r2), r1);
  ok(await send(`0082000511${toHex(c)}${toHex(r1)}01`));
  // flow D: SM UPDATE RECORD of 本人电话1 (record 2, tag 10, L 20 → Lc 24)
  const r3 = ok(await send('0084000008')).data;
  const sk = processKey(key('STK_DDF1'), r3);
  const value = tlv(0x10, 20, new TextEncoder().encode('02988887777'));
  const plain = new Uint8Array(23);
  plain[0] = 22;
  plain.set(value, 1);
  const cipher = sm4EncryptEcb(sk, padIso(plain));
  assert.equal(cipher.length, 32);
  const header = fromHex('04DC020424');
  const mac = secureMessagingMac(sk, new Uint8Array([...header, ...cipher]));
  ok(await send(`04DC020424${toHex(cipher)}${toHex(mac)}`));
  // read back after RK1_DDF1 (flow A with authData 00×8)
  const r4 = ok(await send('0084000008')).data;
  const zero = new Uint8Array(8);
  ok(await send(`0082000411${toHex(authCryptogram(processKey(key('RK1_DDF1'), r4), zero))}${toHex(zero)}01`));
  const read = ok(await send('00B2100016'));
  assert.equal(toHex(read.data), toHex(value));
  await rec.close();

  const jsonl = rec.toJsonl();
  const lines = jsonl.trim().split('\n');
  const head = JSON.parse(lines[0]);
  assert.equal(head.type, 'rhc-apdu-transcript');
  assert.equal(head.random.length, 4, 'four challenges');
  assert.equal(lines.length, 1 + 1 + 11);
  assert.doesNotMatch(jsonl, new RegExp(toHex(key('UK1_DDF1'))), 'no key in the transcript');

  const makeCard = (r: Random): VirtualCard => {
    const c2 = freshCard(r).card;
    c2.powerOff();
    return c2;
  };
  const result = await replayTranscript(jsonl, (r) => makeCard(r));
  assert.deepEqual(result, { exchanges: 11, resets: 1 });

  // a changed answer is caught at its line
  const tampered = [...lines];
  tampered[lines.length - 1] = tampered[lines.length - 1].replace('"r":"10', '"r":"11');
  await assert.rejects(
    replayTranscript(tampered, (r) => makeCard(r)),
    (e: unknown) => e instanceof TranscriptMismatchError && e.line === lines.length,
  );
  // replaying with other random values fails at the first authentication
  const otherRandom = JSON.stringify({ ...head, random: head.random.map(() => '0000000000000000') });
  await assert.rejects(
    replayTranscript([otherRandom, ...lines.slice(1)], (r) => makeCard(r)),
    TranscriptMismatchError,
  );
});
