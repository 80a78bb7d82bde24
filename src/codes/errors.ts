// Coded errors of the codes layer. `code` is stable; callers map it to platform result codes.

export type CodesErrorCode = 'CODE_TABLE_UNKNOWN' | 'REGION_CODE_FORMAT' | 'REGION_UNKNOWN';

export class CodesError extends Error {
  override name = 'CodesError';
  constructor(
    readonly code: CodesErrorCode,
    message: string,
  ) {
    super(message);
  }
}
