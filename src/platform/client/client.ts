// The typed platform client: one method per interface of INTERFACES (typed by its zod request/response),
// over the REST binding (api/rest.ts). It logs in with RHC_C0001, renews the token shortly before it
// expires, and retries a call once when the platform answers 1006 (token missing or expired).
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { systemClock } from '../../base/runtime.ts';
import type { Clock } from '../../base/runtime.ts';
import { INTERFACES } from '../contracts.ts';
import type { AuthenticateOutput, BusinessCode, InterfaceDef } from '../contracts.ts';
import { parseWireTime, toWireTime } from '../domain/format.ts';
import { passwordDigest, sm3Hex } from '../domain/secrets.ts';
import { errorEntry } from '../errors.ts';
import { PlatformCallError, PlatformUnavailable } from './errors.ts';
import type { ProblemBody } from './errors.ts';
import { Transport } from './transport.ts';
import type { RawResponse, TlsOptions } from './transport.ts';
import { ExchangeClient } from './exchange.ts';
import { API_PREFIX } from '../api/rest.ts';

const TOKEN_INVALID = errorEntry('TOKEN_INVALID').code;

export interface PlatformCredentials {
  orgCode: string;
  userName: string;
  password: string;
  termId: string;
  samNo?: string;
  clientVersion?: string;
}

export interface PlatformClientOptions {
  /** e.g. https://province.example.org (a path prefix is kept). */
  baseUrl: string;
  /** Without them the client sends only the token given to `useToken`. */
  credentials?: PlatformCredentials;
  clock?: Clock;
  /** Per-call deadline in ms (default 30 s); `CallOptions.timeoutMs` overrides it for one call. */
  timeoutMs?: number;
  /** Renew the token this many seconds before its expiresAt (default 60). */
  renewBeforeSeconds?: number;
  /** Mutual TLS for an https baseUrl. */
  tls?: TlsOptions;
  /**
   * The msgCreateTime of the next RHC_C0001. The platform refuses one not strictly newer than the
   * user's last (replay guard, seconds); by default the clock, moved one second past this client's last.
   */
  authTime?: () => Date;
}

export interface CallOptions {
  timeoutMs?: number;
}

export interface AuthedRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  /** A factory, so that the body can be sent again on the 1006 retry. */
  body?: () => string | Readable;
  timeoutMs?: number;
}

type Input<D extends InterfaceDef> = z.input<D['req']>;
type Output<D extends InterfaceDef> = z.output<D['res']>;
type DefOf<C extends BusinessCode> = Extract<InterfaceDef, { code: C }>;

/** `verifyCard(input)`, `syncCardIssuance(input)` … — the SOAP operation name, first letter small. */
export type InterfaceMethods = {
  [D in InterfaceDef as Uncapitalize<D['op']>]: (input: Input<D>, o?: CallOptions) => Promise<Output<D>>;
};

