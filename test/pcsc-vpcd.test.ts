// Integration test (marked: needs pcscd, opensc-tool, vsmartcard-vpcd): a virtual card reached through
// pcscd's vpcd reader by a real PC/SC tool. Skips LOUDLY where the tools are missing, and FAILS when
// CI=true and they are missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../src/card/apdu.ts';
import { TEST_CARD_NUMBER, makeTestCard, tlv } from '../testkit/card-rig.ts';
import { pcscUnavailableReason, startPcscSession } from '../testkit/pcscd/harness.ts';

test(
  'integration: opensc-tool drives the virtual card through pcscd + vpcd',
  { timeout: 30_000 },
  async (t) => {
    const inCi = process.env.CI === 'true';
    const missing = pcscUnavailableReason();
    if (missing) {
      assert.ok(!inCi, `PC/SC tools are required in CI: ${missing}`);
      console.warn(`SKIPPED PC/SC integration test: ${missing}`);
      t.skip(`PC/SC tools missing: ${missing}`);
      return;
    }
    const { card } = makeTestCard();
    card.powerOff();
    const session = await startPcscSession(card);
    if (typeof session === 'string') {
      assert.ok(!inCi, `PC/SC session could not start in CI: ${session}`);
      console.warn(`SKIPPED PC/SC integration test: ${session}`);
      t.skip(session);
      return;
    }
    try {
      const { responses, stdout } = await session.send([
        '00A4000002DDF1',
        '00A4000002EF05',
        '00B2080000',
        '00A4000002EF06',
        '00B2010400',
      ]);
      assert.equal(responses.length, 5, stdout);
      assert.deepEqual(
        responses.map((r) => r.sw),
        ['9000', '9000', '9000', '9000', '6982'],
      );
      assert.equal(responses[2].data, toHex(tlv(0x08, 18, new TextEncoder().encode(TEST_CARD_NUMBER))));
      assert.ok((await session.card.apdus()) >= 5);
    } finally {
      await session.stop();
    }
  },
);
