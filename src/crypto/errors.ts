// Coded errors of the crypto layer in the shared catalogue shape (src/base/errors.ts): bad SM2 input, bad
// certificate input and key files. Messages name the field, never a key: key material must not reach a log.
import { CodedError, defineCatalogue, type ErrorEntry, type SymbolOf } from '../base/errors.ts';

/** Crypto 400–449 (design choice, docs/architecture.md). */
export const cryptoErrors = defineCatalogue(
  'crypto',
  [400, 449],
  [
    [
      '401',
      'SM2_INPUT',
      400,
      'SM2 密钥或签名数据格式错误',
      'SM2 key or signature input malformed',
      '请联系信息科 / call IT',
      'the field in the message is not a valid SM2 value: private keys are 64 hex digits in [1, n−2], public keys 04 ‖ x ‖ y (130 hex) on the curve, digests and nonces 32 bytes',
    ],
    [
      '402',
      'PKI_INPUT',
      400,
      '证书或记录签名数据格式错误',
      'certificate or record-signature input malformed',
      '请联系信息科 / call IT',
      'a certificate field or a record-signature input does not fit the §7.6 layout (card-format.md): the message names the field and the expected length or form',
    ],
    [
      '410',
      'KEYFILE_EXISTS',
      409,
      '密钥文件已存在，未覆盖',
      'key file exists, not overwritten',
      '请换一个文件名，切勿覆盖现有密钥文件 / choose another file name; never overwrite a key file',
      'key files are never overwritten (the old keys may already be in SAMs and cards); pass a new `--out` path',
    ],
    [
      '411',
      'KEYFILE_INVALID',
      422,
      '密钥文件内容无效',
      'key file invalid',
      '请联系信息科（密钥文件损坏或不匹配） / call IT (the key file is damaged or does not match)',
      'the field in the message failed a check: format and version, a key against its KCV, a key pair, the certificate chain, or the card profile; restore the file from its backup',
    ],
    [
      '412',
      'KEYFILE_PERMISSIONS',
      403,
      '密钥文件权限过宽',
      'key file readable by other users',
      '请联系信息科 / call IT',
      'a key file must be readable by its owner only: `chmod 600 FILE` (the file is refused, as ssh refuses a private key)',
    ],
    [
      '413',
      'KEYFILE_IO',
      500,
      '无法读写密钥文件',
      'key file cannot be read or written',
      '请联系信息科 / call IT',
      'the operating-system error is in the message: check the path, the directory and the user the program runs as',
    ],
  ],
);

export type CryptoErrorSymbol = SymbolOf<typeof cryptoErrors>;

/**
 * A coded error about one input field, whose detail reads `field: what is wrong` as these errors always
 * have (CLI output and logs keep that text after the code). Base of the crypto and cos errors.
 */
export class FieldError extends CodedError {
  /** The input field (or file part) the error is about. */
  declare readonly field: string;

  constructor(entry: ErrorEntry, field: string, message: string) {
    super(entry, { detail: `${field}: ${message}` });
    (this as { field: string }).field = field;
    this.name = 'FieldError';
  }
}

/** A crypto-layer failure: its catalogue entry and the field it is about. */
export class CryptoError extends FieldError {
  constructor(symbol: CryptoErrorSymbol, field: string, message: string) {
    super(cryptoErrors.entry(symbol), field, message);
    this.name = 'CryptoError';
  }

  override get symbol(): CryptoErrorSymbol {
    return this.entry.symbol as CryptoErrorSymbol;
  }
}

/** Bad SM2 input (keys, digests, nonces). */
export class Sm2Error extends CryptoError {
  constructor(field: string, message: string) {
    super('SM2_INPUT', field, message);
    this.name = 'Sm2Error';
  }
}

/** Bad certificate or record-signature input. */
export class PkiError extends CryptoError {
  constructor(field: string, message: string) {
    super('PKI_INPUT', field, message);
    this.name = 'PkiError';
  }
}

export type KeyFileErrorSymbol = Extract<CryptoErrorSymbol, `KEYFILE_${string}`>;

/** A key file that cannot be written, read or trusted. */
export class KeyFileError extends CryptoError {
  constructor(symbol: KeyFileErrorSymbol, field: string, message: string) {
    super(symbol, field, message);
    this.name = 'KeyFileError';
  }
}

/**
 * The detail of a coded error (`field: what is wrong` for a FieldError), the message of any other error: for
 * a failure reported inside another one (a chain result's message, a key-file field) without repeating the
 * code and texts.
 */
export function describeError(e: unknown): string {
  if (e instanceof CodedError && e.detail) return e.detail;
  return e instanceof Error ? e.message : String(e);
}
