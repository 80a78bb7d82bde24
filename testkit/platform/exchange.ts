// Fixtures of the exchange tests: a city platform database with issued and blocked cards (through the real
// PlatformService), a temporary directory, and the export of a city's file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../src/base/runtime.ts';
import { PlatformService } from '../../src/platform/domain/service.ts';
import type { Caller } from '../../src/platform/domain/institutions/index.ts';
import type { Clock } from '../../src/base/runtime.ts';
import { exportFile } from '../../src/platform/exchange/export.ts';
import type { ExportResult } from '../../src/platform/exchange/export.ts';
import { bulkLoad } from '../../src/platform/seed/bulk.ts';
import { openDatabase } from '../../src/platform/storage/db.ts';
import type { ExchangeType } from '../../src/platform/exchange/layouts.ts';
import type { PlatformDb } from '../../src/platform/storage/db.ts';
import { TestClock, authRequest, idNumber, issuanceRequest } from './fixtures.ts';
import type { DbTarget } from './fixtures.ts';

export const CITY = { institutionCode: '61010000-9', regionCode: '610100' };
export const CITY_B = { institutionCode: '61020000-X', regionCode: '610200' };

export interface City {
  p: PlatformDb;
  svc: PlatformService;
  caller: Caller;
  clock: TestClock;
  dir: string;
  ids: string[];
  close(): Promise<void>;
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `rhc-x-${tag}-`));
}

/** A city platform database with `n` issued cards (holders born in `region`), card 1 reported lost. */
export async function cityWith(target: DbTarget, region: string, n: number, firstSeq = 1): Promise<City> {
  const { p, drop } = await target.open!();
  const clock = new TestClock();
  const svc = await PlatformService.open(p, { clock, random: seededRandom(7) });
  const code = region === '610100' ? CITY.institutionCode : CITY_B.institutionCode;
  const cred = await svc.registry.add(
    { code, name: `城市 ${region}`, role: 'city', regionCode: region },
    'pw',
  );
  await svc.authenticate(authRequest(cred, clock));
  const caller: Caller = {
    institutionId: 1,
    institutionCode: code,
    role: 'city',
    regionCode: region,
    userName: cred.userName,
    userRole: 'admin',
    termId: 'T',
  };
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = idNumber(`${region.slice(0, 4)}02`, '19900101', firstSeq + i);
    ids.push(id);
    await svc.syncIssuance(
      caller,
      issuanceRequest(id, `C${region}${String(firstSeq + i).padStart(6, '0')}`, `S-${region}-${i}`, {
        appCityCode: region,
      }),
    );
  }
  if (n > 1)
    await svc.syncStatus(caller, {
      cardNo: ids[1]!,
      chipSerial: `C${region}${String(firstSeq + 1).padStart(6, '0')}`,
      oldStatus: '30',
      newStatus: '40',
      reasonCode: '02',
      opTime: '20260601110000',
      opOrgCode: code,
      operator: 'op1',
      serialNo: `L-${region}-1`,
    });
  return {
    p,
    svc,
    caller,
    clock,
    ids,
    dir: tempDir(`city${region}`),
    async close() {
      await svc.close();
      await drop();
    },
  };
}

export async function exportUp(c: City, type: ExchangeType, o: { mode?: 'F' | 'D'; since?: number } = {}) {
  const r = await exportFile(c.p, { type, region: c.caller.regionCode, outDir: c.dir, clock: c.clock, ...o });
  if (!r) throw new Error(`nothing to export for ${type}`);
  return r;
}

/**
 * A synthetic city of `residents` holders in Xi'an's counties (bulk-loaded into sqlite:<dir>/city.db, so
 * every card is the city's) exported as full JMXX and KXX up files into <dir>/out.
 */
export async function bulkCityFiles(
  dir: string,
  residents: number,
  o: { seed: number; clock: Clock; afterLoad?: (city: PlatformDb) => Promise<unknown> },
): Promise<{ jm: ExportResult; kxx: ExportResult }> {
  const city = await openDatabase(`sqlite:${join(dir, 'city.db')}`);
  try {
    await bulkLoad(city, residents, {
      regionPrefix: '6101',
      seed: o.seed,
      today: '20260601',
      now: o.clock.now().toISOString(),
    });
    await o.afterLoad?.(city);
    const full = async (type: ExchangeType) =>
      (await exportFile(city, {
        type,
        region: '610100',
        outDir: join(dir, 'out'),
        clock: o.clock,
        mode: 'F',
      }))!;
    return { jm: await full('JMXX'), kxx: await full('KXX') };
  } finally {
    await city.close();
  }
}
