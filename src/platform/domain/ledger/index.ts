// The one writer of card changes (see README.md): CardLedger, list versions, the transition rules.
export { CardLedger } from './ledger.ts';
export type {
  Actor,
  CardRow,
  LedgerCard,
  LedgerOptions,
  ListChangeInput,
  OperationInput,
  ResidentRow,
  StatusChange,
  TransitionInput,
} from './ledger.ts';
export {
  EMPTY_LIST_VERSION,
  LIST_TYPES,
  VersionCounter,
  headVersion,
  seqOfVersion,
  versionAt,
} from './versions.ts';
export type { ListHead, ListType } from './versions.ts';
export { reachable, stepOp } from './transitions.ts';
