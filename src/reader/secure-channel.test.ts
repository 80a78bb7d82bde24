import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand, toHex, type CommandApdu, type ResponseApdu } from '../card/apdu.ts';
import { endPersonalisation, updateRecord, writeIndexRecord } from '../card/commands/index.ts';
import { getProfile } from '../card/profiles/index.ts';
import type { Transport } from '../card/transport.ts';
import { createDemoSam } from '../cos/sam/demo.ts';
import { DEMO_SAM_PIN } from '../crypto/index.ts';
import { ApduChannel, type ApduObserver } from './channel.ts';
import { SamClient } from './sam-client.ts';
import { SecureChannel } from './secure-channel.ts';

const profile = getProfile('national');
const stk = profile.keys.find((k) => k.usage === 'secure-messaging')!;
const CHALLENGE = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const factors = { cardFactor: new Uint8Array(8).fill(0x11), cityFactor: new Uint8Array(8).fill(0x22) };

/** A card that answers GET CHALLENGE with a fixed value and 90 00 to everything else. */
const card: Transport = {
  transmit: async (c: CommandApdu): Promise<ResponseApdu> =>
    c.ins === 0x84 ? { data: CHALLENGE, sw: 0x9000 } : { data: new Uint8Array(0), sw: 0x9000 },
};

async function rig() {
  const log: string[] = [];
  const sent: { slot: string; hex: string; answer: string }[] = [];
  const observer: ApduObserver = (slot, c, r) =>
    sent.push({ slot, hex: toHex(encodeCommand(c)), answer: toHex(r.data) });
  const samConn = createDemoSam(profile);
  await samConn.reset();
  const sam = new SamClient(new ApduChannel('sam', samConn, undefined, observer));
  await sam.verifyPin(DEMO_SAM_PIN);
  sent.length = 0;
  const channel = new SecureChannel(
    new ApduChannel('card', card, undefined, observer),
    sam,
    factors,
    stk,
    (l) => log.push(l),
  );
  return { channel, sent, log };
}

const macInput = (s: string) => toHex(new Uint8Array(16)) + s;

test('a command without data gets a MAC over padIso(header ‖ 04) and is sent as header ‖ 04 ‖ MAC', async () => {
  const { channel, sent, log } = await rig();
  await channel.execute(writeIndexRecord(5));
  const ins = sent.map((s) => `${s.slot} ${s.hex.slice(0, 4)}`);
  assert.deepEqual(ins, ['card 0084', 'sam 80DE', 'sam 80FA', 'sam 00C0', 'card 84D2']);
  assert.equal(
    sent[1].hex.slice(10),
    '1111111111111111' + toHex(CHALLENGE),
    'one-level STK: card factor ‖ R',
  );
  assert.equal(sent[2].hex.slice(10), macInput('84D2050404' + '80' + '00'.repeat(10)));
  assert.equal(sent[4].hex, '84D2050404' + sent[3].answer.slice(0, 8));
  assert.deepEqual(log, [`WRITE RECORD 84D20504 SM ${stk.name} MAC`]);
});

test('END PERSONALISATION is sent as 84 EE 00 00 04 ‖ MAC', async () => {
  const { channel, sent } = await rig();
  await channel.execute(endPersonalisation());
  assert.equal(sent[2].hex.slice(10), macInput('84EE000004' + '80' + '00'.repeat(10)));
  assert.equal(sent.at(-1)!.hex, '84EE000004' + sent[3].answer.slice(0, 8));
});

test('a command with data sends E(padIso(L ‖ data)) ‖ MAC with CLA 04; the log has the header only', async () => {
  const { channel, sent, log } = await rig();
  const tlv = Uint8Array.of(0x20, 0x02, 0xab, 0xcd);
  await channel.execute(updateRecord(1, tlv));
  const ins = sent.map((s) => `${s.slot} ${s.hex.slice(0, 4)}`);
  assert.deepEqual(ins, [
    'card 0084',
    'sam 80DE',
    'sam 80FA',
    'sam 00C0',
    'sam 80DE',
    'sam 80FA',
    'sam 00C0',
    'card 04DC',
  ]);
  assert.equal(sent[2].hex.slice(10), '042002ABCD' + '80' + '00'.repeat(10), 'plain = padIso(L ‖ TLV)');
  const cipher = sent[3].answer;
  assert.equal(cipher.length, 32);
  const header = '04DC010414'; // Lc = 16 (cipher) + 4 (MAC)
  const padded = header + cipher + '80' + '00'.repeat(10); // 21 bytes → 32
  assert.equal(sent[5].hex.slice(10), macInput(padded));
  assert.equal(sent[7].hex, header + cipher + sent[6].answer.slice(0, 8));
  assert.deepEqual(log, [`UPDATE RECORD 04DC0104 SM ${stk.name} enc+MAC`]);
  assert.ok(!log.join().includes('ABCD'), 'never the data');
});
