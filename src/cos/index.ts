// Public entry point of the simulator: the virtual user card, the virtual SAM, virtual-card files, the vpcd
// bridge, APDU transcripts and the cos errors. Only code that deliberately runs a virtual card or SAM imports
// this (see README.md); crypto is src/crypto.
export { VirtualCard, type VirtualCardOptions } from './card/virtual-card.ts';
export {
  personaliseCard,
  type CardState,
  type FileImage,
  type PersonaliseOptions,
  type BlockState,
  type Lifecycle,
} from './card/state.ts';
export { newCard, type NewCardOptions } from './card/issue.ts';
export { FaultInjector } from './card/nvm.ts';
export * from './sam/index.ts';
export {
  CARD_FILE_FORMAT,
  deserializeCard,
  loadCard,
  saveCard,
  serializeCard,
  type CardFile,
} from './persist.ts';
export { VPCD_DEFAULT_PORT, VpcdBridge, type VpcdBridgeOptions } from './vpcd.ts';
export {
  TRANSCRIPT_TYPE,
  TranscriptFormatError,
  TranscriptMismatchError,
  TranscriptRecorder,
  parseTranscript,
  recordingRandom,
  replayTranscript,
  type TranscriptEvent,
  type TranscriptHeader,
} from './transcript.ts';
export * from './errors.ts';
