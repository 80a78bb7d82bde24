// The platform's versioned migrations, applied on every start by the runner of src/storage (Kysely's
// Migrator; its table `kysely_migration` records what ran). Add a new entry with the next number; never
// edit an applied one.
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectAdapter, Migrations } from '../../storage/index.ts';

type Db = Kysely<unknown>;

function v001(a: DialectAdapter): Migration {
  // auto-increment integer key, spelled per dialect (SQLite rowid alias vs PostgreSQL serial)
  const id = a.idColumn();
  return {
    async up(db: Db) {
      await db.schema
        .createTable('settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('institutions')
        .addColumn('id', id.type, id.build)
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('region_code', 'text', (c) => c.notNull())
        .addColumn('app_id', 'text', (c) => c.notNull().unique())
        .addColumn('app_secret', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('institution_users')
        .addColumn('id', id.type, id.build)
        .addColumn('institution_id', 'integer', (c) => c.notNull().references('institutions.id'))
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('pwd_sm3', 'text', (c) => c.notNull())
        .addColumn('last_auth_time', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('institution_users_uq', ['institution_id', 'user_name'])
        .execute();
      await db.schema
        .createTable('residents')
        .addColumn('id', id.type, id.build)
        .addColumn('main_index', 'text', (c) => c.notNull().unique())
        .addColumn('id_type', 'text', (c) => c.notNull())
        .addColumn('id_no', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('nation', 'text')
        .addColumn('birth_date', 'text', (c) => c.notNull())
        .addColumn('health_record_no', 'text')
        .addColumn('ncms_no', 'text')
        .addColumn('phone1', 'text')
        .addColumn('phone2', 'text')
        .addColumn('address1_type', 'text')
        .addColumn('address1', 'text')
        .addColumn('address2_type', 'text')
        .addColumn('address2', 'text')
        .addColumn('contacts_json', 'text')
        .addColumn('education', 'text')
        .addColumn('marital', 'text')
        .addColumn('occupation', 'text')
        .addColumn('region_code', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('residents_id_uq', ['id_type', 'id_no'])
        .execute();
      await db.schema
        .createTable('cards')
        .addColumn('id', id.type, id.build)
        .addColumn('card_no', 'text', (c) => c.notNull())
        .addColumn('chip_serial', 'text', (c) => c.notNull())
        .addColumn('resident_id', 'integer', (c) => c.notNull().references('residents.id'))
        .addColumn('card_factor', 'text')
        .addColumn('security_code', 'text')
        .addColumn('card_type', 'text', (c) => c.notNull())
        .addColumn('spec_version', 'text', (c) => c.notNull())
        .addColumn('issuer_org_code', 'text', (c) => c.notNull())
        .addColumn('issuer_org_name', 'text', (c) => c.notNull())
        .addColumn('issue_date', 'text', (c) => c.notNull())
        .addColumn('valid_until', 'text', (c) => c.notNull())
        .addColumn('app_city_code', 'text', (c) => c.notNull())
        .addColumn('card_form', 'text', (c) => c.notNull())
        .addColumn('bank_account_masked', 'text')
        .addColumn('payment_methods', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('status_time', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('cards_chip_uq', ['card_no', 'chip_serial'])
        .execute();
      await db.schema.createIndex('cards_resident_idx').on('cards').column('resident_id').execute();
      await db.schema.createIndex('cards_status_idx').on('cards').columns(['status', 'id']).execute();
      await db.schema
        .createTable('card_operations')
        .addColumn('id', id.type, id.build)
        .addColumn('op_type', 'text', (c) => c.notNull())
        .addColumn('card_id', 'integer')
        .addColumn('resident_id', 'integer')
        .addColumn('org_code', 'text', (c) => c.notNull())
        .addColumn('region_code', 'text', (c) => c.notNull())
        .addColumn('operator', 'text')
        .addColumn('op_date', 'text', (c) => c.notNull())
        .addColumn('op_time', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('reason_code', 'text')
        .addColumn('serial_no', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema
        .createIndex('card_operations_date_idx')
        .on('card_operations')
        .columns(['op_date', 'op_type'])
        .execute();
      await db.schema
        .createTable('list_changes')
        .addColumn('seq', id.type, id.build)
        .addColumn('list_type', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('op', 'text', (c) => c.notNull())
        .addColumn('card_no', 'text', (c) => c.notNull())
        .addColumn('chip_serial', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text')
        .addColumn('effective_time', 'text', (c) => c.notNull())
        .addColumn('app_city_code', 'text', (c) => c.notNull())
        .addUniqueConstraint('list_changes_version_uq', ['list_type', 'version'])
        .execute();
      await db.schema
        .createIndex('list_changes_type_idx')
        .on('list_changes')
        .columns(['list_type', 'seq'])
        .execute();
      await db.schema
        .createTable('idempotency')
        .addColumn('institution_code', 'text', (c) => c.notNull())
        .addColumn('business_code', 'text', (c) => c.notNull())
        .addColumn('serial_no', 'text', (c) => c.notNull())
        .addColumn('request_digest', 'text', (c) => c.notNull())
        .addColumn('response_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_pk', ['institution_code', 'business_code', 'serial_no'])
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', id.type, id.build)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('institution_code', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('reported_stats')
        .addColumn('id', id.type, id.build)
        .addColumn('reported_by', 'text', (c) => c.notNull())
        .addColumn('region_code', 'text', (c) => c.notNull())
        .addColumn('org_code', 'text', (c) => c.notNull())
        .addColumn('stat_date', 'text', (c) => c.notNull())
        .addColumn('op_type', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/** City ↔ province file exchange (src/platform/exchange): the ledger of files imported, exported and pulled. */
function v002Exchange(a: DialectAdapter): Migration {
  const id = a.idColumn();
  return {
    async up(db: Db) {
      await db.schema
        .createTable('exchange_files')
        .addColumn('id', id.type, id.build)
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('biz_date', 'text', (c) => c.notNull())
        .addColumn('file_seq', 'integer', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('first_seq', 'bigint', (c) => c.notNull())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('record_count', 'integer', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('list_version', 'text')
        .addColumn('peer', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('exchange_files_name_uq', ['direction', 'file_name'])
        .execute();
      await db.schema
        .createIndex('exchange_files_chain_idx')
        .on('exchange_files')
        .columns(['direction', 'region', 'type', 'last_seq'])
        .execute();
    },
  };
}

/**
 * Users of an institution get a role of their own (design choice): what a user may call is the
 * institution role's interfaces ∩ the user role's. Users registered before this migration are admins.
 */
function v003UserRoles(): Migration {
  return {
    async up(db: Db) {
      await db.schema
        .alterTable('institution_users')
        .addColumn('role', 'text', (c) => c.notNull().defaultTo('admin'))
        .execute();
    },
  };
}

/** The expiry sweep finds active cards past their validity through an index, not a scan. */
function v004ExpiryIndex(): Migration {
  return {
    async up(db: Db) {
      await db.schema
        .createIndex('cards_expiry_idx')
        .on('cards')
        .columns(['status', 'valid_until'])
        .execute();
    },
  };
}

/**
 * Where an operations-log row came from: 'online' (this platform's interfaces) or 'city:<region>' (an
 * imported CZRZ file), so statistics can prefer a city's reported figures over its imported log rows.
 */
function v005OperationSource(): Migration {
  return {
    async up(db: Db) {
      await db.schema
        .alterTable('card_operations')
        .addColumn('source', 'text', (c) => c.notNull().defaultTo('online'))
        .execute();
    },
  };
}

/**
 * Idempotency answers are purged after the replay window (index on their age). Envelope answers stored
 * before answers were scoped per user and limited to writes may hold tokens and holder data: dropped.
 */
function v006IdempotencyAge(): Migration {
  return {
    async up(db: Db) {
      await db.schema.createIndex('idempotency_created_at').on('idempotency').column('created_at').execute();
      await sql`delete from idempotency where business_code = 'MSG'`.execute(db);
    },
  };
}

/**
 * Credentials and sessions (issue 13 §3): a token epoch per user (reset, disable) and per terminal
 * (sign-out) that every token carries and every call checks; the replay guard per terminal; failed logins
 * counted in one row per key (user, source address) instead of unbounded audit rows; and the password
 * columns of the sealed digest secret and the salted slow verifier. Sealing needs the seal key, which
 * never enters the database layer: the registry seals the rows still holding a plain SM3 when it opens
 * (institutions/passwords.ts), and blanks `pwd_sm3`.
 */
function v008Credentials(): Migration {
  return {
    async up(db: Db) {
      await db.schema
        .alterTable('institution_users')
        .addColumn('token_epoch', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('institution_users').addColumn('pwd_sealed', 'text').execute();
      await db.schema.alterTable('institution_users').addColumn('pwd_verifier', 'text').execute();
      await db.schema
        .createTable('auth_terminals')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('institution_users.id'))
        .addColumn('term_id', 'text', (c) => c.notNull())
        .addColumn('last_auth_time', 'text', (c) => c.notNull())
        .addColumn('token_epoch', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('auth_terminals_pk', ['user_id', 'term_id'])
        .execute();
      await db.schema
        .createTable('auth_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Keyed audit chain (docs/audit.md): each entry names the scheme its hash was made with — 'sm3' (the plain
 * chain of entries written before this migration, verified as legacy up to the first keyed entry) or
 * 'hmac-sm3' (keyed with the audit key kept outside the database). Signed checkpoints (SM2 over last seq,
 * last hash, count, time) are kept in `audit_checkpoints` and can be exported and verified elsewhere.
 */
function v007AuditScheme(a: DialectAdapter): Migration {
  const id = a.idColumn();
  return {
    async up(db: Db) {
      await db.schema
        .alterTable('audit_log')
        .addColumn('scheme', 'text', (c) => c.notNull().defaultTo('sm3'))
        .execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('id', id.type, id.build)
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('last_hash', 'text', (c) => c.notNull())
        .addColumn('entries', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
      // `rhc audit list` filters by time range
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
  };
}

/**
 * Records an export holds back because they cannot be written (src/platform/exchange/held.ts): one row per
 * (type, region, source key) while held; released_at is set when the record goes out again.
 */
function v009ExchangeHeld(a: DialectAdapter): Migration {
  const id = a.idColumn();
  return {
    async up(db: Db) {
      await db.schema
        .createTable('exchange_held')
        .addColumn('id', id.type, id.build)
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('record_key', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('field', 'text')
        .addColumn('detail', 'text')
        .addColumn('hint', 'text')
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('held_at', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text')
        .execute();
      await db.schema
        .createIndex('exchange_held_key_idx')
        .on('exchange_held')
        .columns(['type', 'region', 'record_key'])
        .execute();
    },
  };
}

export const platformMigrations: Migrations = (a) => ({
  '001_initial': v001(a),
  '002_exchange': v002Exchange(a),
  '003_user_roles': v003UserRoles(),
  '004_expiry_index': v004ExpiryIndex(),
  '005_operation_source': v005OperationSource(),
  '006_idempotency_age': v006IdempotencyAge(),
  '007_audit_scheme': v007AuditScheme(a),
  '008_credentials': v008Credentials(),
  '009_exchange_held': v009ExchangeHeld(a),
});

export { appliedMigrations } from '../../storage/index.ts';
