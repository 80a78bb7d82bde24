// The local reader agent: the high-level card operations as JSON over HTTP and card insert/remove events over
// WebSocket, bound to 127.0.0.1 only. Guards: Host must be loopback (DNS rebinding), Origin must be allow-listed,
// every card call needs the workstation token, and one card operation runs at a time (a queue).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_HTTP_LIMITS,
  applyConnectionLimits,
  nodeServerOptions,
  type HttpLimits,
} from '../../platform/api/http-limits.ts';
import { ReaderError, isReaderError, readerErrorCatalogue } from '../../reader/errors.ts';
import { HealthCardOperations } from '../../reader/operations.ts';
import type { Reader } from '../../reader/reader.ts';
import { AGENT_ERRORS, AgentError, type AgentErrorSymbol } from './errors.ts';
import { buildOpenApi } from './openapi.ts';
import { OperationQueue } from './queue.ts';
import { matchRoute } from './routes.ts';
import { tokenMatches } from './token.ts';
import { acceptWebSocket, type WsClient } from './websocket.ts';

export interface AgentOptions {
  /** Opens the reader (device + SAM powered); called lazily and again after a NO_READER failure. */
  openReader(): Promise<Reader>;
  samPin: string;
  token: string;
  /** Browser origins allowed to call the agent (the agent's own origin is always allowed). */
  allowedOrigins: readonly string[];
  port?: number;
  /** Root public key for offline signature verification. */
  rootPublicKey?: string;
  /** Extra routes for the virtual-card mode (insert/remove the virtual card). */
  virtualControls?: { insert(): void; remove(): void };
  /** Deadlines and connection caps (defaults: AGENT_HTTP_LIMITS). */
  httpLimits?: Partial<HttpLimits>;
}

/**
 * The platform's deadlines, fewer connections (one workstation's browser: a few requests and the event
 * socket) and no idle cut-off: the /events WebSocket stays open while the workstation waits for a card.
 */
export const AGENT_HTTP_LIMITS: HttpLimits = {
  ...DEFAULT_HTTP_LIMITS,
  idleTimeoutMs: 0,
  maxConnectionsPerSource: 64,
  maxConnections: 128,
};

