// RHC_C0007 黑白名单下载: the changes since the version a client has (mode D), or the full list of cards now
// in the list's statuses (mode F) when it has none or an unknown one (4001). Paged; a full list's page token
// pins the version it started at, so a client paging through it ends at a consistent version.
import type * as C from '../../contracts.ts';
import { auditLater } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import { EMPTY_LIST_VERSION, headVersion, seqOfVersion, versionAt } from '../ledger/index.ts';
import { CARD_STATUS } from '../lifecycle.ts';

export async function getList(ctx: DomainContext, caller: Caller, input: C.ListInput): Promise<C.ListOutput> {
  assertPermitted(caller, 'RHC_C0007');
  auditLater(ctx, caller, 'RHC_C0007', `list:${input.listType} since:${input.haveVersion ?? '-'}`);
  if (!input.haveVersion) return fullList(ctx, input, '0000');
  const since =
    input.haveVersion === EMPTY_LIST_VERSION
      ? 0
      : await seqOfVersion(ctx.db, input.listType, input.haveVersion);
  if (since === undefined) return fullList(ctx, input, '4001');
  return changesSince(ctx, input, since);
}

async function changesSince(ctx: DomainContext, input: C.ListInput, since: number): Promise<C.ListOutput> {
  const size = input.pageSize ?? 1000;
  const from = input.pageToken ? Math.max(Number(input.pageToken.split('-')[0]), since) : since;
  let q = ctx.db
    .selectFrom('list_changes')
    .selectAll()
    .where('list_type', '=', input.listType)
    .where('seq', '>', from);
  if (input.scope) q = q.where('app_city_code', 'like', `${input.scope}%`);
  const rows = await q
    .orderBy('seq')
    .limit(size + 1)
    .execute();
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    resultCode: '0000',
    listType: input.listType,
    version: last ? last.version : input.haveVersion!,
    baseVersion: input.haveVersion!,
    mode: 'D',
    entries: page.map((r) => ({
      op: r.op as 'A' | 'D',
      cardNo: r.card_no,
      chipSerial: r.chip_serial,
      status: r.status,
      ...(r.reason_code ? { reasonCode: r.reason_code } : {}),
      effectiveTime: r.effective_time,
      appCityCode: r.app_city_code,
    })),
    ...(rows.length > size && last ? { nextPageToken: String(last.seq) } : {}),
  };
}

/** Current cards in the list's statuses, paged by card id; the token `seq-id` pins the version. */
async function fullList(ctx: DomainContext, input: C.ListInput, resultCode: string): Promise<C.ListOutput> {
  const size = input.pageSize ?? 1000;
  const list = input.listType;
  const [pinnedSeq, afterId] = input.pageToken?.includes('-')
    ? input.pageToken.split('-').map(Number)
    : [undefined, 0];
  const head =
    pinnedSeq !== undefined ? await versionAt(ctx.db, list, pinnedSeq) : await headVersion(ctx.db, list);
  const statuses = Object.keys(CARD_STATUS).filter((s) => CARD_STATUS[s]!.lists.includes(list));
  let q = ctx.db
    .selectFrom('cards')
    .select(['id', 'card_no', 'chip_serial', 'status', 'status_reason', 'status_time', 'app_city_code'])
    .where('status', 'in', statuses)
    .where('id', '>', afterId ?? 0);
  if (input.scope) q = q.where('app_city_code', 'like', `${input.scope}%`);
  const rows = await q
    .orderBy('id')
    .limit(size + 1)
    .execute();
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    resultCode,
    listType: list,
    version: head.version,
    mode: 'F',
    entries: page.map((r) => ({
      op: 'A' as const,
      cardNo: r.card_no,
      chipSerial: r.chip_serial,
      status: r.status,
      ...(r.status_reason ? { reasonCode: r.status_reason } : {}),
      effectiveTime: r.status_time,
      appCityCode: r.app_city_code,
    })),
    ...(rows.length > size && last ? { nextPageToken: `${head.seq}-${last.id}` } : {}),
  };
}
