// The city platform's client of the province: RHC_C0001 authentication (token cached until shortly
// before expiry), upload of an up file (streamed from disk), the province's resume point per type, and
// download of the merged lists (streamed to disk).
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../../base/runtime.ts';
import { toWireTime } from '../domain/format.ts';
import { RhcError } from '../errors.ts';
import { passwordDigest, sm3Hex } from '../domain/secrets.ts';
import { EXCHANGE_PREFIX } from '../exchange/http.ts';
import type { ImportReport } from '../exchange/import.ts';

export interface ProvinceClientOptions {
  baseUrl: string;
  orgCode: string;
  userName: string;
  password: string;
  termId?: string;
  clock: Clock;
}

/** The province did not answer: the platform's 9002 UPSTREAM_UNAVAILABLE (the city run stops and retries later). */
export class ProvinceUnavailable extends RhcError {
  constructor(detail: string, opts: { cause?: unknown } = {}) {
    super('UPSTREAM_UNAVAILABLE', { detail, cause: opts.cause });
  }
}

export class ProvinceClient {
  private token: string | undefined;
  private tokenUntil = 0;
  private lastAuth = '';
  private readonly o: ProvinceClientOptions;
  constructor(o: ProvinceClientOptions) {
    this.o = o;
  }

  private async call(path: string, init: RequestInit & { duplex?: 'half' }): Promise<Response> {
    try {
      return await fetch(`${this.o.baseUrl}${path}`, init);
    } catch (err) {
      throw new ProvinceUnavailable(`省级平台不可达 / province unreachable: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  private async auth(): Promise<string> {
    const now = this.o.clock.now().getTime();
    if (this.token && now < this.tokenUntil) return this.token;
    let msgCreateTime = toWireTime(this.o.clock.now());
    // the province refuses an authentication not strictly newer than the last one (replay guard)
    while (msgCreateTime <= this.lastAuth) {
      await new Promise((r) => setTimeout(r, 250));
      msgCreateTime = toWireTime(this.o.clock.now());
    }
    this.lastAuth = msgCreateTime;
    const res = await this.call('/api/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        orgCode: this.o.orgCode,
        termId: this.o.termId ?? `CITY-${this.o.orgCode}`,
        userName: this.o.userName,
        pwdDigest: passwordDigest(sm3Hex(this.o.password), msgCreateTime),
        msgCreateTime,
      }),
    });
    const body = (await res.json()) as { token?: string; code?: string; detail?: string };
    if (!res.ok || !body.token)
      throw new Error(`认证失败 / authentication failed: ${body.code ?? res.status} ${body.detail ?? ''}`);
    this.token = body.token;
    this.tokenUntil = now + 10 * 60_000;
    return body.token;
  }

  private async headers(extra: Record<string, string> = {}) {
    return { authorization: `Bearer ${await this.auth()}`, ...extra };
  }

  async provinceSeq(type: string): Promise<number> {
    const res = await this.call(`${EXCHANGE_PREFIX}/status?type=${type}`, { headers: await this.headers() });
    const body = (await res.json()) as { lastSeq?: number; detail?: string };
    if (!res.ok || body.lastSeq === undefined)
      throw new Error(`status ${type}: ${res.status} ${body.detail ?? ''}`);
    return body.lastSeq;
  }

  async upload(path: string, name: string): Promise<ImportReport> {
    const size = (await stat(path)).size;
    const res = await this.call(`${EXCHANGE_PREFIX}/files/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: await this.headers({
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      }),
      body: Readable.toWeb(createReadStream(path)) as never,
      duplex: 'half',
    });
    const body = (await res.json()) as ImportReport & { code?: string; detail?: string };
    if (res.status !== 200 && res.status !== 422)
      throw new Error(`upload ${name}: HTTP ${res.status} ${body.code ?? ''} ${body.detail ?? ''}`);
    return body;
  }

  /** Downloads a merged list into dir; returns the file path and its name. */
  async downloadList(
    type: 'SHMD' | 'SBMD',
    have: string,
    dir: string,
  ): Promise<{ path: string; name: string; version: string }> {
    const res = await this.call(
      `${EXCHANGE_PREFIX}/lists/${type}${have ? `?have=${encodeURIComponent(have)}` : ''}`,
      { headers: await this.headers() },
    );
    if (!res.ok || !res.body) throw new Error(`download ${type}: HTTP ${res.status} ${await res.text()}`);
    const name = res.headers.get('x-rhc-file-name') ?? '';
    if (!/^[A-Z]{3,4}_\d{6}_\d{8}_\d{3}\.txt$/.test(name))
      throw new Error(`download ${type}: bad file name ${name}`);
    const path = join(dir, name);
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(path));
    return { path, name, version: res.headers.get('x-rhc-list-version') ?? '' };
  }
}
