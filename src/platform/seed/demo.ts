// Demo data for `npm start`: on an empty database, a province admin, the Xi'an city platform, two demo
// hospitals and a few thousand synthetic residents with cards in every state. Demo passwords are derived
// from a fixed seed so every start can print them — they are DEMO credentials, never for production.
import { seededRandom } from '../../base/runtime.ts';
import type { Clock } from '../../base/runtime.ts';
import { toWireDate, toWireTime } from '../domain/format.ts';
import type { IssuedCredentials, NewInstitution } from '../domain/institutions.ts';
import type { PlatformService } from '../domain/service.ts';
import type { PlatformDb } from '../storage/db.ts';
import { bulkLoad } from './bulk.ts';

export const DEMO_INSTITUTIONS: readonly (NewInstitution & { seed: number })[] = [
  {
    code: '61000000-8',
    name: '陕西省居民健康卡管理中心（演示）',
    role: 'province',
    regionCode: '610000',
    seed: 1,
  },
  { code: '61010000-9', name: '西安市卡管平台（演示）', role: 'city', regionCode: '610100', seed: 2 },
  { code: '45075129-0', name: '西安市第一演示医院', role: 'hospital', regionCode: '610102', seed: 3 },
  { code: '45075130-3', name: '宝鸡市中心演示医院', role: 'hospital', regionCode: '610302', seed: 4 },
];

export function demoPassword(seed: number): string {
  return `demo-${Buffer.from(seededRandom(20260000 + seed).bytes(5)).toString('hex')}`;
}

export interface DemoSummary {
  seeded: boolean;
  residents: number;
  credentials: (Pick<IssuedCredentials, 'code' | 'name' | 'role' | 'userName' | 'password'> & {
    appId?: string;
    appSecret?: string;
  })[];
}

/** Seeds once (marker in settings); afterwards only reports the demo credentials. */
export async function ensureDemoData(
  p: PlatformDb,
  svc: PlatformService,
  clock: Clock,
  residents = 3000,
): Promise<DemoSummary> {
  const marker = await p.db
    .selectFrom('settings')
    .select('value')
    .where('name', '=', 'demo_seeded')
    .executeTakeFirst();
  const credentials: DemoSummary['credentials'] = [];
  let seeded = false;
  if (!marker) {
    for (const d of DEMO_INSTITUTIONS) {
      const c = await svc.registry.add(d, demoPassword(d.seed));
      credentials.push(c);
    }
    const now = clock.now();
    await bulkLoad(p, residents, {
      seed: 2026,
      today: toWireDate(now),
      now: now.toISOString(),
      regionPrefix: '61',
    });
    await p.db
      .insertInto('settings')
      .values({ name: 'demo_seeded', value: toWireTime(now) })
      .execute();
    seeded = true;
  } else {
    const rows = await p.db
      .selectFrom('institutions')
      .select(['code', 'name', 'role', 'app_id', 'app_secret'])
      .where(
        'code',
        'in',
        DEMO_INSTITUTIONS.map((d) => d.code),
      )
      .execute();
    for (const d of DEMO_INSTITUTIONS) {
      const r = rows.find((x) => x.code === d.code);
      if (r)
        credentials.push({
          code: r.code,
          name: r.name,
          role: d.role,
          userName: 'admin',
          password: demoPassword(d.seed),
          appId: r.app_id,
          appSecret: r.app_secret,
        });
    }
  }
  const n = await p.db
    .selectFrom('residents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { seeded, residents: Number(n.n), credentials };
}
