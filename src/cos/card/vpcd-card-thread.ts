// Test and benchmark support: a VirtualCard answering vpcd on its own worker thread.
//
// Why a thread: pcscd calls the vpcd driver, the driver waits for the card's answer, and some synchronous
// PC/SC client calls make pcscd talk to the card before it replies (SCardDisconnect with SCARD_RESET_CARD
// does: measured, it never returned with the card on the caller's thread). With the card on the same event loop as a blocking PC/SC call,
// the card can never answer and both wait forever — a hang that no test timeout can end, because timers
// need that event loop too. On its own thread the card answers whatever the test's thread is doing.
//
// The thread runs a copy of the card (persist.ts format), so changes made through PC/SC are not seen by the
// VirtualCard object the caller passed in.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serializeCard, deserializeCard, type CardFile } from '../persist.ts';
import { VpcdBridge } from '../vpcd.ts';
import { VirtualCard } from './virtual-card.ts';

interface ThreadInput {
  readonly card: CardFile;
  readonly port: number;
}
type Op = 'waitConnected' | 'remove' | 'insert' | 'apdus';
interface Request {
  readonly id: number;
  readonly op: Op;
  readonly timeoutMs?: number;
}
interface Reply {
  readonly id: number;
  readonly value?: number;
  readonly error?: string;
}

/** The caller's side: start, control and stop the card thread. */
export class VpcdCardThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (r.error !== undefined) p?.reject(new Error(r.error));
      else p?.resolve(r.value ?? 0);
    });
    const fail = (e: Error): void => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`vpcd card thread exited (${code})`)));
  }

  /** Starts the thread with a copy of `card`, connecting to vpcd on 127.0.0.1:`port`. */
  static start(card: VirtualCard, port: number): VpcdCardThread {
    // The thread loads this TypeScript module through tsx's API (workers do not inherit `--import tsx`).
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
      .then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const input: ThreadInput = { card: serializeCard(card.state), port };
    return new VpcdCardThread(new Worker(boot, { eval: true, workerData: input }));
  }

  private call(op: Op, timeoutMs?: number): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, timeoutMs } satisfies Request);
    });
  }

  /** Resolves once vpcd accepted the connection (rejects after `timeoutMs`). */
  async waitConnected(timeoutMs: number): Promise<void> {
    await this.call('waitConnected', timeoutMs);
  }

  /** Takes the card out of the field: the bridge disconnects, pcscd reports the card removed. */
  async remove(): Promise<void> {
    await this.call('remove');
  }

  /** Puts the card back: the bridge reconnects, pcscd reports it inserted. */
  async insert(): Promise<void> {
    await this.call('insert');
  }

  /** C-APDUs the card has answered so far. */
  apdus(): Promise<number> {
    return this.call('apdus');
  }

  /** Disconnects from vpcd and ends the thread. */
  async stop(): Promise<void> {
    if (!this.failure) await this.remove().catch(() => undefined);
    await this.worker.terminate();
  }
}

function serveCardThread(input: ThreadInput): void {
  const card = new VirtualCard(deserializeCard(input.card));
  const bridge = new VpcdBridge(card, { port: input.port, minBackoffMs: 50, maxBackoffMs: 200 }).start();
  const port = parentPort!;
  port.on('message', (req: Request) => {
    const reply = (value?: number): void => port.postMessage({ id: req.id, value } satisfies Reply);
    const fail = (e: unknown): void =>
      port.postMessage({ id: req.id, error: (e as Error).message ?? String(e) } satisfies Reply);
    switch (req.op) {
      case 'waitConnected':
        bridge.waitConnected(req.timeoutMs).then(() => reply(), fail);
        break;
      case 'remove':
        bridge.stop().then(() => reply(), fail);
        break;
      case 'insert':
        bridge.start();
        reply();
        break;
      case 'apdus':
        reply(bridge.apdus);
        break;
    }
  });
}

if (!isMainThread && (workerData as Partial<ThreadInput> | null)?.card)
  serveCardThread(workerData as ThreadInput);
