// RHC_C0008 统计: `report` — a city platform reports its day figures per organisation; `query` — counts of
// operations by organisation / region / day / operation type, scoped to what the caller may see (a hospital
// its own institution, a city its region, the province everything).
import { sql } from 'kysely';
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import { auditLater, nowParts } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { writeOnce } from '../idempotency.ts';
import { mayTouchRegion, regionPrefix } from '../checks.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import { OP_TYPES } from '../lifecycle.ts';

export async function statistics(
  ctx: DomainContext,
  caller: Caller,
  input: C.StatisticsInput,
): Promise<C.StatisticsOutput> {
  assertPermitted(caller, 'RHC_C0008');
  return input.action === 'report' ? report(ctx, caller, input) : query(ctx, caller, input);
}

async function report(
  ctx: DomainContext,
  caller: Caller,
  input: C.StatisticsInput,
): Promise<C.StatisticsOutput> {
  if (!(caller.role === 'city' || caller.role === 'province'))
    throw new RhcError('NOT_PERMITTED', { detail: 'only city platforms report statistics' });
  if (!input.rows?.length) throw new RhcError('FIELD_MISSING', { field: 'rows' });
  if (!input.serialNo) throw new RhcError('FIELD_MISSING', { field: 'serialNo' });
  for (const [i, r] of input.rows.entries())
    if (!(r.opType in OP_TYPES)) throw new RhcError('FIELD_FORMAT', { field: `rows.${i}.opType` });
  const rows = input.rows;
  await checkReportedOrgs(ctx, caller, rows);
  return writeOnce(
    ctx,
    caller,
    'RHC_C0008',
    input.serialNo,
    input,
    async ({ trx }) => {
      const at = nowParts(ctx.clock).iso;
      // a new report for the same (organisation, day, operation) replaces this reporter's earlier one
      for (const r of rows)
        await trx
          .deleteFrom('reported_stats')
          .where('reported_by', '=', caller.institutionCode)
          .where('org_code', '=', r.orgCode)
          .where('stat_date', '=', r.date)
          .where('op_type', '=', r.opType)
          .execute();
      await ctx.adapter.insertRows(
        trx,
        'reported_stats',
        rows.map((r) => ({
          reported_by: caller.institutionCode,
          region_code: caller.regionCode,
          org_code: r.orgCode,
          stat_date: r.date,
          op_type: r.opType,
          count: r.count,
          received_at: at,
        })),
      );
      return { rows: [], accepted: rows.length };
    },
    (o) => `report rows:${o.accepted}`,
  );
}

/**
 * A reporter reports only for organisations of its own region: a registered institution of another region
 * is refused (unregistered organisations — hospitals known only to the city — count as the reporter's).
 */
async function checkReportedOrgs(
  ctx: DomainContext,
  caller: Caller,
  rows: NonNullable<C.StatisticsInput['rows']>,
): Promise<void> {
  if (caller.role === 'province') return;
  const codes = [...new Set(rows.map((r) => r.orgCode))];
  const known = await ctx.db
    .selectFrom('institutions')
    .select(['code', 'region_code'])
    .where('code', 'in', codes)
    .execute();
  const regionOf = new Map(known.map((k) => [k.code, k.region_code]));
  for (const [i, r] of rows.entries()) {
    const region = regionOf.get(r.orgCode);
    if (region !== undefined && !mayTouchRegion(caller, region))
      throw new RhcError('NOT_PERMITTED', {
        field: `rows.${i}.orgCode`,
        detail: `${r.orgCode} is an institution of region ${region}, outside the reporter's region`,
      });
  }
}

type Group = 'org' | 'region' | 'day' | 'op';
const LOG_COLUMN = { org: 'org_code', region: 'region_code', day: 'op_date', op: 'op_type' } as const;
const REPORT_COLUMN = { org: 'org_code', region: 'region_code', day: 'stat_date', op: 'op_type' } as const;