const here = dirname(fileURLToPath(import.meta.url));
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class ReaderAgent {
  readonly queue = new OperationQueue();
  private server?: Server;
  private reader?: Reader;
  private ops?: HealthCardOperations;
  private unsubscribe?: () => void;
  private readonly clients = new Set<WsClient>();
  private pinError?: ReaderError;

  constructor(private readonly opts: AgentOptions) {}

  async listen(): Promise<string> {
    const limits = { ...AGENT_HTTP_LIMITS, ...this.opts.httpLimits };
    const server = createServer(nodeServerOptions(limits), (req, res) => void this.handle(req, res));
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    applyConnectionLimits(server, limits);
    server.on('upgrade', (req, socket) => this.upgrade(req, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 18080, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.url;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | undefined;
    return `http://127.0.0.1:${a?.port ?? this.opts.port ?? 18080}`;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    this.unsubscribe?.();
    await this.reader?.close().catch(() => undefined);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections?.();
  }

  /** The opened reader, opening it (and verifying the SAM PIN) on first use. */
  private async readerOps(): Promise<HealthCardOperations> {
    if (this.pinError) throw this.pinError;
    if (this.ops) return this.ops;
    const reader = await this.opts.openReader();
    this.unsubscribe = reader.device.onCardEvent((e) =>
      this.broadcast({
        type: e.type === 'inserted' ? 'card-inserted' : 'card-removed',
        reader: e.reader,
        at: new Date().toISOString(),
      }),
    );
    try {
      await reader.verifySamPin(this.opts.samPin);
    } catch (e) {
      if (isReaderError(e, 'SAM_PIN_WRONG') || isReaderError(e, 'SAM_PIN_BLOCKED')) this.pinError = e; // never retry a wrong PIN by itself
      this.unsubscribe();
      await reader.close().catch(() => undefined);
      throw e;
    }
    this.reader = reader;
    this.ops = new HealthCardOperations(reader);
    return this.ops;
  }

  private broadcast(event: unknown): void {
    for (const c of this.clients) {
      if (c.isOpen) c.send(event);
      else this.clients.delete(c);
    }
  }

  private guard(
    req: IncomingMessage,
    res: ServerResponse | undefined,
    needToken: boolean,
    query?: URLSearchParams,
  ): AgentErrorSymbol | undefined {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!LOOPBACK.has(host)) return 'HOST_NOT_ALLOWED';
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.url && !this.opts.allowedOrigins.includes(origin))
      return 'ORIGIN_NOT_ALLOWED';
    if (res && origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (!needToken) return undefined;
    const auth = req.headers.authorization;
    const presented = auth?.startsWith('Bearer ') ? auth.slice(7) : (query?.get('token') ?? undefined);
    return tokenMatches(this.opts.token, presented) ? undefined : 'TOKEN_INVALID';
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    type = 'application/json; charset=utf-8',
  ): void {
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-store');
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  private agentError(res: ServerResponse, key: AgentErrorSymbol): void {
    const e = new AgentError(key);
    this.send(res, e.entry.http, { error: e.toJSON() });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    try {
      if (req.method === 'OPTIONS') {
        const refused = this.guard(req, res, false);
        if (refused) return this.agentError(res, refused);
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Allow-Private-Network', 'true');
        res.setHeader('Access-Control-Max-Age', '600');
        res.statusCode = 204;
        return void res.end();
      }
      // Public, token-free resources: the example page, the browser client, the API description.
      const statics: Record<string, [string, string]> = {
        '/': ['example.html', 'text/html; charset=utf-8'],
        '/client.js': ['client/rhc-agent-client.js', 'text/javascript; charset=utf-8'],
        '/client.d.ts': ['client/rhc-agent-client.d.ts', 'text/plain; charset=utf-8'],
      };
      if (req.method === 'GET' && (statics[path] || path === '/openapi.json' || path === '/errors')) {
        const refused = this.guard(req, res, false);
        if (refused) return this.agentError(res, refused);
        if (path === '/openapi.json') return this.send(res, 200, buildOpenApi(this.url));
        if (path === '/errors')
          return this.send(res, 200, { reader: readerErrorCatalogue(), agent: AGENT_ERRORS });
        const [file, type] = statics[path];
        return this.send(res, 200, readFileSync(join(here, file), 'utf8'), type);
      }
      const refused = this.guard(req, res, true);
      if (refused) return this.agentError(res, refused);
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      if (body === INVALID) return this.agentError(res, 'BODY_INVALID');

      if (req.method === 'GET' && path === '/status') {
        const status = await this.queue.run(async () => {
          const ops = await this.readerOps();
          return {
            reader: ops.reader.device.name,
            cardPresent: await ops.reader.device.cardPresent(),
            samNumber: await ops.reader.samNumber(),
          };
        });
        return this.send(res, 200, { ...status, queued: this.queue.pending });
      }
      if (req.method === 'POST' && path === '/sam/verify-pin') {
        const pin = (body as { pin?: unknown })?.pin;
        if (typeof pin !== 'string') throw new ReaderError('BAD_PARAMETER', { field: 'pin' });
        this.opts.samPin = pin;
        this.pinError = undefined;
        await this.queue.run(async () => {
          if (this.reader) await this.reader.verifySamPin(pin);
          else await this.readerOps();
        });
        return this.send(res, 200, { ok: true });
      }
      if (
        req.method === 'POST' &&
        this.opts.virtualControls &&
        (path === '/virtual/insert' || path === '/virtual/remove')
      ) {
        if (path === '/virtual/insert') this.opts.virtualControls.insert();
        else this.opts.virtualControls.remove();
        return this.send(res, 200, { ok: true });
      }
      const hit = matchRoute(req.method ?? 'GET', path);
      if (!hit) return this.agentError(res, 'NOT_FOUND');
      const result = await this.queue.run(async () => {
        const ops = await this.readerOps();
        return hit.route.run({
          ops,
          params: hit.params,
          query: url.searchParams,
          body,
          rootPublicKey: this.opts.rootPublicKey,
        });
      });
      this.send(res, 200, result ?? { ok: true });
    } catch (e) {
      if (isReaderError(e)) return this.send(res, e.entry.http, { error: e.toJSON() });
      const internal = new AgentError('INTERNAL', { detail: (e as Error).message });
      this.send(res, internal.entry.http, { error: internal.toJSON() });
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? '/', this.url);
    const refused =
      url.pathname !== '/events' ? 'NOT_FOUND' : this.guard(req, undefined, true, url.searchParams);
    if (refused) {
      socket.end(
        `HTTP/1.1 ${AGENT_ERRORS[refused].status} ${refused}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    const client = acceptWebSocket(req, socket);
    if (!client) return;
    this.clients.add(client);
    client.send({ type: 'hello', at: new Date().toISOString() });
    // Opening the reader starts its event source (PC/SC monitor); do it in the background.
    void this.queue.run(() => this.readerOps()).catch(() => undefined);
  }
}

const INVALID = Symbol('invalid');

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) return INVALID;
    chunks.push(c as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return INVALID;
  }
}
