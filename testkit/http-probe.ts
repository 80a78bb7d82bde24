// Raw-socket probes of a server's HTTP limits (issue 13 §6): a client that never finishes its body or its
// headers, and many connections from one source. Tests configure small limits and assert that the server
// closes such sockets — a bound far above the limit, never a timing figure.
import { connect, type Socket } from 'node:net';

/** A connected socket to 127.0.0.1:port. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Milliseconds until the server closes `s`, or `limitMs` if it is still open then. */
export function closedAfter(s: Socket, limitMs: number): Promise<number> {
  return new Promise<number>((resolve) => {
    const t0 = Date.now();
    const timer = setTimeout(() => resolve(limitMs), limitMs);
    s.on('error', () => {});
    s.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

/**
 * Sends `head`, then one byte every 100 ms forever (the socket is never idle, the request never ends);
 * resolves true if the server closed the socket within `limitMs`.
 */
export async function dripUntilClosed(port: number, head: string, drip: string, limitMs = 5_000) {
  const s = await openSocket(port);
  s.write(head);
  const timer = setInterval(() => s.writable && s.write(drip), 100);
  const ms = await closedAfter(s, limitMs);
  clearInterval(timer);
  s.destroy();
  return ms < limitMs;
}

/** A POST whose 1 000-byte body never arrives in full. */
export const slowBody = (port: number, path: string) =>
  dripUntilClosed(
    port,
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`,
    ' ',
  );

/** A request whose headers never end. */
export const slowHeaders = (port: number, path: string) =>
  dripUntilClosed(port, `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n`, 'x-a: b\r\n');

/** Opens `n` connections at once; returns how many the server closed within `waitMs` (and closes the rest). */
export async function closedOf(port: number, n: number, waitMs = 300): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: n }, () => openSocket(port)));
  const closed = await Promise.all(sockets.map((s) => closedAfter(s, waitMs)));
  for (const s of sockets) s.destroy();
  await new Promise((r) => setTimeout(r, 50));
  return closed.filter((ms) => ms < waitMs).length;
}
