// The city platform's client of the province, over the one platform client (../client): RHC_C0001
// authentication (token kept until shortly before expiry), upload of an up file (streamed from disk), the
// province's resume point per type, and download of the merged lists (streamed to disk). A province that
// does not answer is PlatformUnavailable (9002): the city run stops and retries later.
import type { Clock } from '../../base/runtime.ts';
import { PlatformClient } from '../client/index.ts';
import type { DownloadedList } from '../client/index.ts';
import type { ImportReport } from '../exchange/import.ts';

export interface ProvinceClientOptions {
  baseUrl: string;
  orgCode: string;
  userName: string;
  password: string;
  termId?: string;
  clock: Clock;
}

/** Token kept 10 minutes of its 15 (renewed 5 minutes before expiry), as the city always did. */
const RENEW_BEFORE_SECONDS = 5 * 60;
/** A whole file is imported before the province answers: a generous deadline (fetch's default). */
const CALL_TIMEOUT_MS = 300_000;

export class ProvinceClient {
  private readonly c: PlatformClient;
  constructor(o: ProvinceClientOptions) {
    this.c = new PlatformClient({
      baseUrl: o.baseUrl,
      credentials: {
        orgCode: o.orgCode,
        userName: o.userName,
        password: o.password,
        termId: o.termId ?? `CITY-${o.orgCode}`,
      },
      clock: o.clock,
      renewBeforeSeconds: RENEW_BEFORE_SECONDS,
      timeoutMs: CALL_TIMEOUT_MS,
    });
  }

  async provinceSeq(type: string): Promise<number> {
    return (await this.c.exchange.status(type)).lastSeq;
  }

  upload(path: string, name: string): Promise<ImportReport> {
    return this.c.exchange.upload(path, name);
  }

  /** Downloads a merged list into dir; returns the file path and its name. */
  downloadList(type: 'SHMD' | 'SBMD', have: string, dir: string): Promise<DownloadedList> {
    return this.c.exchange.downloadList(type, have, dir);
  }

  close(): void {
    this.c.close();
  }
}
