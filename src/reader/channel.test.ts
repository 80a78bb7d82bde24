import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand, toHex, type CommandApdu, type ResponseApdu } from '../card/apdu.ts';
import {
  readBinary,
  readRecordByTag,
  samVerifyPin,
  selectFile,
  updateBinary,
} from '../card/commands/index.ts';
import { ApduChannel } from './channel.ts';
import { isReaderError } from './errors.ts';

/** A transport answering from a list, recording what it was sent. */
function scripted(...answers: ResponseApdu[]) {
  const sent: string[] = [];
  const transport = {
    transmit: async (c: CommandApdu) => {
      sent.push(toHex(encodeCommand(c)));
      return answers.shift() ?? { data: new Uint8Array(0), sw: 0x6f00 };
    },
  };
  return { sent, channel: new ApduChannel('card', transport) };
}
const answer = (sw: number, ...data: number[]): ResponseApdu => ({ data: Uint8Array.from(data), sw });

test('execute follows 61 xx with GET RESPONSE and returns its data', async () => {
  const { sent, channel } = scripted(answer(0x6103), answer(0x9000, 1, 2, 3));
  assert.deepEqual(await channel.execute(readRecordByTag(0x4c, 5)), Uint8Array.of(1, 2, 3));
  assert.deepEqual(sent, ['00B24C0005', '00C0000003']);
});

test('a failed GET RESPONSE is the failure of the command it follows, with its sw and field', async () => {
  const { channel } = scripted(answer(0x6103), answer(0x6a86));
  await assert.rejects(
    channel.execute(readRecordByTag(0x4c, 5), { field: 'tag 76' }),
    (e) => isReaderError(e, 'READ_RECORD_FAILED') && e.sw === 0x6a86 && e.field === 'tag 76',
  );
});

test('the command map names the error; unlisted status words are the command’s own failure', async () => {
  const { channel } = scripted(answer(0x6985), answer(0x6581));
  await assert.rejects(
    channel.execute(updateBinary(0, Uint8Array.of(1)), { detail: 'EF05 @0' }),
    (e) => isReaderError(e, 'CARD_LOCKED') && e.sw === 0x6985 && e.detail === 'EF05 @0',
  );
  await assert.rejects(channel.execute(updateBinary(0, Uint8Array.of(1))), (e) =>
    isReaderError(e, 'WRITE_BINARY_FAILED'),
  );
});

test('run returns only the signals the caller accepts; the others are the command’s failure', async () => {
  const { channel } = scripted(answer(0x6a82), answer(0x6a82), answer(0x6c10), answer(0x6c10));
  assert.equal((await channel.run(selectFile(0xdf01), ['absent'])).outcome, 'absent');
  await assert.rejects(channel.run(selectFile(0xdf01), []), (e) => isReaderError(e, 'FILE_NOT_FOUND'));
  const r = await channel.run(readBinary(0, 256), ['wrong-le']);
  assert.equal(r.outcome, 'wrong-le');
  assert.equal(r.sw, 0x6c10);
  await assert.rejects(channel.execute(readBinary(0, 256)), (e) => isReaderError(e, 'READ_BINARY_FAILED'));
});

test('a command note adds what the status word says (PIN tries left)', async () => {
  const { channel } = scripted(answer(0x63c2));
  await assert.rejects(
    channel.execute(samVerifyPin('123456'), { detail: 'verify PIN' }),
    (e) => isReaderError(e, 'SAM_PIN_WRONG') && e.detail === 'tries left 2',
  );
});
