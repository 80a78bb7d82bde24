// RHC_C0007 黑白名单下载: the changes since the version a client has (mode D), or the full list of cards now
// in the list's statuses (mode F) when it has none or an unknown one (4001). Paged; a full list's page token
// pins the version it started at, so a client paging through it ends at a consistent version.
// Minimum necessary (issue 13 §2): plaintext lists only to the roles of PLAIN_LISTS_FOR and, below the
// province, only of the caller's own region; hashed lists (list-hash.ts) to every permitted role, any region.
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import { auditLater, nowParts } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { PLAIN_LISTS_FOR } from '../field-policy.ts';
import { regionPrefix } from '../checks.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import { EMPTY_LIST_VERSION, headVersion, seqOfVersion, versionAt } from '../ledger/index.ts';
import { CARD_STATUS } from '../lifecycle.ts';
import { hashKeyExpired, listEntryHash, listHashKey, listSecret } from '../list-hash.ts';

export async function getList(ctx: DomainContext, caller: Caller, input: C.ListInput): Promise<C.ListOutput> {
  assertPermitted(caller, 'RHC_C0007');
  const subject = `list:${input.listType} ${input.format ?? 'plain'} scope:${input.scope ?? '-'} since:${input.haveVersion ?? '-'}`;
  if (input.format === 'hashed') {
    auditLater(ctx, caller, 'RHC_C0007', subject);
    return hashedList(ctx, input);
  }
  let scope: string | undefined;
  try {
    scope = plainScope(caller, input.scope);
  } catch (err) {
    auditLater(ctx, caller, 'RHC_C0007', subject, '1011');
    throw err;
  }
  auditLater(ctx, caller, 'RHC_C0007', subject);
  return plainList(ctx, { ...input, ...(scope ? { scope } : {}) });
}

/** The region a plaintext list may cover: the requested one if the caller serves it, else its own. */
function plainScope(caller: Caller, scope: string | undefined): string | undefined {
  if (caller.role === 'province') return scope;
  if (!PLAIN_LISTS_FOR.has(caller.role))
    throw new RhcError('NOT_PERMITTED', {
      field: 'format',
      detail: `role ${caller.role} receives hashed lists only (format: "hashed")`,
    });
  const own = regionPrefix(caller.regionCode);
  if (scope === undefined) return own;
  if (!scope.startsWith(own))
    throw new RhcError('NOT_PERMITTED', {
      field: 'scope',
      detail: `plaintext lists cover region ${own} only; other regions: format "hashed"`,
    });
  return scope;
}

function plainList(ctx: DomainContext, input: C.ListInput): Promise<C.ListOutput> {
  return input.haveVersion ? fromVersion(ctx, input, input.haveVersion) : fullList(ctx, input, '0000');
}

async function fromVersion(ctx: DomainContext, input: C.ListInput, have: string): Promise<C.ListOutput> {
  const since = have === EMPTY_LIST_VERSION ? 0 : await seqOfVersion(ctx.db, input.listType, have);
  if (since === undefined) return fullList(ctx, input, '4001');
  return changesSince(ctx, input, since);
}

/**
 * A hashed list: deltas under the client's key id while it is fresh (or from the empty version, under a new
 * key id), otherwise (no key id, or one older than HASH_KEY_MAX_AGE_DAYS) the full list under a new key id
 * (4001 when the client asked for a delta).
 */
async function hashedList(ctx: DomainContext, input: C.ListInput): Promise<C.ListOutput> {
  const today = nowParts(ctx.clock).date;
  const keyUsable = input.hashKeyId !== undefined && !hashKeyExpired(input.hashKeyId, today);
  // a client starting from the empty version holds no hashes yet: its delta may start a new key id
  const fromEmpty = input.haveVersion === EMPTY_LIST_VERSION;
  const out =
    input.haveVersion && (keyUsable || fromEmpty)
      ? await fromVersion(ctx, input, input.haveVersion)
      : await fullList(ctx, input, input.haveVersion ? '4001' : '0000');
  const hashKeyId = keyUsable ? input.hashKeyId! : `${today}-${out.version}`;
  const key = listHashKey(await listSecret(ctx.db, ctx.random), input.listType, hashKeyId);
  return {
    ...out,
    hashKeyId,
    hashKey: key.toString('hex'),
    entries: out.entries.map(({ cardNo, chipSerial, ...rest }) => ({
      ...rest,
      entryHash: listEntryHash(key, cardNo!, chipSerial!),
    })),
  };
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
