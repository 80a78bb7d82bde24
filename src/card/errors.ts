// Coded errors of the card layer. Messages are Chinese first, then English, and name the field and the
// limit — never the value, which may be personal data (names, ID numbers).

export type CardDataErrorCode =
  | 'FIELD_TOO_LONG'
  | 'AN_INVALID_CHAR'
  | 'CN_NOT_DIGITS'
  | 'CN_BAD_NIBBLE'
  | 'B_NOT_HEX'
  | 'INVALID_DATE'
  | 'INVALID_FLAG'
  | 'INVALID_CODE_BYTE'
  | 'UNKNOWN_CODE'
  | 'INVALID_ID_NUMBER'
  | 'MISSING_REQUIRED'
  | 'UNKNOWN_FIELD'
  | 'NOT_A_STRING'
  | 'TLV_TAG_MISMATCH'
  | 'TLV_LENGTH_MISMATCH'
  | 'RECORD_LENGTH'
  | 'TOO_MANY_RECORDS'
  | 'BAD_SECTION'
  | 'PHOTO_TOO_LARGE'
  | 'PHOTO_NOT_JPEG'
  | 'PHOTO_BAD_LENGTH'
  | 'UNKNOWN_PROFILE'
  | 'UNKNOWN_FILE'
  | 'UNKNOWN_KEY';

export class CardDataError extends Error {
  override readonly name = 'CardDataError';
  constructor(
    readonly code: CardDataErrorCode,
    /** The element/field key (or file path) the error is about. */
    readonly field: string,
    message: string,
    /** The byte (or record) limit that was exceeded, when there is one. */
    readonly limit?: number,
  ) {
    super(`${code} [${field}] ${message}`);
  }
}

/** A non-fatal finding while encoding (e.g. a 4-byte GB18030 character older readers cannot show). */
export interface CardDataWarning {
  readonly code: 'AN_FOUR_BYTE_CHAR' | 'ID_NUMBER_NORMALIZED';
  readonly field: string;
  readonly message: string;
}

export interface EncodeOptions {
  /** Receives warnings; without it they are dropped. */
  readonly onWarning?: (w: CardDataWarning) => void;
  /** Cut over-long `an` text at a character boundary instead of failing (§3.2 opt-in). */
  readonly truncate?: boolean;
  /** "Today" for checks that depend on it (ID-number birth dates in the future); default: now. */
  readonly today?: Date;
}
