// The hot read of card verification (RHC_C0003): a card and its holder by card number, in ONE query, off
// the Kysely path, as the adapter's prepared lookup (src/storage: a prepared statement that reads committed
// data only — on SQLite a second read-only connection while a transaction holds the main one; on PostgreSQL
// a named prepared statement on the pool).
import type { PreparedLookup } from '../../storage/index.ts';
import type { PlatformDb } from './db.ts';

export interface CardWithHolder {
  id: number;
  card_no: string;
  chip_serial: string;
  resident_id: number;
  security_code: string | null;
  status: string;
  status_reason: string | null;
  valid_until: string;
  app_city_code: string;
  r_name: string;
  r_sex: string;
  r_birth_date: string;
  r_id_type: string;
  r_id_no: string;
  r_main_index: string;
}

const SQL = `select c.id, c.card_no, c.chip_serial, c.resident_id, c.security_code, c.status, c.status_reason,
  c.valid_until, c.app_city_code, r.name as r_name, r.sex as r_sex, r.birth_date as r_birth_date,
  r.id_type as r_id_type, r.id_no as r_id_no, r.main_index as r_main_index
  from cards c join residents r on r.id = c.resident_id where c.card_no = `;

export type CardLookup = PreparedLookup<CardWithHolder>;

/** The prepared card-with-holder lookup of `p` (close it with the service). */
export function createCardLookup(p: PlatformDb): CardLookup {
  return p.adapter.preparedLookup<CardWithHolder>('rhc_card_lookup', (param) => `${SQL}${param}`);
}
