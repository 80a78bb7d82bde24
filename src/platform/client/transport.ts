// One HTTP exchange with the platform over node:http / node:https (fetch cannot take an https.Agent, which
// mutual TLS needs). Every failure to get an answer — refused, reset, TLS, deadline — becomes
// PlatformUnavailable (9002); an answer of any status is returned as it is.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { PlatformUnavailable } from './errors.ts';

/** Mutual TLS material (PEM): the CA that signed the platform's certificate, and the client's own pair. */
export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Server name to check the certificate against when it differs from the URL's host. */
  servername?: string;
}

export interface TransportOptions {
  baseUrl: string;
  tls?: TlsOptions;
  /** Keep connections open between calls (default true). */
  keepAlive?: boolean;
}

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: string | Readable;
  /** Deadline for the answer's headers (and for reading the body when `read` is true). */
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

export class Transport {
  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  constructor(o: TransportOptions) {
    this.url = new URL(o.baseUrl);
    const keepAlive = o.keepAlive ?? true;
    this.agent =
      this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive, ...o.tls }) : new HttpAgent({ keepAlive });
  }

  get baseUrl(): string {
    return this.url.href.replace(/\/$/, '');
  }

  /** Sends one request; resolves at the answer's headers (the body is left to the caller). */
  send(r: RawRequest, what: string): Promise<RawResponse> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const base = this.url.pathname.replace(/\/$/, '');
    return new Promise((resolve, reject) => {
      const fail = (err: Error) =>
        reject(
          new PlatformUnavailable(`平台不可达 / platform unreachable (${what}): ${err.message}`, {
            cause: err,
          }),
        );
      const req = send(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          path: `${base}${r.path}`,
          method: r.method,
          headers: r.headers ?? {},
          agent: this.agent,
        },
        (res) => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
        },
      );
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${r.timeoutMs} ms`)),
        r.timeoutMs,
      );
      req.on('error', (err) => {
        clearTimeout(timer);
        fail(err);
      });
      if (r.body === undefined) req.end();
      else if (typeof r.body === 'string') req.end(r.body);
      else {
        r.body.on('error', (err) => req.destroy(err));
        r.body.pipe(req);
      }
    });
  }

  /** Reads a whole answer as text within the deadline left (a body cut off is 9002 as well). */
  async text(res: RawResponse, timeoutMs: number, what: string): Promise<string> {
    const timer = setTimeout(
      () => res.body.destroy(new Error(`answer not complete within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    } catch (err) {
      throw new PlatformUnavailable(`平台应答中断 / answer cut off (${what}): ${(err as Error).message}`, {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
