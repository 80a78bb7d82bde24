// The certificate layouts of card-format.md §7.6 as data (RHC design choice — the layouts are not
// published): each field's offset, length, format and meaning. cert-codec.ts encodes and decodes any of them.

/** How a certificate field's bytes map to a value. */
export type CertFieldKind =
  | 'constant' // fixed byte (format, algorithm)
  | 'digits' // cn: BCD digits, right-padded with nibble F → digit string
  | 'uint' // b: big-endian unsigned integer → number
  | 'bytes' // b: raw bytes → Uint8Array
  | 'reserved' // b: must be 00…
  | 'signature'; // b: SM2 r ‖ s over all bytes before it

export interface CertFieldSpec {
  readonly key: string;
  readonly offset: number;
  readonly length: number;
  readonly format: 'b' | 'cn';
  readonly kind: CertFieldKind;
  readonly constant?: number;
  readonly zh: string;
  readonly en: string;
}

export interface CertLayout {
  readonly id: 'issuer' | 'sam';
  readonly size: number;
  readonly fields: readonly CertFieldSpec[];
}

/** Issuer certificate, 180 bytes (§7.6). */
export const ISSUER_CERT_LAYOUT: CertLayout = {
  id: 'issuer',
  size: 180,
  fields: [
    {
      key: 'format',
      offset: 0,
      length: 1,
      format: 'b',
      kind: 'constant',
      constant: 0x01,
      zh: '格式',
      en: 'format',
    },
    {
      key: 'issuerCode',
      offset: 1,
      length: 11,
      format: 'cn',
      kind: 'digits',
      zh: '发卡机构代码',
      en: 'issuer code',
    },
    {
      key: 'cityCode',
      offset: 12,
      length: 3,
      format: 'cn',
      kind: 'digits',
      zh: '应用城市代码',
      en: 'city code',
    },
    {
      key: 'serial',
      offset: 15,
      length: 4,
      format: 'b',
      kind: 'uint',
      zh: '证书序列号',
      en: 'certificate serial',
    },
    {
      key: 'validFrom',
      offset: 19,
      length: 4,
      format: 'cn',
      kind: 'digits',
      zh: '生效日期',
      en: 'valid from',
    },
    { key: 'validTo', offset: 23, length: 4, format: 'cn', kind: 'digits', zh: '失效日期', en: 'valid to' },
    {
      key: 'algorithm',
      offset: 27,
      length: 1,
      format: 'b',
      kind: 'constant',
      constant: 0x01,
      zh: '算法（SM2/SM3）',
      en: 'algorithm SM2 with SM3',
    },
    {
      key: 'rootKeyId',
      offset: 28,
      length: 8,
      format: 'b',
      kind: 'bytes',
      zh: '根密钥标识',
      en: 'signing root key id',
    },
    {
      key: 'publicKey',
      offset: 36,
      length: 64,
      format: 'b',
      kind: 'bytes',
      zh: '发卡机构公钥',
      en: 'issuer SM2 public key x ‖ y',
    },
    { key: 'reserved', offset: 100, length: 16, format: 'b', kind: 'reserved', zh: '保留', en: 'reserved' },
    {
      key: 'signature',
      offset: 116,
      length: 64,
      format: 'b',
      kind: 'signature',
      zh: '根签名',
      en: 'root signature r ‖ s',
    },
  ],
};

/** SAM certificate, 190 bytes (§7.6). */
export const SAM_CERT_LAYOUT: CertLayout = {
  id: 'sam',
  size: 190,
  fields: [
    {
      key: 'format',
      offset: 0,
      length: 1,
      format: 'b',
      kind: 'constant',
      constant: 0x02,
      zh: '格式',
      en: 'format',
    },
    {
      key: 'samSerial',
      offset: 1,
      length: 10,
      format: 'b',
      kind: 'bytes',
      zh: 'SAM卡序列号',
      en: 'SAM serial number',
    },
    {
      key: 'terminalId',
      offset: 11,
      length: 6,
      format: 'b',
      kind: 'bytes',
      zh: '终端机编号',
      en: 'terminal number',
    },
    {
      key: 'issuerCode',
      offset: 17,
      length: 11,
      format: 'cn',
      kind: 'digits',
      zh: '发卡机构代码',
      en: 'certifying issuer code',
    },
    {
      key: 'serial',
      offset: 28,
      length: 4,
      format: 'b',
      kind: 'uint',
      zh: '证书序列号',
      en: 'certificate serial',
    },
    {
      key: 'validFrom',
      offset: 32,
      length: 4,
      format: 'cn',
      kind: 'digits',
      zh: '生效日期',
      en: 'valid from',
    },
    { key: 'validTo', offset: 36, length: 4, format: 'cn', kind: 'digits', zh: '失效日期', en: 'valid to' },
    {
      key: 'algorithm',
      offset: 40,
      length: 1,
      format: 'b',
      kind: 'constant',
      constant: 0x01,
      zh: '算法（SM2/SM3）',
      en: 'algorithm SM2 with SM3',
    },
    {
      key: 'issuerCertSerial',
      offset: 41,
      length: 4,
      format: 'b',
      kind: 'uint',
      zh: '发卡机构证书序列号',
      en: 'issuer certificate serial',
    },
    {
      key: 'issuerCertSerialPad',
      offset: 45,
      length: 4,
      format: 'b',
      kind: 'reserved',
      zh: '填充',
      en: 'padding 00×4',
    },
    {
      key: 'publicKey',
      offset: 49,
      length: 64,
      format: 'b',
      kind: 'bytes',
      zh: 'SAM卡公钥',
      en: 'SAM SM2 public key x ‖ y',
    },
    { key: 'reserved', offset: 113, length: 13, format: 'b', kind: 'reserved', zh: '保留', en: 'reserved' },
    {
      key: 'signature',
      offset: 126,
      length: 64,
      format: 'b',
      kind: 'signature',
      zh: '发卡机构签名',
      en: 'issuer signature r ‖ s',
    },
  ],
};
