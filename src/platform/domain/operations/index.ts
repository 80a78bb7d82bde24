// The ten interfaces of platform-interfaces.md §4, one file each; the table every binding dispatches through.
import type * as C from '../../contracts.ts';
import type { DomainContext } from '../context.ts';
import type { Caller } from '../institutions/index.ts';
import { getList } from './get-list.ts';
import { statistics } from './statistics.ts';
import { syncIssuance } from './sync-issuance.ts';
import { syncReplacement } from './sync-replacement.ts';
import { syncStatus } from './sync-status.ts';
import { updateCard } from './update-card.ts';
import { updateResident } from './update-resident.ts';
import { verifyCard } from './verify-card.ts';
import { verifyId } from './verify-id.ts';

export { authenticate } from './authenticate.ts';
export type { RequestMeta } from './authenticate.ts';
export {
  getList,
  statistics,
  syncIssuance,
  syncReplacement,
  syncStatus,
  updateCard,
  updateResident,
  verifyCard,
  verifyId,
};

/** Every business code but RHC_C0001 (which makes the caller) needs a caller. */
export type CallerBusinessCode = Exclude<C.BusinessCode, 'RHC_C0001'>;
type Operation = (ctx: DomainContext, caller: Caller, input: never) => Promise<unknown>;

/** Business code → operation; a Record over the codes, so a missing entry fails the type check. */
export const CALLER_OPERATIONS: Readonly<Record<CallerBusinessCode, Operation>> = {
  RHC_C0002: verifyId,
  RHC_C0003: verifyCard,
  RHC_C0004: syncIssuance,
  RHC_C0005: syncStatus,
  RHC_C0006: syncReplacement,
  RHC_C0007: getList,
  RHC_C0008: statistics,
  RHC_C0009: updateResident,
  RHC_C0010: updateCard,
};
