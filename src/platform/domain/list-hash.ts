// Hashed RHC_C0007 lists (design choice, issue 13 §2): a front-end machine checks a presented card against
// the black or white list offline without holding plaintext ID numbers. Each entry is
//   entryHash = HMAC-SM3(K, cardNo ‖ '|' ‖ CHIPSERIAL)        (hex, lower case)
//   K         = HMAC-SM3(list secret, 'rhc-list-hash|' ‖ listType ‖ '|' ‖ hashKeyId)
// hashKeyId is the list version at which the client took its full hashed list; deltas carry the client's
// hashKeyId so its stored hashes stay comparable, and a key older than HASH_KEY_MAX_AGE_DAYS is replaced by
// a full list under a fresh key. Hashing the chip serial with the card number means the key alone does not
// let anyone enumerate ID numbers: a guess must also name the card's chip serial. The list secret is created
// on first use in the settings table and never leaves the platform; K is handed to authorized callers.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Random } from '../../base/runtime.ts';
import type { Database } from '../storage/schema.ts';

export const HASH_KEY_MAX_AGE_DAYS = 30;
const SECRET_NAME = 'list_hash_secret';

function hmacSm3(key: Buffer, text: string): Buffer {
  return createHmac('sm3', key).update(text, 'utf8').digest();
}

/** The platform's list secret (created once, race-safe: the first insert wins). */
export async function listSecret(db: Kysely<Database>, random: Random): Promise<Buffer> {
  const read = () =>
    db.selectFrom('settings').select('value').where('name', '=', SECRET_NAME).executeTakeFirst();
  let row = await read();
  if (!row) {
    await db
      .insertInto('settings')
      .values({ name: SECRET_NAME, value: Buffer.from(random.bytes(32)).toString('hex') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await read();
  }
  return Buffer.from(row!.value, 'hex');
}

/** K for one list type and key id. */
export function listHashKey(secret: Buffer, listType: string, hashKeyId: string): Buffer {
  return hmacSm3(secret, `rhc-list-hash|${listType}|${hashKeyId}`);
}

/** What a front-end machine computes from the card it reads, and compares with the list's entries. */
export function listEntryHash(key: Buffer, cardNo: string, chipSerial: string): string {
  return hmacSm3(key, `${cardNo}|${chipSerial.toUpperCase()}`).toString('hex');
}

/** Whether a key id (a list version yyyyMMdd.n) is too old to extend with deltas on `today` (yyyyMMdd). */
export function hashKeyExpired(hashKeyId: string, today: string): boolean {
  const day = (s: string) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8));
  return (day(today) - day(hashKeyId.slice(0, 8))) / 86_400_000 > HASH_KEY_MAX_AGE_DAYS;
}
