// File models of the card: typed values per file and the generic encoders driven by the profile data.
export * from './types.ts';
export {
  checkKnownKeys,
  decodeTlvFile,
  encodeFullTlvFile,
  encodeTlvFile,
  type FieldValues,
} from './tlv-file.ts';
export { decodeRecord, encodeRecord, type RecordEncodeOptions } from './record.ts';
export { decodePhotoFile, encodePhotoFile, PHOTO_CONTENT_LIMIT } from './photo.ts';
export { decodeIndexFile, encodeIndexFile } from './index-file.ts';
export { isCalendarDate, isCalendarDateTime, validateValue, type ValueSpec } from './validate.ts';
