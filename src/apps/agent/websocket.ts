// Minimal RFC 6455 server side for the agent's event stream: handshake, unmasked text frames to the client,
// and reading the client's close / ping frames. No extensions, no fragmentation (events are small JSON).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class WsClient {
  private closed = false;
  constructor(private readonly socket: Duplex) {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const frame = parseFrame(buffer);
        if (!frame) break;
        buffer = buffer.subarray(frame.size);
        if (frame.opcode === 0x8) this.close();
        else if (frame.opcode === 0x9) this.write(0xa, frame.payload); // ping → pong
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(value: unknown): void {
    this.write(0x1, Buffer.from(JSON.stringify(value)));
  }

  close(): void {
    if (this.closed) return;
    this.write(0x8, Buffer.alloc(0));
    this.closed = true;
    this.socket.end();
  }

  private write(opcode: number, payload: Buffer): void {
    if (this.closed) return;
    const n = payload.length;
    const header =
      n < 126
        ? Buffer.from([0x80 | opcode, n])
        : n < 65536
          ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
          : undefined;
    if (!header) throw new RangeError('event too large');
    this.socket.write(Buffer.concat([header, payload]));
  }
}

function parseFrame(b: Buffer): { opcode: number; payload: Buffer; size: number } | undefined {
  if (b.length < 2) return undefined;
  const opcode = b[0] & 0x0f;
  const masked = (b[1] & 0x80) !== 0;
  let len = b[1] & 0x7f;
  let off = 2;
  if (len === 126) {
    if (b.length < 4) return undefined;
    len = b.readUInt16BE(2);
    off = 4;
  } else if (len === 127) {
    if (b.length < 10) return undefined;
    len = Number(b.readBigUInt64BE(2));
    off = 10;
  }
  const maskLen = masked ? 4 : 0;
  if (b.length < off + maskLen + len) return undefined;
  const payload = Buffer.from(b.subarray(off + maskLen, off + maskLen + len));
  if (masked) for (let i = 0; i < len; i++) payload[i] ^= b[off + (i % 4)];
  return { opcode, payload, size: off + maskLen + len };
}

/** Completes the handshake; returns undefined (after answering 400) when the request is not a WebSocket one. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex): WsClient | undefined {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  return new WsClient(socket);
}
