// Checks shared by several operations: the caller's region, the holder's ID number, a card by (number, chip).
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../base/runtime.ts';
import { RhcError } from '../errors.ts';
import type { Database } from '../storage/schema.ts';
import { checkIdNumber } from './id-check.ts';
import type { Caller } from './institutions/index.ts';
import type { CardRow, ResidentRow } from './ledger/index.ts';

/**
 * Region prefix an institution governs: a province (xx0000) its 2 digits, anything below it its city's 4
 * digits — cards carry a city-level 应用城市代码, so a county hospital acts for the cards of its city.
 */
export function regionPrefix(region: string): string {
  return region.endsWith('0000') ? region.slice(0, 2) : region.slice(0, 4);
}

export function mayTouchRegion(caller: Caller, appCityCode: string): boolean {
  return caller.role === 'province' || appCityCode.startsWith(regionPrefix(caller.regionCode));
}

/** Refuses (1011) a change to data of a region the caller does not serve. */
export function checkRegion(caller: Caller, region: string): void {
  if (!mayTouchRegion(caller, region))
    throw new RhcError('NOT_PERMITTED', {
      detail: `institution ${caller.institutionCode} (region ${caller.regionCode}) may not change data of region ${region}`,
    });
}

const ID_ERRORS = { '2001': 'ID_CHECK_DIGIT', '2002': 'ID_LOWERCASE_X', '2006': 'ID_LENGTH' } as const;

/** For a citizen ID (type 01): GB 11643 check digit, and sex / birth date agreeing with the number. */
export function checkHolderId(
  clock: Clock,
  f: { idType: string; idNo: string; sex?: string | undefined; birthDate?: string | undefined },
  field = 'idNo',
): void {
  if (f.idType !== '01') return;
  const c = checkIdNumber(f.idNo, clock.now());
  if (!c.valid)
    throw new RhcError(ID_ERRORS[c.errorCode ?? '2001'], {
      field,
      detail: c.reason,
    });
  if (f.birthDate !== undefined && f.birthDate !== c.birthDate)
    throw new RhcError('ID_INCONSISTENT', { field: 'birthDate' });
  if (f.sex !== undefined && (f.sex === '1' || f.sex === '2') && f.sex !== c.sex)
    throw new RhcError('ID_INCONSISTENT', { field: 'sex' });
}

/**
 * The region a holder's demographics belong to: the city of the holder's live card (the newest card that is
 * not cancelled), else the region that registered the holder. One rule for online and exchange changes.
 */
export async function holderRegion(
  db: Kysely<Database> | Transaction<Database>,
  r: Pick<ResidentRow, 'id' | 'region_code'>,
): Promise<string> {
  const live = await db
    .selectFrom('cards')
    .select('app_city_code')
    .where('resident_id', '=', r.id)
    .where('status', '<>', '90')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return live?.app_city_code ?? r.region_code;
}

/** The card with this number and chip serial: CARD_NOT_FOUND (number unknown) or CHIP_MISMATCH. */
export async function findCard(
  db: Kysely<Database> | Transaction<Database>,
  cardNo: string,
  chip: string,
  chipField = 'chipSerial',
): Promise<CardRow> {
  const rows = (await db
    .selectFrom('cards')
    .selectAll()
    .where('card_no', '=', cardNo)
    .execute()) as CardRow[];
  if (rows.length === 0) throw new RhcError('CARD_NOT_FOUND', { field: 'cardNo' });
  const card = rows.find((r) => r.chip_serial === chip);
  if (!card) throw new RhcError('CHIP_MISMATCH', { field: chipField });
  return card;
}
