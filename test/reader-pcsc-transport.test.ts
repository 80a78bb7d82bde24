// The PC/SC transport's own logic, against a stand-in for the `smartcard` binding (no pcscd needed):
// presence comes from pcscd's reader state even when the monitor's events are late or missing, each change
// is announced once, and the binding's error messages for a card lost mid-APDU map to CardRemovedError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandApdu } from '../src/card/apdu.ts';
import { CardRemovedError, type CardConnection } from '../src/card/transport.ts';
import { PcscReaderDevice, type SmartcardModule } from '../src/reader/transports/pcsc.ts';

const PRESENT = 0x20;
const NAME = 'Test Reader 00 00';

/** A binding whose reader state and transmit behaviour the test sets; the monitor fires only on demand. */
function standIn() {
  const world = {
    state: PRESENT,
    transmit: async (_c: Buffer): Promise<Buffer> => Buffer.from([0x90, 0x00]),
    monitorCallback: undefined as ((e: { type: string; reader: string }) => void) | undefined,
  };
  const card = {
    atr: Buffer.from([0x3b, 0x00]),
    transmit: (c: Buffer) => world.transmit(c),
    getStatus: () => ({ atr: Buffer.from([0x3b, 0x00]) }),
    disconnect: () => undefined,
    reconnect: async () => 2,
  };
  const module: SmartcardModule = {
    Context: class {
      listReaders() {
        return [{ name: NAME, state: world.state, connect: async () => card }];
      }
      async waitForChange() {
        return null;
      }
      close() {}
    },
    ReaderMonitor: class {
      start(cb: (e: { type: string; reader: string }) => void) {
        world.monitorCallback = cb;
      }
      stop() {}
    },
    SCARD_SHARE_SHARED: 2,
    SCARD_PROTOCOL_T0: 1,
    SCARD_PROTOCOL_T1: 2,
    SCARD_LEAVE_CARD: 0,
    SCARD_RESET_CARD: 1,
    SCARD_STATE_PRESENT: PRESENT,
    SCARD_STATE_UNAWARE: 0,
  };
  return { world, module };
}

const SAM: CardConnection = {
  transmit: async () => ({ data: new Uint8Array(0), sw: 0x9000 }),
  reset: async () => new Uint8Array([0x3b]),
  close: async () => undefined,
};

test('presence is asked of pcscd: a change the monitor has not reported yet is seen and announced once', async () => {
  const { world, module } = standIn();
  const device = await PcscReaderDevice.open({ reader: NAME, sam: SAM, smartcard: module });
  const events: string[] = [];
  device.onCardEvent((e) => events.push(e.type));
  try {
    assert.equal(await device.cardPresent(), true);
    world.state = 0; // card taken away; the monitor has said nothing
    assert.equal(await device.cardPresent(), false);
    world.monitorCallback!({ type: 'card-removed', reader: NAME }); // its late event changes nothing
    world.state = PRESENT; // card placed again, still no monitor event
    assert.equal(await device.cardPresent(), true);
    await device.connectCard();
    world.monitorCallback!({ type: 'card-inserted', reader: NAME });
    assert.deepEqual(events, ['removed', 'inserted']);
  } finally {
    await device.close();
  }
});

test('a card lost mid-APDU ("Transaction failed", SCARD_E_NOT_TRANSACTED) is CardRemovedError; other errors are not', async () => {
  const { world, module } = standIn();
  const device = await PcscReaderDevice.open({ reader: NAME, sam: SAM, smartcard: module });
  try {
    const card = await device.connectCard();
    const select: CommandApdu = { cla: 0, ins: 0xa4, p1: 0, p2: 0, data: new Uint8Array([0x3f, 0x00]) };
    const res = await card.transmit(select);
    assert.equal(res.sw, 0x9000);
    world.transmit = async () => Promise.reject(new Error('Transaction failed'));
    await assert.rejects(card.transmit(select), CardRemovedError);
    world.transmit = async () => Promise.reject(new Error('Card was removed'));
    await assert.rejects(card.transmit(select), CardRemovedError);
    world.transmit = async () => Promise.reject(new Error('Insufficient buffer'));
    await assert.rejects(card.transmit(select), (e: Error) => !(e instanceof CardRemovedError));
  } finally {
    await device.close();
  }
});
