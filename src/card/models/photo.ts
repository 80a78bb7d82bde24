// DDF1/EF07 照片文件 (card-format.md §5.1): N (2 bytes, big-endian) ‖ JPEG, N + 2 ≤ 3 072.
import { CardDataError } from '../errors.ts';

/** Content limit of the national photo file (the file itself is allocated 3 074 bytes). */
export const PHOTO_CONTENT_LIMIT = 3072;

/** Length ‖ JPEG. `limit` is the file's content limit (profile EF07 `contentLimit`). */
export function encodePhotoFile(jpeg: Uint8Array, limit = PHOTO_CONTENT_LIMIT): Uint8Array {
  if (jpeg.length < 2 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8)
    throw new CardDataError(
      'PHOTO_NOT_JPEG',
      'photo',
      '照片不是 JPEG（缺少 FFD8 开头） photo is not a JPEG (no FFD8 start-of-image)',
    );
  if (jpeg.length + 2 > limit)
    throw new CardDataError(
      'PHOTO_TOO_LARGE',
      'photo',
      `照片过大：JPEG ${jpeg.length} 字节，加长度头须 ≤ ${limit} 字节 photo too large: length prefix + JPEG must be ≤ ${limit} bytes`,
      limit - 2,
    );
  const out = new Uint8Array(jpeg.length + 2);
  out[0] = jpeg.length >> 8;
  out[1] = jpeg.length & 0xff;
  out.set(jpeg, 2);
  return out;
}

/** The JPEG of a photo file's content, or undefined when N = 0 (no photo). */
export function decodePhotoFile(bytes: Uint8Array, limit = PHOTO_CONTENT_LIMIT): Uint8Array | undefined {
  if (bytes.length < 2)
    throw new CardDataError(
      'PHOTO_BAD_LENGTH',
      'photo',
      '照片文件不足 2 字节 photo file shorter than its 2-byte length',
    );
  const n = (bytes[0] << 8) | bytes[1];
  if (n === 0) return undefined;
  if (n + 2 > limit || n + 2 > bytes.length)
    throw new CardDataError(
      'PHOTO_BAD_LENGTH',
      'photo',
      `照片长度 ${n} 超出文件 photo length ${n} runs past the file (limit ${limit} bytes)`,
      limit - 2,
    );
  return bytes.slice(2, 2 + n);
}
