// The authorization matrix as data: for every interface × institution role × user role, whether the call is
// allowed and where. Built from the tables the operations enforce (ROLE_PERMISSIONS, USER_ROLE_PERMISSIONS,
// REGION_RULE here, field-policy.ts), published as docs/authorization.md (scripts/authz-doc.ts) and tested
// cell by cell over REST and SOAP (test/platform-authz-matrix.test.ts).
import type { BusinessCode } from '../contracts.ts';
import { INTERFACES } from '../contracts.ts';
import { CARD_FIELDS_BY_ROLE, HOLDER_VISIBLE_TO } from './field-policy.ts';
import { ROLES, USER_ROLES, permittedCodes } from './institutions/index.ts';
import type { Role, UserRole } from './institutions/index.ts';

/**
 * Where an allowed call may act: `any` — every region of the province (a card is usable everywhere, an ID
 * check precedes issuance anywhere); `own` — only data of the caller's region (a city its city, a hospital
 * its city, the province everything): changes, statistics. RHC_C0007 lists are province-wide (a lost card
 * must be refused in every city) — what a role sees of each entry is in field-policy.ts.
 */
export type RegionRule = 'any' | 'own';

export const REGION_RULE: Readonly<Record<BusinessCode, RegionRule>> = {
  RHC_C0001: 'any',
  RHC_C0002: 'any',
  RHC_C0003: 'any',
  RHC_C0004: 'own',
  RHC_C0005: 'own',
  RHC_C0006: 'own',
  RHC_C0007: 'any',
  RHC_C0008: 'own',
  RHC_C0009: 'own',
  RHC_C0010: 'own',
};

export interface MatrixCell {
  code: BusinessCode;
  role: Role;
  userRole: UserRole;
  /** May this user call the interface at all? (1011 otherwise) */
  allowed: boolean;
  /** May it act on data of another region? (1011 otherwise); false when not allowed at all. */
  otherRegion: boolean;
}

/** Every cell: INTERFACES × institution roles × user roles. */
export function authorizationMatrix(): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const def of INTERFACES)
    for (const role of ROLES)
      for (const userRole of USER_ROLES) {
        const allowed = permittedCodes(role, userRole).includes(def.code);
        const otherRegion = allowed && (role === 'province' || REGION_RULE[def.code] === 'any');
        cells.push({ code: def.code, role, userRole, allowed, otherRegion });
      }
  return cells;
}

/** The field-level rules, for the published matrix. */
export function fieldRules(): { role: Role; cardFields: readonly string[]; seesHolder: boolean }[] {
  return ROLES.map((role) => ({
    role,
    cardFields: CARD_FIELDS_BY_ROLE[role],
    seesHolder: HOLDER_VISIBLE_TO.has(role),
  }));
}
