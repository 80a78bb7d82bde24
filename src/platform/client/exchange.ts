// The exchange file routes (exchange/http.ts) as `client.exchange.*`: upload of an up file streamed from
// disk, the platform's resume point per type, and download of a merged list streamed to disk.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EXCHANGE_PREFIX } from '../exchange/http.ts';
import type { ImportReport } from '../exchange/import.ts';
import type { PlatformClient } from './client.ts';
import { PlatformUnavailable } from './errors.ts';

export interface DownloadedList {
  path: string;
  name: string;
  version: string;
  /** F (full) or D (delta since `have`). */
  mode: string;
}

const LIST_FILE = /^[A-Z]{3,4}_\d{6}_\d{8}_\d{3}\.txt$/;

export class ExchangeClient {
  private readonly c: PlatformClient;
  constructor(c: PlatformClient) {
    this.c = c;
  }

  /** PUT /files/:name — the import report (accepted, or refused as a whole with 422). */
  async upload(path: string, name: string, o: { timeoutMs?: number } = {}): Promise<ImportReport> {
    const size = (await stat(path)).size;
    const what = `upload ${name}`;
    const res = await this.c.authed(
      {
        method: 'PUT',
        path: `${EXCHANGE_PREFIX}/files/${encodeURIComponent(name)}`,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body: () => createReadStream(path),
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      },
      what,
    );
    return (await this.c.json(res, what, o.timeoutMs, (s) => s === 200 || s === 422)) as ImportReport;
  }

  /** GET /status?type= — the last sequence number the platform imported of this caller's region. */
  async status(type: string): Promise<{ region: string; type: string; lastSeq: number }> {
    const what = `status ${type}`;
    const res = await this.c.authed(
      { method: 'GET', path: `${EXCHANGE_PREFIX}/status?type=${encodeURIComponent(type)}` },
      what,
    );
    return (await this.c.json(res, what)) as { region: string; type: string; lastSeq: number };
  }

  /** GET /lists/:type[?have=] — writes the merged list (full, or the delta since `have`) into dir. */
  async downloadList(type: 'SHMD' | 'SBMD', have: string, dir: string): Promise<DownloadedList> {
    const what = `download ${type}`;
    const res = await this.c.authed(
      {
        method: 'GET',
        path: `${EXCHANGE_PREFIX}/lists/${type}${have ? `?have=${encodeURIComponent(have)}` : ''}`,
      },
      what,
    );
    if (res.status !== 200) await this.c.json(res, what); // throws the refusal
    const header = (n: string) => {
      const v = res.headers[n];
      return (Array.isArray(v) ? v[0] : v) ?? '';
    };
    const name = header('x-rhc-file-name');
    if (!LIST_FILE.test(name)) {
      res.body.resume();
      throw new Error(`${what}: bad file name ${name}`);
    }
    const path = join(dir, name);
    try {
      await pipeline(res.body, createWriteStream(path));
    } catch (err) {
      throw new PlatformUnavailable(`${what}: transfer cut off: ${(err as Error).message}`, { cause: err });
    }
    return { path, name, version: header('x-rhc-list-version'), mode: header('x-rhc-mode') };
  }
}
