// Table types for Kysely. Dates are stored as text (yyyyMMdd, ISO-8601 instants) so SQLite and
// PostgreSQL hold the same values; ids are 32-bit integers (serial / INTEGER PRIMARY KEY).
import type { Generated } from 'kysely';

export interface InstitutionTable {
  id: Generated<number>;
  code: string;
  name: string;
  role: string;
  region_code: string;
  /** Key id of the gateway secret (JSON envelope `app_id`). */
  app_id: string;
  /** 16-byte SM4/SM3 secret as 32 hex chars: symmetric, so it is stored (design choice, §2.3). */
  app_secret: string;
  enabled: number;
  created_at: string;
}

export interface InstitutionUserTable {
  id: Generated<number>;
  institution_id: number;
  user_name: string;
  /** Empty since 008: the §2.2 digest secret SM3(password) is kept only sealed (`pwd_sealed`). */
  pwd_sm3: string;
  /** SM4-sealed hex SM3(password), key outside the database (institutions/passwords.ts). */
  pwd_sealed: string | null;
  /** Salted slow verifier of the typed bindings' scheme (docs/credentials.md). */
  pwd_verifier: string | null;
  /** Bumped on password reset and disable: tokens issued before are refused. */
  token_epoch: Generated<number>;
  /** Unused since 008 (the replay guard is per terminal: auth_terminals). */
  last_auth_time: string | null;
  enabled: number;
  created_at: string;
  /** admin | operator | query | auditor (institutions.ts USER_ROLE_PERMISSIONS). */
  role: string;
}

/** One row per (user, terminal): the replay guard and the sign-out epoch of that terminal. */
export interface AuthTerminalTable {
  user_id: number;
  term_id: string;
  /** Last accepted msgCreateTime of this terminal: an authentication must be strictly newer. */
  last_auth_time: string;
  /** Bumped on sign-out: this terminal's tokens are refused. */
  token_epoch: Generated<number>;
}

/** Failed logins, one row per key (`user:<org>|<user>` or `source:<address>`), bounded by design. */
export interface AuthThrottleTable {
  key: string;
  failures: number;
  /** ISO instant before which logins for this key are refused (1013). */
  locked_until: string | null;
  updated_at: string;
}

export interface ResidentTable {
  id: Generated<number>;
  main_index: string;
  id_type: string;
  id_no: string;
  name: string;
  sex: string;
  nation: string | null;
  birth_date: string;
  health_record_no: string | null;
  ncms_no: string | null;
  phone1: string | null;
  phone2: string | null;
  address1_type: string | null;
  address1: string | null;
  address2_type: string | null;
  address2: string | null;
  contacts_json: string | null;
  education: string | null;
  marital: string | null;
  occupation: string | null;
  region_code: string;
  created_at: string;
  updated_at: string;
}

export interface CardTable {
  id: Generated<number>;
  card_no: string;
  chip_serial: string;
  resident_id: number;
  card_factor: string | null;
  security_code: string | null;
  card_type: string;
  spec_version: string;
  issuer_org_code: string;
  issuer_org_name: string;
  issue_date: string;
  valid_until: string;
  app_city_code: string;
  card_form: string;
  bank_account_masked: string | null;
  payment_methods: string | null;
  status: string;
  status_reason: string | null;
  status_time: string;
  created_at: string;
  updated_at: string;
}

export interface CardOperationTable {
  id: Generated<number>;
  op_type: string;
  card_id: number | null;
  resident_id: number | null;
  org_code: string;
  region_code: string;
  operator: string | null;
  op_date: string;
  op_time: string;
  from_status: string | null;
  to_status: string | null;
  reason_code: string | null;
  serial_no: string | null;
  detail: string | null;
  /** 'online' (default) or 'city:<region>' for rows imported from a city's CZRZ file. */
  source: Generated<string>;
}

export interface ListChangeTable {
  seq: Generated<number>;
  list_type: string;
  version: string;
  op: string;
  card_no: string;
  chip_serial: string;
  status: string;
  reason_code: string | null;
  effective_time: string;
  app_city_code: string;
}

export interface IdempotencyTable {
  institution_code: string;
  business_code: string;
  serial_no: string;
  request_digest: string;
  response_json: string;
  created_at: string;
}

export interface AuditTable {
  seq: Generated<number>;
  at: string;
  institution_code: string;
  user_name: string;
  action: string;
  purpose: string;
  subject: string;
  outcome: string;
  prev_hash: string;
  hash: string;
  /** 'sm3' (legacy plain chain, before migration 007) or 'hmac-sm3' (keyed): docs/audit.md. */
  scheme: Generated<string>;
}

export interface AuditCheckpointTable {
  id: Generated<number>;
  last_seq: number;
  last_hash: string;
  entries: number;
  at: string;
  public_key: string;
  signature: string;
}

export interface ReportedStatTable {
  id: Generated<number>;
  reported_by: string;
  region_code: string;
  org_code: string;
  stat_date: string;
  op_type: string;
  count: number;
  received_at: string;
}

export interface SettingTable {
  name: string;
  value: string;
}

export interface Database {
  institutions: InstitutionTable;
  institution_users: InstitutionUserTable;
  auth_terminals: AuthTerminalTable;
  auth_throttle: AuthThrottleTable;
  residents: ResidentTable;
  cards: CardTable;
  card_operations: CardOperationTable;
  list_changes: ListChangeTable;
  idempotency: IdempotencyTable;
  audit_log: AuditTable;
  audit_checkpoints: AuditCheckpointTable;
  reported_stats: ReportedStatTable;
  settings: SettingTable;
}
