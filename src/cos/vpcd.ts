// Bridge between a VirtualCard and pcscd's virtual reader driver (vsmartcard vpcd, anchors.md §3.1), so
// real PC/SC tools (opensc-tool, pcsc_scan, the reader library's PC/SC transport) reach the virtual card.
// Wire: TCP to vpcd (127.0.0.1:35963 by default); every message = 2-byte big-endian length ‖ payload.
// A 1-byte payload is control: 00 power off, 01 power on, 02 reset, 04 get ATR (the only one answered,
// with the framed ATR). Longer payloads are C-APDUs, answered with the framed R-APDU.
// If pcscd restarts the connection drops: the bridge reconnects with exponential backoff.
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { SW } from '../card/status-words.ts';
import type { VirtualCard } from './card/virtual-card.ts';

export const VPCD_DEFAULT_PORT = 35963;

export const VPCD_CONTROL = { POWER_OFF: 0x00, POWER_ON: 0x01, RESET: 0x02, GET_ATR: 0x04 } as const;

export interface VpcdBridgeOptions {
  readonly host?: string;
  readonly port?: number;
  /** Log sink (no APDU contents are logged: they may carry personal data). */
  readonly log?: (message: string) => void;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export function frame(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffff) throw new RangeError('vpcd payload longer than 65 535 bytes');
  const out = new Uint8Array(payload.length + 2);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/** Splits a byte stream into vpcd frames; keeps an incomplete tail for the next chunk. */
export class FrameReader {
  private buf: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf, 0);
    joined.set(chunk, this.buf.length);
    const frames: Uint8Array[] = [];
    let off = 0;
    while (joined.length - off >= 2) {
      const len = (joined[off] << 8) | joined[off + 1];
      if (joined.length - off - 2 < len) break;
      frames.push(joined.slice(off + 2, off + 2 + len));
      off += 2 + len;
    }
    this.buf = joined.slice(off);
    return frames;
  }
}

/** The card side of one vpcd message: returns the payload to send back, or undefined for none. */
export function handleVpcdMessage(card: VirtualCard, payload: Uint8Array): Uint8Array | undefined {
  if (payload.length === 1) {
    switch (payload[0]) {
      case VPCD_CONTROL.POWER_OFF:
        card.powerOff();
        return undefined;
      case VPCD_CONTROL.POWER_ON:
      case VPCD_CONTROL.RESET:
        card.powerOn();
        return undefined;
      case VPCD_CONTROL.GET_ATR:
        return card.atr;
      default:
        return undefined;
    }
  }
  if (!card.powered) card.powerOn(); // pcscd powers the card first; be tolerant if it did not
  try {
    return card.transmitBytes(payload);
  } catch {
    // an injected power cut (or an internal error) still needs an answer on the wire
    return Uint8Array.of(SW.MEMORY_FAILURE >> 8, SW.MEMORY_FAILURE & 0xff);
  }
}

export class VpcdBridge {
  private socket: Socket | undefined;
  private stopped = false;
  private backoff: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiters: (() => void)[] = [];
  connected = false;
  apdus = 0;

  constructor(
    private readonly card: VirtualCard,
    private readonly opts: VpcdBridgeOptions = {},
  ) {
    this.backoff = opts.minBackoffMs ?? 100;
  }

  get address(): string {
    return `${this.opts.host ?? '127.0.0.1'}:${this.opts.port ?? VPCD_DEFAULT_PORT}`;
  }

  start(): this {
    this.stopped = false;
    this.connect();
    return this;
  }

  /** Resolves once connected to vpcd (rejects after `timeoutMs`). */
  waitConnected(timeoutMs = 5000): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`vpcd not reachable at ${this.address}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const s = this.socket;
    this.socket = undefined;
    if (s && !s.destroyed) await new Promise<void>((resolve) => s.end(resolve));
    s?.destroy();
    this.card.powerOff();
  }

  private log(m: string): void {
    this.opts.log?.(m);
  }

  private connect(): void {
    const socket = createConnection({
      host: this.opts.host ?? '127.0.0.1',
      port: this.opts.port ?? VPCD_DEFAULT_PORT,
    });
    this.socket = socket;
    socket.setNoDelay(true);
    const reader = new FrameReader();
    socket.on('connect', () => {
      this.connected = true;
      this.backoff = this.opts.minBackoffMs ?? 100;
      this.log(`已连接 vpcd connected to ${this.address}`);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('data', (chunk: Buffer) => {
      for (const payload of reader.push(new Uint8Array(chunk))) {
        if (payload.length > 1) this.apdus++;
        const answer = handleVpcdMessage(this.card, payload);
        if (answer) socket.write(frame(answer));
      }
    });
    socket.on('error', (err) => this.log(`vpcd 连接错误 connection error: ${err.message}`));
    socket.on('close', () => {
      // A socket closed by stop() may report it after start() opened the next one: that one owns the card now.
      if (this.socket !== undefined && this.socket !== socket) return;
      const wasConnected = this.connected;
      this.connected = false;
      this.card.powerOff(); // the reader is gone: so is the field
      if (this.stopped) return;
      if (wasConnected) this.log('vpcd 连接断开，正在重连 connection lost, reconnecting');
      this.timer = setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 5000);
    });
  }
}