/** The organisation and region a query may cover (NOT_PERMITTED outside the caller's own). */
function scopeOf(caller: Caller, input: C.StatisticsInput): { orgCode: string | undefined; region: string } {
  if (caller.role === 'province') return { orgCode: input.orgCode, region: input.regionCode ?? '' };
  const mine = regionPrefix(caller.regionCode);
  if (input.regionCode !== undefined && !input.regionCode.startsWith(mine))
    throw new RhcError('NOT_PERMITTED', { field: 'regionCode', detail: 'statistics of another region' });
  if (caller.role === 'city') return { orgCode: input.orgCode, region: input.regionCode ?? mine };
  // an institution below the city sees its own figures only (its uses of any city's cards included)
  if (input.orgCode !== undefined && input.orgCode !== caller.institutionCode)
    throw new RhcError('NOT_PERMITTED', { field: 'orgCode', detail: 'statistics of another institution' });
  return { orgCode: caller.institutionCode, region: input.regionCode ?? '' };
}

async function query(
  ctx: DomainContext,
  caller: Caller,
  input: C.StatisticsInput,
): Promise<C.StatisticsOutput> {
  const { orgCode, region } = scopeOf(caller, input);
  const groupBy: Group[] = input.groupBy?.length ? input.groupBy : ['op'];
  // A city's reported figures for a day replace the log rows imported from that city for that day (both
  // describe the city's own operations); online rows are always counted (docs/platform.md).
  let q1 = ctx.db
    .selectFrom('card_operations')
    .where(
      'op_type',
      'in',
      Object.keys(OP_TYPES).filter((k) => /^\d\d$/.test(k)),
    )
    .where(
      sql<boolean>`(source = 'online' or not exists (select 1 from reported_stats rs where 'city:' || rs.region_code = card_operations.source and rs.stat_date = card_operations.op_date))`,
    );
  let q2 = ctx.db.selectFrom('reported_stats');
  if (input.startDate) {
    q1 = q1.where('op_date', '>=', input.startDate);
    q2 = q2.where('stat_date', '>=', input.startDate);
  }
  if (input.endDate) {
    q1 = q1.where('op_date', '<=', input.endDate);
    q2 = q2.where('stat_date', '<=', input.endDate);
  }
  if (orgCode) {
    q1 = q1.where('org_code', '=', orgCode);
    q2 = q2.where('org_code', '=', orgCode);
  }
  if (region) {
    q1 = q1.where('region_code', 'like', `${region}%`);
    q2 = q2.where('region_code', 'like', `${region}%`);
  }
  if (input.opTypes?.length) {
    q1 = q1.where('op_type', 'in', input.opTypes);
    q2 = q2.where('op_type', 'in', input.opTypes);
  }
  const recorded = await q1
    .select((eb) => [...groupBy.map((g) => eb.ref(LOG_COLUMN[g]).as(g)), eb.fn.countAll<number>().as('n')])
    .groupBy(groupBy.map((g) => LOG_COLUMN[g]))
    .execute();
  const reported = await q2
    .select((eb) => [
      ...groupBy.map((g) => eb.ref(REPORT_COLUMN[g]).as(g)),
      eb.fn.sum<number>('count').as('n'),
    ])
    .groupBy(groupBy.map((g) => REPORT_COLUMN[g]))
    .execute();
  auditLater(ctx, caller, 'RHC_C0008', `query ${region || '*'} ${orgCode ?? '*'}`);
  return { rows: sumRows(groupBy, [...recorded, ...reported] as Record<string, unknown>[]) };
}

/** Adds recorded and reported counts of the same group key; rows in a stable order. */
function sumRows(groupBy: Group[], counted: Record<string, unknown>[]): C.StatisticsOutput['rows'] {
  const sums = new Map<string, { key: Record<string, string>; n: number }>();
  for (const r of counted) {
    const key = Object.fromEntries(groupBy.map((g) => [g, String(r[g])]));
    const k = JSON.stringify(key);
    sums.set(k, { key, n: (sums.get(k)?.n ?? 0) + Number(r.n) });
  }
  return [...sums.values()]
    .map(({ key, n }) => ({
      ...(key.org !== undefined ? { orgCode: key.org } : {}),
      ...(key.region !== undefined ? { regionCode: key.region } : {}),
      ...(key.day !== undefined ? { date: key.day } : {}),
      ...(key.op !== undefined ? { opType: key.op } : {}),
      count: n,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