export function methodName(op: string): string {
  return op.charAt(0).toLowerCase() + op.slice(1);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the ten methods are generated below
export interface PlatformClient extends InterfaceMethods {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class PlatformClient {
  readonly exchange: ExchangeClient;
  private readonly o: PlatformClientOptions;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private session: { token: string; renewAt: number } | undefined;
  private pendingLogin: Promise<string> | undefined;
  private lastAuth = 0;

  constructor(o: PlatformClientOptions) {
    this.o = o;
    this.clock = o.clock ?? systemClock;
    this.transport = new Transport({ baseUrl: o.baseUrl, ...(o.tls ? { tls: o.tls } : {}) });
    this.exchange = new ExchangeClient(this);
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Any interface by business code (the named methods call this). */
  async call<C extends BusinessCode>(
    code: C,
    input: Input<DefOf<C>>,
    o: CallOptions = {},
  ): Promise<Output<DefOf<C>>> {
    const def = INTERFACES.find((d) => d.code === code);
    if (!def) throw new Error(`unknown business code ${code}`);
    const req: AuthedRequest = {
      method: 'POST',
      path: `${API_PREFIX}${def.path}`,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify(input),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    };
    const what = `${def.code} ${def.op}`;
    const res = def.code === 'RHC_C0001' ? await this.send(req, what) : await this.authed(req, what);
    return (await this.json(res, what, req.timeoutMs)) as Output<DefOf<C>>;
  }

  /** RHC_C0001 with the configured credentials; keeps the token for the calls that follow. */
  login(): Promise<string> {
    this.pendingLogin ??= this.doLogin().finally(() => (this.pendingLogin = undefined));
    return this.pendingLogin;
  }

  /** The current token, logging in first or renewing it when it is close to expiry. */
  async token(): Promise<string | undefined> {
    const s = this.session;
    if (s && this.clock.now().getTime() < s.renewAt) return s.token;
    if (!this.o.credentials) return s?.token;
    return this.login();
  }

  /** Uses a token obtained elsewhere (until `expiresAt`, default: until the platform refuses it). */
  useToken(token: string, expiresAt?: Date): void {
    this.session = { token, renewAt: expiresAt ? expiresAt.getTime() : Number.POSITIVE_INFINITY };
  }

  /** Forgets the token; the next call logs in again. */
  logout(): void {
    this.session = undefined;
  }

  /** An authenticated request; on 1006 the token is renewed and the request sent once more. */
  async authed(r: AuthedRequest, what: string): Promise<RawResponse> {
    const first = await this.send(r, what, await this.token());
    if (first.status !== 401 || !this.o.credentials) return first;
    const text = await this.transport.text(first, this.deadline(r.timeoutMs), what);
    const problem = parseJson(text) as ProblemBody;
    if (problem.code !== TOKEN_INVALID) throw new PlatformCallError(first.status, problem, what);
    this.session = undefined;
    return this.send(r, what, await this.login());
  }

  /** Reads a JSON answer: the body when 2xx, else the platform's refusal as PlatformCallError. */
  async json(
    res: RawResponse,
    what: string,
    timeoutMs?: number,
    ok: (s: number) => boolean = is2xx,
  ): Promise<unknown> {
    const text = await this.transport.text(res, this.deadline(timeoutMs), what);
    const body = parseJson(text);
    if (ok(res.status)) return body;
    const problem = body as ProblemBody;
    if (!problem.code && res.status >= 502 && res.status <= 504)
      throw new PlatformUnavailable(`${what}: HTTP ${res.status} from a gateway`);
    throw new PlatformCallError(res.status, problem, what);
  }

  deadline(timeoutMs?: number): number {
    return timeoutMs ?? this.o.timeoutMs ?? 30_000;
  }

  close(): void {
    this.transport.close();
  }

  private send(r: AuthedRequest, what: string, token?: string): Promise<RawResponse> {
    return this.transport.send(
      {
        method: r.method,
        path: r.path,
        headers: { ...r.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(r.body ? { body: r.body() } : {}),
        timeoutMs: this.deadline(r.timeoutMs),
      },
      what,
    );
  }

  private async doLogin(): Promise<string> {
    const c = this.o.credentials;
    if (!c) throw new Error('PlatformClient: login needs credentials');
    const at = this.o.authTime?.() ?? this.nextAuthTime();
    const msgCreateTime = toWireTime(at);
    const out: AuthenticateOutput = await this.call('RHC_C0001', {
      orgCode: c.orgCode,
      termId: c.termId,
      userName: c.userName,
      pwdDigest: passwordDigest(sm3Hex(c.password), msgCreateTime),
      msgCreateTime,
      ...(c.samNo ? { samNo: c.samNo } : {}),
      ...(c.clientVersion ? { clientVersion: c.clientVersion } : {}),
    });
    const expires = parseWireTime(out.expiresAt)?.getTime() ?? this.clock.now().getTime();
    this.session = { token: out.token, renewAt: expires - (this.o.renewBeforeSeconds ?? 60) * 1000 };
    return out.token;
  }

  private nextAuthTime(): Date {
    const s = Math.max(Math.floor(this.clock.now().getTime() / 1000), this.lastAuth + 1);
    this.lastAuth = s;
    return new Date(s * 1000);
  }
}

for (const def of INTERFACES) {
  Object.defineProperty(PlatformClient.prototype, methodName(def.op), {
    value: function (this: PlatformClient, input: unknown, o?: CallOptions) {
      return this.call(def.code, input as never, o);
    },
  });
}

function is2xx(s: number): boolean {
  return s >= 200 && s < 300;
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { raw: text };
  }
}
