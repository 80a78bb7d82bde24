import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand, fromHex, toHex } from '../../card/apdu.ts';
import { getProfile } from '../../card/profiles/index.ts';
import { generateKeyFile, sm2VerifyDigest } from '../../crypto/index.ts';
import { createSamFromKeyFile } from './from-key-file.ts';

const profile = getProfile('national');

test('a SAM loaded from a key file signs with the certified key', async () => {
  const { loaded } = generateKeyFile({ profile, id: 'sam-load' });
  const sam = createSamFromKeyFile(loaded, { profile, pin: '24680' });
  const run = async (hex: string) => sam.transmit(decodeCommand(fromHex(hex)));
  for (const a of ['00A40000023F00', '00A4000002DF01', '002000000324680F'])
    assert.equal((await run(a)).sw, 0x9000, a);
  const e = new Uint8Array(32).fill(0x5a);
  assert.equal((await run('80CE000020' + toHex(e))).sw, 0x6140);
  const sig = (await run('00C0000040')).data;
  assert.ok(sm2VerifyDigest(loaded.pki.samKey.publicKey, e, sig));
  assert.equal(sam.keySetId, 'sam-load');
  assert.throws(
    () => createSamFromKeyFile(loaded, { profile: getProfile('shaanxi-64k'), pin: '123456' }),
    /profile/,
  );
});
