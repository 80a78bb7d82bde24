// Limits on what one HTTP client can hold open: a slow or idle socket is closed after a deadline, and one
// source address may not take more than its share of connections. Without them, 150 unauthenticated
// slow-body sockets stayed open for 150 s (review, issue 13 §6).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpLimits {
  /** The whole request (headers and body) must arrive within this (Node `requestTimeout`). */
  requestTimeoutMs: number;
  /** The request headers must arrive within this (Node `headersTimeout`; ≤ requestTimeoutMs). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic at all is closed after this (Fastify `connectionTimeout`). */
  idleTimeoutMs: number;
  /** Open connections one source address may hold (a hospital front-end machine needs a few dozen). */
  maxConnectionsPerSource: number;
  /** Open connections in all. */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxConnectionsPerSource: 256,
  maxConnections: 8_192,
};

/** The node:http createServer options that carry the deadlines (servers built without Fastify: the agent). */
export function nodeServerOptions(l: HttpLimits) {
  const headersTimeout = Math.min(l.headersTimeoutMs, l.requestTimeoutMs);
  return {
    requestTimeout: l.requestTimeoutMs,
    headersTimeout,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    // Node checks the header and request deadlines only this often (default 30 s, which doubles them)
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, headersTimeout / 2)),
  };
}

/** The Fastify constructor options that carry the limits (`http` goes to node:http createServer). */
export function fastifyLimitOptions(l: HttpLimits) {
  const { headersTimeout, connectionsCheckingInterval } = nodeServerOptions(l);
  return {
    requestTimeout: l.requestTimeoutMs,
    connectionTimeout: l.idleTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    http: { headersTimeout, connectionsCheckingInterval },
  };
}

/** Caps the open connections in all and per source address. */
export function applyConnectionLimits(server: Server, l: HttpLimits): void {
  server.maxConnections = l.maxConnections;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const source = socket.remoteAddress ?? '?';
    const n = (open.get(source) ?? 0) + 1;
    if (n > l.maxConnectionsPerSource) {
      socket.destroy();
      return;
    }
    open.set(source, n);
    socket.once('close', () => {
      const left = (open.get(source) ?? 1) - 1;
      if (left === 0) open.delete(source);
      else open.set(source, left);
    });
  });
}
