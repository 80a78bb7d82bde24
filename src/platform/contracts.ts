// The ten interfaces as zod schemas (platform-interfaces.md §4): ONE definition validates input of every
// binding, types the service layer, and generates the OpenAPI document and the WSDL/XSD.
// Field names and widths follow §4.1 (an18 = up to 18 alphanumerics, …).
import { z } from 'zod';
import { checkOrgCode, checkTextValue, describeTextProblem } from '../codes/index.ts';

const an = (max: number) =>
  z
    .string()
    .regex(/^[0-9A-Za-z]+$/)
    .max(max);
const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`));
/**
 * Free text (names, addresses, operators): the one rule of src/codes/text-value.ts, shared with the exchange
 * validator so a value accepted here can always be exported and written to the card. A refusal is 1002 with
 * the reason in `detail`; valid values reach the handlers NFC-normalised.
 */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .check((ctx) => {
      const c = checkTextValue(ctx.value);
      if (!c.ok) ctx.issues.push({ code: 'custom', input: ctx.value, message: describeTextProblem(c) });
    })
    .overwrite((v) => v.normalize('NFC'));

export const wireDate = digits(8).describe('yyyyMMdd');
export const wireTime = digits(14).describe('yyyyMMddHHmmss (China time)');
export const cardNo = an(18).describe('卡号 = ID number of the holder (an18)');
export const idNo = an(18).describe('证件号码 (an18); GB 11643 checked for idType 01');
/** Upper-cased at the boundary: a serial typed or scanned in lower case is the same chip (hex case). */
export const chipSerial = an(10)
  .toUpperCase()
  .describe('芯片序列号 (an10, case-insensitive, answered upper case)');
export const statusCode = digits(2).describe('card status (§5.2)');
export const reasonCode = digits(2).describe('reason code (§5.2)');
export const serialNo = z
  .string()
  .regex(/^[0-9A-Za-z_.:-]+$/)
  .min(1)
  .max(32)
  .describe('client request id, unique per institution (idempotency key)');
const orgCodeText = z
  .string()
  .regex(/^[0-9A-Za-z-]+$/)
  .min(1)
  .max(22);
/** An organisation code entering the platform: GB 11714 / GB 32100 with a correct check character. */
const orgCode = orgCodeText
  .refine((v) => checkOrgCode(v).valid, {
    error: (iss) => {
      const r = checkOrgCode(String(iss.input));
      return r.valid ? 'invalid organisation code' : `${r.zh} / ${r.en}`;
    },
  })
  .describe('organisation code (GB 11714 `12345678-8` or GB 32100 USCC), check character verified');
/** The caller's own code at sign-in: a look-up key (an unknown one is 1004), not checked here. */
const callerOrgCode = orgCodeText.describe('organisation code of the calling institution (GB 11714 or USCC)');
/** 发卡机构代码 of the card (DDF1/EF05 tag 04): 22 digits, no public check character (spec §4.4). */
const issuerCode = orgCodeText.describe('发卡机构代码 (22-digit issuer code as on the card)');
const region6 = digits(6).describe('GB/T 2260 region code');
const sex = z.enum(['0', '1', '2', '9']).describe('GB/T 2261.1');
const idType = digits(2).describe('身份证件类别 (CV02.01.101, §10.3)');

// 1 RHC_C0001
export const AuthenticateRequest = z.strictObject({
  orgCode: callerOrgCode,
  termId: z
    .string()
    .regex(/^[0-9A-Za-z_-]+$/)
    .min(1)
    .max(32),
  userName: z
    .string()
    .regex(/^[0-9A-Za-z_.@-]+$/)
    .min(1)
    .max(32),
  pwdDigest: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .describe('hex SM3(hex SM3(password) ‖ msgCreateTime) — the provincial scheme; or send clientProof')
    .optional(),
  clientProof: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .describe(
      'SCRAM-style proof instead of pwdDigest (docs/credentials.md): hex ClientKey ⊕ HMAC-SM3(SM3(ClientKey), orgCode|userName|termId|msgCreateTime)',
    )
    .optional(),
  msgCreateTime: wireTime,
  samNo: an(32).optional(),
  clientVersion: text(32).optional(),
});
export const AuthenticateResponse = z.object({
  token: z.string(),
  expiresAt: wireTime,
  orgName: z.string(),
  regionCode: region6,
  allowedCodes: z.array(z.string()),
  serverTime: wireTime,
  blacklistVersion: z.string(),
  whitelistVersion: z.string(),
});

// 2 RHC_C0002
export const VerifyIdRequest = z.strictObject({
  idType,
  idNo,
  name: text(50).min(1),
  sex: sex.optional(),
  birthDate: wireDate.optional(),
});
export const CardSummary = z.object({
  cardNo,
  chipSerial,
  status: statusCode,
  issueDate: wireDate,
  issuerOrgCode: z.string(),
  appCityCode: region6,
});
export const VerifyIdResponse = z.object({
  resultCode: digits(4).describe('0000, or 2003 when the name differs from the register'),
  desc: z.string(),
  checkDigitValid: z.boolean(),
  nameMatches: z.boolean(),
  residentExists: z.boolean(),
  mainIndex: z.string().optional(),
  healthRecordNo: z.string().optional(),
  cards: z.array(CardSummary),
});

// 3 RHC_C0003
export const VerifyCardRequest = z.strictObject({
  cardNo,
  chipSerial,
  securityCode: an(3).optional(),
  cardFactor: z
    .string()
    .regex(/^[0-9A-Fa-f]{16}$/)
    .optional(),
  issuerOrgCode: issuerCode.optional(),
  appCityCode: region6.optional(),
  samNo: an(32).optional(),
  deptCode: digits(4).optional(),
  terminalType: digits(2).optional(),
  medStepCode: digits(6).optional(),
  useTime: wireTime.optional(),
});
export const Holder = z.object({
  name: z.string(),
  sex: z.string(),
  birthDate: z.string(),
  idType: z.string(),
  idNo: z.string(),
});
export const VerifyCardResponse = z.object({
  valid: z.boolean(),
  resultCode: digits(4).describe('0000 usable; 3004–3008 why not'),
  desc: z.string(),
  status: statusCode,
  statusReason: z.string().optional(),
  validUntil: wireDate,
  onBlacklist: z.boolean(),
  holder: Holder.optional().describe('only for roles whose job needs the holder (province, city, hospital)'),
  mainIndex: z.string().optional(),
});

// 4 RHC_C0004
export const IssuanceRequest = z.strictObject({
  card: z.strictObject({
    cardNo,
    chipSerial,
    cardFactor: z
      .string()
      .regex(/^[0-9A-Fa-f]{16}$/)
      .optional(),
    securityCode: an(3).optional(),
    cardType: an(1),
    specVersion: an(4),
    issuerOrgName: text(70).min(1),
    issuerOrgCode: issuerCode,
    issueDate: wireDate,
    validUntil: wireDate,
    appCityCode: region6,
    cardForm: z.enum(['1', '2']).describe('1 finished / 2 pre-made'),
    bankAccountMasked: z
      .string()
      .regex(/^[0-9*]{4,32}$/)
      .optional(),
  }),
  holder: z.strictObject({
    name: text(50).min(1),
    sex,
    nation: digits(2).optional(),
    birthDate: wireDate,
    idType,
    idNo,
  }),
  mainIndex: z
    .string()
    .regex(/^[0-9A-Fa-f]{64}$/)
    .optional(),
  issuePoint: orgCode,
  operator: text(32).min(1),
  issueTime: wireTime,
  serialNo,
});
export const IssuanceResponse = z.object({
  provinceCardId: z.string(),
  status: statusCode,
  mainIndex: z.string(),
});

// 5 RHC_C0005
export const StatusSyncRequest = z.strictObject({
  cardNo,
  chipSerial,
  oldStatus: statusCode,
  newStatus: statusCode,
  reasonCode,
  opTime: wireTime,
  opOrgCode: orgCode,
  operator: text(32).min(1),
  serialNo,
});
export const StatusSyncResponse = z.object({ currentStatus: statusCode, blacklistVersion: z.string() });

// 6 RHC_C0006
export const ReplacementRequest = z.strictObject({
  type: z.enum(['1', '2']).describe('1 补卡 reissue / 2 换卡 replacement'),
  cardNo,
  oldChipSerial: chipSerial,
  newChipSerial: chipSerial,
  newCardFactor: z
    .string()
    .regex(/^[0-9A-Fa-f]{16}$/)
    .optional(),
  newSecurityCode: an(3).optional(),
  newValidUntil: wireDate,
  reasonCode,
  opTime: wireTime,
  opOrgCode: orgCode,
  operator: text(32).min(1),
  serialNo,
});
export const ReplacementResponse = z.object({
  oldStatus: statusCode,
  newStatus: statusCode,
  provinceCardId: z.string(),
  blacklistVersion: z.string(),
});

// 7 RHC_C0007
export const ListRequest = z.strictObject({
  listType: z.enum(['B', 'W']).describe('B blacklist / W whitelist'),
  haveVersion: z
    .string()
    .regex(/^\d{8}\.\d{4,}$/)
    .optional(),
  scope: z
    .string()
    .regex(/^\d{2}(\d{2}(\d{2})?)?$/)
    .optional()
    .describe('province / city code prefix'),
  pageToken: z
    .string()
    .regex(/^\d{1,12}(-\d{1,12})?$/)
    .optional()
    .describe('nextPageToken of the previous page (a full list pins its version: "seq-id")'),
  pageSize: z.number().int().min(1).max(5000).optional(),
  format: z
    .enum(['plain', 'hashed'])
    .optional()
    .describe('plain (default; own region below the province) or hashed (entryHash, every region)'),
  hashKeyId: z
    .string()
    .regex(/^\d{8}-\d{8}\.\d{4,}$/)
    .optional()
    .describe('hashed deltas: the hashKeyId of the full hashed list the client holds'),
});
export const ListEntry = z.object({
  op: z.enum(['A', 'D']),
  cardNo: z.string().optional().describe('plain lists only'),
  chipSerial: z.string().optional().describe('plain lists only'),
  entryHash: z.string().optional().describe('hashed lists: HMAC-SM3(hashKey, cardNo|CHIPSERIAL), hex'),
  status: z.string(),
  reasonCode: z.string().optional(),
  effectiveTime: z.string(),
  appCityCode: z.string(),
});
export const ListResponse = z.object({
  resultCode: digits(4).describe('0000, or 4001 when haveVersion was unknown and a full list follows'),
  listType: z.enum(['B', 'W']),
  version: z.string(),
  baseVersion: z.string().optional(),
  mode: z.enum(['F', 'D']),
  entries: z.array(ListEntry),
  nextPageToken: z.string().optional(),
  hashKeyId: z.string().optional().describe('hashed lists: the key id to send with later deltas'),
  hashKey: z.string().optional().describe('hashed lists: the HMAC-SM3 key of this key id, hex'),
});

// 8 RHC_C0008
export const StatRow = z.object({
  orgCode: z.string().optional(),
  regionCode: z.string().optional(),
  date: z.string().optional(),
  opType: z.string().optional(),
  count: z.number().int().min(0),
});
export const StatisticsRequest = z.strictObject({
  action: z.enum(['query', 'report']),
  regionCode: z
    .string()
    .regex(/^\d{2}(\d{2}(\d{2})?)?$/)
    .optional(),
  orgCode: orgCode.optional(),
  startDate: wireDate.optional(),
  endDate: wireDate.optional(),
  opTypes: z.array(digits(2)).max(20).optional(),
  groupBy: z
    .array(z.enum(['org', 'region', 'day', 'op']))
    .max(4)
    .optional(),
  rows: z
    .array(
      z.strictObject({ orgCode, date: wireDate, opType: digits(2), count: z.number().int().min(0).max(1e9) }),
    )
    .max(2000)
    .optional(),
  serialNo: serialNo.optional(),
});
export const StatisticsResponse = z.object({ rows: z.array(StatRow), accepted: z.number().int().optional() });

// 9 RHC_C0009
export const Contact = z.strictObject({
  name: text(50),
  relation: digits(2),
  phone: z.string().regex(/^[0-9+-]{1,20}$/),
});
export const UpdateResidentRequest = z.strictObject({
  mainIndex: z
    .string()
    .regex(/^[0-9A-Fa-f]{64}$/)
    .optional(),
  idType: idType.optional(),
  idNo: idNo.optional(),
  changes: z.strictObject({
    name: text(50).min(1).optional(),
    sex: sex.optional(),
    nation: digits(2).optional(),
    birthDate: wireDate.optional(),
    phone1: z
      .string()
      .regex(/^[0-9+-]{1,20}$/)
      .optional(),
    phone2: z
      .string()
      .regex(/^[0-9+-]{1,20}$/)
      .optional(),
    address1Type: digits(1).optional(),
    address1: text(100).optional(),
    address2Type: digits(1).optional(),
    address2: text(100).optional(),
    contacts: z.array(Contact).max(3).optional(),
    education: digits(2).optional(),
    marital: digits(2).optional(),
    occupation: an(4).optional(),
    healthRecordNo: an(17).optional(),
    ncmsNo: an(18).optional(),
  }),
  alterNo: serialNo,
  alterTime: wireTime,
  operator: text(32).min(1),
});
export const CardRewrite = z.enum(['none', 'terminal', 'replace']);
export const UpdateResidentResponse = z.object({ cardRewrite: CardRewrite, mainIndex: z.string() });

// 10 RHC_C0010
export const UpdateCardRequest = z.strictObject({
  cardNo,
  chipSerial,
  changes: z.strictObject({
    validUntil: wireDate.optional(),
    cardType: an(1).optional(),
    paymentMethods: z.array(digits(2)).max(3).optional(),
    bankAccountMasked: z
      .string()
      .regex(/^[0-9*]{4,32}$/)
      .optional(),
    issuerOrgCode: issuerCode.optional(),
  }),
  alterNo: serialNo,
  alterTime: wireTime,
  operator: text(32).min(1),
});
export const UpdateCardResponse = z.object({ cardRewrite: CardRewrite, status: statusCode });

/**
 * The ten interfaces: business code, SOAP operation, REST path, schemas; `writes`: the interface changes
 * data (idempotent by its serial number; an envelope msgGuid replays its first answer).
 */
export const INTERFACES = [
  {
    code: 'RHC_C0001',
    writes: false,
    op: 'AuthenticateInstitution',
    path: '/auth/token',
    zh: '接入机构身份认证',
    req: AuthenticateRequest,
    res: AuthenticateResponse,
  },
  {
    code: 'RHC_C0002',
    writes: false,
    op: 'VerifyIdNumber',
    path: '/residents/verify-id',
    zh: '身份证验证',
    req: VerifyIdRequest,
    res: VerifyIdResponse,
  },
  {
    code: 'RHC_C0003',
    writes: false,
    op: 'VerifyCard',
    path: '/cards/verify',
    zh: '卡验证',
    req: VerifyCardRequest,
    res: VerifyCardResponse,
  },
  {
    code: 'RHC_C0004',
    writes: true,
    op: 'SyncCardIssuance',
    path: '/cards/issuance',
    zh: '发卡同步',
    req: IssuanceRequest,
    res: IssuanceResponse,
  },
  {
    code: 'RHC_C0005',
    writes: true,
    op: 'SyncCardStatus',
    path: '/cards/status',
    zh: '卡状态同步',
    req: StatusSyncRequest,
    res: StatusSyncResponse,
  },
  {
    code: 'RHC_C0006',
    writes: true,
    op: 'SyncCardReplacement',
    path: '/cards/replacement',
    zh: '补换卡同步',
    req: ReplacementRequest,
    res: ReplacementResponse,
  },
  {
    code: 'RHC_C0007',
    writes: false,
    op: 'GetBlacklist',
    path: '/lists/query',
    zh: '黑名单下发',
    req: ListRequest,
    res: ListResponse,
  },
  {
    code: 'RHC_C0008',
    writes: true,
    op: 'GetCardOperationStatistics',
    path: '/statistics/card-operations',
    zh: '卡操作统计',
    req: StatisticsRequest,
    res: StatisticsResponse,
  },
  {
    code: 'RHC_C0009',
    writes: true,
    op: 'UpdateResident',
    path: '/residents/update',
    zh: '修改居民信息',
    req: UpdateResidentRequest,
    res: UpdateResidentResponse,
  },
  {
    code: 'RHC_C0010',
    writes: true,
    op: 'UpdateCard',
    path: '/cards/update',
    zh: '修改卡信息',
    req: UpdateCardRequest,
    res: UpdateCardResponse,
  },
] as const;

/**
 * Session operations beside the ten interfaces (design choice, issue 13 §3): renew a valid token before it
 * expires (sliding session of a working clerk) and sign out (revokes the terminal's tokens). Both take the
 * token as every call does (bearer header / SOAP RhcAuth header) and an empty body.
 */
export const SESSION_OPERATIONS = [
  {
    code: 'SESSION_RENEW',
    op: 'RenewToken',
    path: '/auth/renew',
    zh: '令牌续期',
    req: z.strictObject({}),
    res: z.object({ token: z.string(), expiresAt: wireTime }),
  },
  {
    code: 'SESSION_SIGN_OUT',
    op: 'SignOut',
    path: '/auth/sign-out',
    zh: '注销登录',
    req: z.strictObject({}),
    res: z.object({ signedOut: z.boolean() }),
  },
] as const;
export type SessionOperation = (typeof SESSION_OPERATIONS)[number];

export type InterfaceDef = (typeof INTERFACES)[number];
export type BusinessCode = InterfaceDef['code'];

export type AuthenticateInput = z.infer<typeof AuthenticateRequest>;
export type AuthenticateOutput = z.infer<typeof AuthenticateResponse>;
export type VerifyIdInput = z.infer<typeof VerifyIdRequest>;
export type VerifyIdOutput = z.infer<typeof VerifyIdResponse>;
export type VerifyCardInput = z.infer<typeof VerifyCardRequest>;
export type VerifyCardOutput = z.infer<typeof VerifyCardResponse>;
export type IssuanceInput = z.infer<typeof IssuanceRequest>;
export type IssuanceOutput = z.infer<typeof IssuanceResponse>;
export type StatusSyncInput = z.infer<typeof StatusSyncRequest>;
export type StatusSyncOutput = z.infer<typeof StatusSyncResponse>;
export type ReplacementInput = z.infer<typeof ReplacementRequest>;
export type ReplacementOutput = z.infer<typeof ReplacementResponse>;
export type ListInput = z.infer<typeof ListRequest>;
export type ListOutput = z.infer<typeof ListResponse>;
export type StatisticsInput = z.infer<typeof StatisticsRequest>;
export type StatisticsOutput = z.infer<typeof StatisticsResponse>;
export type UpdateResidentInput = z.infer<typeof UpdateResidentRequest>;
export type UpdateResidentOutput = z.infer<typeof UpdateResidentResponse>;
export type UpdateCardInput = z.infer<typeof UpdateCardRequest>;
export type UpdateCardOutput = z.infer<typeof UpdateCardResponse>;
