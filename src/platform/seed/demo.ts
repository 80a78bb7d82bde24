// Demo data for `npm start`: on an empty database, a province admin, the Xi'an city platform, two demo
// hospitals and a few thousand synthetic residents with cards in every state. Demo passwords are random
// per install (issue 13 §3: a fixed demo password logs in on every install): printed on the first start and
// written to `demo-credentials.txt` (0600) in the data folder, which later starts print again.
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../../base/runtime.ts';
import { toWireDate, toWireTime } from '../domain/format.ts';
import type { IssuedCredentials, NewInstitution } from '../domain/institutions/index.ts';
import type { PlatformService } from '../domain/service.ts';
import type { PlatformDb } from '../storage/db.ts';
import { bulkLoad } from './bulk.ts';

/** The settings row that marks a database seeded by `rhc start` (rhc serve refuses it without a flag). */
export const DEMO_MARKER = 'demo_seeded';

export const DEMO_INSTITUTIONS: readonly NewInstitution[] = [
  {
    code: '61000000-8',
    name: '陕西省居民健康卡管理中心（演示）',
    role: 'province',
    regionCode: '610000',
  },
  { code: '61010000-9', name: '西安市卡管平台（演示）', role: 'city', regionCode: '610100' },
  { code: '45075129-0', name: '西安市第一演示医院', role: 'hospital', regionCode: '610102' },
  { code: '45075130-3', name: '宝鸡市中心演示医院', role: 'hospital', regionCode: '610302' },
];

export interface DemoSummary {
  seeded: boolean;
  residents: number;
  /** Where the credentials were written (undefined for an in-memory database). */
  credentialsFile?: string | undefined;
  credentials: (Pick<IssuedCredentials, 'code' | 'name' | 'role' | 'userName' | 'password'> & {
    appId?: string;
    appSecret?: string;
  })[];
}

/** The demo credentials file: in the SQLite database's folder, else ./data (PostgreSQL). */
export function demoCredentialsPath(p: Pick<PlatformDb, 'kind' | 'sqlitePath'>): string | undefined {
  if (p.kind !== 'sqlite') return join('data', 'demo-credentials.txt');
  if (!p.sqlitePath || p.sqlitePath === ':memory:') return undefined;
  return join(dirname(p.sqlitePath), 'demo-credentials.txt');
}

type Credential = DemoSummary['credentials'][number];

function writeCredentials(path: string, list: Credential[]): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${JSON.stringify(list, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
}

function readCredentials(path: string | undefined): Credential[] {
  if (!path || !existsSync(path)) return [];
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Credential[];
  } catch {
    return [];
  }
}

/** Whether this database was seeded by `rhc start` (its demo accounts exist). */
export async function hasDemoAccounts(p: PlatformDb): Promise<boolean> {
  const marker = await p.db
    .selectFrom('settings')
    .select('value')
    .where('name', '=', DEMO_MARKER)
    .executeTakeFirst();
  return marker !== undefined;
}

/** Seeds once (marker in settings); afterwards only reports the demo credentials from the file. */
export async function ensureDemoData(
  p: PlatformDb,
  svc: PlatformService,
  clock: Clock,
  residents = 3000,
): Promise<DemoSummary> {
  const file = demoCredentialsPath(p);
  const marker = await hasDemoAccounts(p);
  const credentials: DemoSummary['credentials'] = [];
  let seeded = false;
  if (!marker) {
    for (const d of DEMO_INSTITUTIONS) {
      const c = await svc.registry.add(d); // a random password per install
      credentials.push({
        code: c.code,
        name: c.name,
        role: c.role,
        userName: c.userName,
        password: c.password,
        appId: c.appId,
        appSecret: c.appSecret,
      });
    }
    if (file) writeCredentials(file, credentials);
    const now = clock.now();
    await bulkLoad(p, residents, {
      seed: 2026,
      today: toWireDate(now),
      now: now.toISOString(),
      regionPrefix: '61',
    });
    await p.db
      .insertInto('settings')
      .values({ name: DEMO_MARKER, value: toWireTime(now) })
      .execute();
    seeded = true;
  } else {
    credentials.push(...readCredentials(file));
  }
  const n = await p.db
    .selectFrom('residents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { seeded, residents: Number(n.n), credentials, credentialsFile: file };
}
