// The vpcd bridge against an in-test vpcd server speaking the vsmartcard framing (anchors.md §3.1):
// control bytes, framed APDUs split across TCP segments, and reconnection after the server drops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { fromHex, toHex } from '../card/apdu.ts';
import { makeTestCard } from '../../testkit/card-rig.ts';
import { FrameReader, VpcdBridge, frame } from './vpcd.ts';

function fakeVpcd(): Promise<{
  port: number;
  next(): Promise<Socket>;
  close(): Promise<void>;
}> {
  const waiting: ((s: Socket) => void)[] = [];
  const queued: Socket[] = [];
  const server = createServer((s) => {
    const w = waiting.shift();
    if (w) w(s);
    else queued.push(s);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        next: () => new Promise((r) => (queued.length ? r(queued.shift()!) : waiting.push(r))),
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

function exchange(s: Socket, payload: Uint8Array, split = false): Promise<Uint8Array> {
  const reader = new FrameReader();
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      const frames = reader.push(new Uint8Array(chunk));
      if (frames.length) {
        s.off('data', onData);
        resolve(frames[0]);
      }
    };
    s.on('data', onData);
    const f = frame(payload);
    if (split) {
      // the way Debian's vpcd sends it: length and payload in two writes
      s.write(f.subarray(0, 2));
      setTimeout(() => s.write(f.subarray(2)), 5);
    } else s.write(f);
  });
}

test('FrameReader reassembles frames from arbitrary chunks', () => {
  const r = new FrameReader();
  const stream = new Uint8Array([...frame(fromHex('04')), ...frame(fromHex('00A40000023F00'))]);
  const out: string[] = [];
  for (const b of stream) out.push(...r.push(Uint8Array.of(b)).map(toHex));
  assert.deepEqual(out, ['04', '00A40000023F00']);
});

test('bridge answers GET ATR and APDUs, ignores other control bytes, and reconnects', async () => {
  const vpcd = await fakeVpcd();
  const { card } = makeTestCard();
  card.powerOff();
  const logs: string[] = [];
  const bridge = new VpcdBridge(card, {
    port: vpcd.port,
    minBackoffMs: 10,
    log: (m) => logs.push(m),
  }).start();
  try {
    let s = await vpcd.next();
    await bridge.waitConnected();
    assert.equal(toHex(await exchange(s, fromHex('04'))), toHex(card.atr));
    s.write(frame(fromHex('01'))); // power on: no answer
    assert.equal(toHex(await exchange(s, fromHex('00A4000002DDF1'), true)), '9000');
    assert.equal(toHex(await exchange(s, fromHex('00A4000002EF05'))), '9000');
    const r = await exchange(s, fromHex('00B2390005'));
    assert.equal(toHex(r), '39036101009000');
    assert.equal(toHex(await exchange(s, fromHex('00B2'))), '6700', 'malformed APDU');
    s.write(frame(fromHex('00'))); // power off, then an APDU powers it again (tolerance)
    assert.equal(toHex(await exchange(s, fromHex('00A40000023F00'))), '9000');
    assert.equal(bridge.apdus, 5);
    // pcscd restarts: the connection drops and the bridge comes back
    s.destroy();
    s = await vpcd.next();
    assert.equal(toHex(await exchange(s, fromHex('04'))), toHex(card.atr));
    assert.ok(logs.some((l) => /reconnecting/.test(l)));
  } finally {
    await bridge.stop();
    await vpcd.close();
  }
});

test(
  'stop then start at once: the old socket closing late neither powers the card off nor opens a second connection',
  { timeout: 10_000 },
  async () => {
    const vpcd = await fakeVpcd();
    const { card } = makeTestCard();
    const bridge = new VpcdBridge(card, { port: vpcd.port, minBackoffMs: 10, maxBackoffMs: 10 }).start();
    try {
      await vpcd.next();
      await bridge.waitConnected();
      await bridge.stop(); // the old socket's 'close' event comes after this resolves
      bridge.start();
      const s = await vpcd.next();
      s.write(frame(fromHex('01'))); // pcscd powers the card on the new connection
      assert.equal(toHex(await exchange(s, fromHex('00A4000002DDF1'))), '9000');
      await new Promise((r) => setTimeout(r, 100)); // several reconnect periods
      assert.equal(card.powered, true, 'the late close of the old socket powered the card off');
      const extra = await Promise.race([vpcd.next(), new Promise((r) => setTimeout(() => r(undefined), 50))]);
      assert.equal(extra, undefined, 'a second connection was opened');
    } finally {
      await bridge.stop();
      await vpcd.close();
    }
  },
);
