// Shared fixtures of the platform and exchange tests: database targets (the dialects of ../dialects.ts
// opened as platform databases), a controllable clock, institutions, valid ID numbers and wire requests.
import { seededRandom } from '../../src/base/runtime.ts';
import type { Clock } from '../../src/base/runtime.ts';
import { toWireTime } from '../../src/platform/domain/format.ts';
import { computeCheckDigit } from '../../src/codes/index.ts';
import type { IssuedCredentials, Role } from '../../src/platform/domain/institutions/index.ts';
import { passwordDigest, sm3Hex } from '../../src/platform/domain/secrets.ts';
import { PlatformService } from '../../src/platform/domain/service.ts';
import { openDatabase } from '../../src/platform/storage/db.ts';
import type { PlatformDb } from '../../src/platform/storage/db.ts';
import { dialectCases } from '../dialects.ts';

export class TestClock implements Clock {
  t: number;
  constructor(iso = '2026-06-01T02:00:00Z') {
    this.t = Date.parse(iso);
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

export interface DbTarget {
  name: string;
  /** undefined → skip with `skip` as the reason. */
  open?: () => Promise<{ p: PlatformDb; drop: () => Promise<void> }>;
  skip?: string;
}

/** SQLite always; PostgreSQL (a fresh schema per open) when RHC_TEST_POSTGRES_URL is set, else a skip. */
export function dbTargets(): DbTarget[] {
  return dialectCases().map((d) => {
    const fresh = d.fresh;
    if (!fresh) return { name: d.name, skip: d.skip };
    return {
      name: d.name,
      open: async () => {
        const t = await fresh();
        const p = await openDatabase(t.url, t.schema ? { schema: t.schema } : {});
        return {
          p,
          drop: async () => {
            await p.close();
            await t.drop();
          },
        };
      },
    };
  });
}

/** A valid GB 11643 number from region, birth date and sequence (check character computed). */
export function idNumber(region: string, birth: string, seq: number): string {
  const first = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first + computeCheckDigit(first);
}

export interface Fixture {
  p: PlatformDb;
  svc: PlatformService;
  clock: TestClock;
  drop: () => Promise<void>;
  creds: Record<string, IssuedCredentials>;
}

/** Opens a service with five institutions: province, cities 610100 and 610200, a hospital (610102), a bank. */
export async function fixture(target: DbTarget): Promise<Fixture> {
  const { p, drop } = await target.open!();
  const clock = new TestClock();
  const svc = await PlatformService.open(p, { clock, random: seededRandom(42) });
  const creds: Record<string, IssuedCredentials> = {};
  const add = async (key: string, code: string, role: Role, regionCode: string) => {
    creds[key] = await svc.registry.add({ code, name: `${key} 机构`, role, regionCode }, `pw-${key}`);
  };
  await add('province', '61000000-8', 'province', '610000');
  await add('city', '61010000-9', 'city', '610100');
  await add('cityB', '61020000-X', 'city', '610200');
  await add('hospital', '45075129-0', 'hospital', '610102');
  await add('bank', '10000000-8', 'bank', '610000');
  return {
    p,
    svc,
    clock,
    creds,
    drop: async () => {
      await svc.close();
      await drop();
    },
  };
}

export function authRequest(c: IssuedCredentials, clock: Clock, termId = 'FEM-001') {
  const msgCreateTime = toWireTime(clock.now());
  return {
    orgCode: c.code,
    termId,
    userName: c.userName,
    pwdDigest: passwordDigest(sm3Hex(c.password), msgCreateTime),
    msgCreateTime,
  };
}

export function issuanceRequest(
  idNo: string,
  chip: string,
  serial: string,
  over: { name?: string; appCityCode?: string } = {},
) {
  return {
    card: {
      cardNo: idNo,
      chipSerial: chip,
      securityCode: '123',
      cardType: '1',
      specVersion: '0100',
      issuerOrgName: '西安市卫生健康委员会',
      issuerOrgCode: '6101000000000000000001',
      issueDate: '20260601',
      validUntil: '20360601',
      appCityCode: over.appCityCode ?? '610100',
      cardForm: '1' as const,
    },
    holder: {
      name: over.name ?? '王堃',
      sex: (Number(idNo[16]) % 2 ? '1' : '2') as '1' | '2',
      nation: '01',
      birthDate: idNo.slice(6, 14),
      idType: '01',
      idNo,
    },
    issuePoint: '61010000-9',
    operator: 'op017',
    issueTime: '20260601100000',
    serialNo: serial,
  };
}

/** RHC_C0005 body: the hospital 45075129-0 reports a card lost (30 → 40, reason 02). */
export function lossReport(cardNo: string, chipSerial: string, serialNo: string) {
  return {
    cardNo,
    chipSerial,
    oldStatus: '30',
    newStatus: '40',
    reasonCode: '02',
    opTime: '20260601100000',
    opOrgCode: '45075129-0',
    operator: 'op',
    serialNo,
  };
}
