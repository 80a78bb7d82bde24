// What each institution role may see and change beyond "may call the interface" (design choice, the
// minimum-necessary rule of PIPL art. 6): which card fields RHC_C0010 may change, who sees the holder of a
// verified card. The authorization matrix (docs/authorization.md) is generated from these tables.
import type * as C from '../contracts.ts';
import type { Role } from './institutions/index.ts';

export type CardField = keyof C.UpdateCardInput['changes'];

/**
 * RHC_C0010 fields per institution role: the platforms manage validity, card type and issuer; a bank only
 * its own account link and the payment methods it offers; no one else changes a card.
 */
export const CARD_FIELDS_BY_ROLE: Readonly<Record<Role, readonly CardField[]>> = {
  province: ['validUntil', 'cardType', 'paymentMethods', 'bankAccountMasked', 'issuerOrgCode'],
  city: ['validUntil', 'cardType', 'paymentMethods', 'issuerOrgCode'],
  bank: ['bankAccountMasked', 'paymentMethods'],
  hospital: [],
  frontend: [],
  maker: [],
};

/**
 * Roles whose job needs the holder of a verified card (RHC_C0003): the platforms and the hospitals that
 * treat the holder. Card makers and banks learn the card's status and nothing personal.
 */
export const HOLDER_VISIBLE_TO: ReadonlySet<Role> = new Set<Role>([
  'province',
  'city',
  'hospital',
  'frontend',
]);

/**
 * Roles that may download RHC_C0007 lists in plaintext (card numbers are ID numbers), and then only for
 * their own region below the province. Every role with RHC_C0007 may download hashed lists of any region
 * (list-hash.ts): enough to refuse a listed card offline, never a list of residents.
 */
export const PLAIN_LISTS_FOR: ReadonlySet<Role> = HOLDER_VISIBLE_TO;
