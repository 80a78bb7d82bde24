// HTTP client side of the reliability harness: prepares a database (institutions registered, optional bulk
// cards) before a server process opens it, authenticates over REST (RHC_C0001, the platform client) and
// posts raw JSON (postJson: any status comes back as it is, for the hostile and crash checks).
import { randomBytes } from 'node:crypto';
import { PlatformCallError, PlatformClient } from '../../src/platform/client/index.ts';
import { toWireDate } from '../../src/platform/domain/format.ts';
import { InstitutionRegistry } from '../../src/platform/domain/institutions/index.ts';
import type { IssuedCredentials, Role } from '../../src/platform/domain/institutions/index.ts';
import { bulkLoad } from '../../src/platform/seed/bulk.ts';
import type { BulkResult } from '../../src/platform/seed/bulk.ts';
import { openDatabase } from '../../src/platform/storage/db.ts';
import type { OpenOptions } from '../../src/platform/storage/db.ts';
import { systemClock, systemRandom } from '../../src/base/runtime.ts';
import { gb11714Code } from '../../src/codes/index.ts';

export interface PreparedDb {
  /** city 610100 (may issue and change status in 6101xx) and a hospital (verifies cards). */
  city: IssuedCredentials;
  hospital: IssuedCredentials;
  /** The server's token-signing key (hex): lets the hostile suite forge an expired, well-signed token. */
  tokenKeyHex: string;
  bulk?: BulkResult;
}

/** Registers the harness institutions and bulk-loads `cards` synthetic cards (0 = none) in 6101xx. */
export async function prepareDb(
  dbUrl: string,
  o: { residents?: number; seed?: number; open?: OpenOptions; onProgress?: (n: number) => void } = {},
): Promise<PreparedDb> {
  const p = await openDatabase(dbUrl, o.open ?? {});
  try {
    const reg = await InstitutionRegistry.open(p.db, systemClock, systemRandom);
    // a fresh, valid GB 11714 code pair per run (the registry checks the check character)
    const tag = randomBytes(3).toString('hex').toUpperCase();
    const add = (code: string, role: Role, regionCode: string) =>
      reg.add({ code, name: `loadgen ${role}`, role, regionCode }, `pw-${randomBytes(6).toString('hex')}`);
    const city = await add(gb11714Code(`C${tag}0`), 'city', '610100');
    const hospital = await add(gb11714Code(`H${tag}0`), 'hospital', '610102');
    let bulk: BulkResult | undefined;
    if (o.residents && o.residents > 0) {
      const now = new Date();
      bulk = await bulkLoad(p, o.residents, {
        seed: o.seed ?? 7,
        regionPrefix: '6101',
        today: toWireDate(now),
        now: now.toISOString(),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      });
    }
    const key = await p.db
      .selectFrom('settings')
      .select('value')
      .where('name', '=', 'token_key')
      .executeTakeFirstOrThrow();
    return { city, hospital, tokenKeyHex: key.value, ...(bulk ? { bulk } : {}) };
  } finally {
    await p.close();
  }
}

export interface JsonReply {
  status: number;
  body: Record<string, unknown>;
}

export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  token?: string,
  signal?: AbortSignal,
): Promise<JsonReply> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed };
}

let lastAuthSecond = 0;

/**
 * RHC_C0001 over REST through the platform client. The platform refuses an msgCreateTime that is not
 * strictly newer than the last accepted one (replay guard, seconds resolution), so consecutive logins of
 * this process use increasing seconds.
 */
export async function login(baseUrl: string, c: IssuedCredentials, termId = 'LOADGEN'): Promise<string> {
  const client = new PlatformClient({
    baseUrl,
    credentials: { orgCode: c.code, userName: c.userName, password: c.password, termId },
    authTime: () => {
      const nowS = Math.max(Math.floor(Date.now() / 1000), lastAuthSecond + 1);
      lastAuthSecond = nowS;
      return new Date(nowS * 1000);
    },
  });
  try {
    return await client.login();
  } catch (err) {
    const code = err instanceof PlatformCallError ? err.code : (err as Error).message;
    throw new Error(`login of ${c.code} failed: ${code}`, { cause: err });
  } finally {
    client.close();
  }
}
