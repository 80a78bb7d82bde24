// The authorization matrix as data: for every interface × institution role × user role, whether the call is
// allowed and where. Built from the tables the operations enforce (ROLE_PERMISSIONS, USER_ROLE_PERMISSIONS,
// REGION_RULE here, field-policy.ts), published as docs/authorization.md (scripts/authz-doc.ts) and tested
// cell by cell over REST and SOAP (test/platform-authz-matrix.test.ts).
import type { BusinessCode } from '../contracts.ts';
import { INTERFACES } from '../contracts.ts';
import { CARD_FIELDS_BY_ROLE, HOLDER_VISIBLE_TO, PLAIN_LISTS_FOR } from './field-policy.ts';
import { ROLES, USER_ROLES, permittedCodes } from './institutions/index.ts';
import type { Role, UserRole } from './institutions/index.ts';

/**
 * Where an allowed call may act: `any` — every region of the province (a card is usable everywhere, an ID
 * check precedes issuance anywhere); `own` — only data of the caller's region (a city its city, a hospital
 * its city, the province everything): changes, statistics, plaintext RHC_C0007 lists. Hashed lists are
 * province-wide for every role with RHC_C0007 (a lost card must be refused in every city); the matrix cells
 * of RHC_C0007 are the plaintext list (field-policy.ts PLAIN_LISTS_FOR).
 */
export type RegionRule = 'any' | 'own';

export const REGION_RULE: Readonly<Record<BusinessCode, RegionRule>> = {
  RHC_C0001: 'any',
  RHC_C0002: 'any',
  RHC_C0003: 'any',
  RHC_C0004: 'own',
  RHC_C0005: 'own',
  RHC_C0006: 'own',
  RHC_C0007: 'own',
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
        const allowed =
          permittedCodes(role, userRole).includes(def.code) &&
          (def.code !== 'RHC_C0007' || PLAIN_LISTS_FOR.has(role));
        const otherRegion = allowed && (role === 'province' || REGION_RULE[def.code] === 'any');
        cells.push({ code: def.code, role, userRole, allowed, otherRegion });
      }
  return cells;
}

/**
 * The city ↔ province file exchange (src/platform/exchange/http.ts): who may use each route. Uploads change
 * card states and list downloads hold every listed ID number, so both need a user whose job is exchange
 * (admin, operator); the status route (last applied sequence numbers) is harmless and open to auditors.
 */
export const EXCHANGE_ROUTES = {
  upload: { roles: ['province', 'city'], userRoles: ['admin', 'operator'] },
  lists: { roles: ['province', 'city'], userRoles: ['admin', 'operator'] },
  status: { roles: ['province', 'city'], userRoles: ['admin', 'operator', 'query', 'auditor'] },
} as const satisfies Record<string, { roles: readonly Role[]; userRoles: readonly UserRole[] }>;

export type ExchangeRoute = keyof typeof EXCHANGE_ROUTES;

export function mayUseExchange(route: ExchangeRoute, role: Role, userRole: UserRole): boolean {
  const r = EXCHANGE_ROUTES[route];
  return (
    (r.roles as readonly Role[]).includes(role) && (r.userRoles as readonly UserRole[]).includes(userRole)
  );
}

/** Every exchange cell: route × institution role × user role. */
export function exchangeMatrix(): {
  route: ExchangeRoute;
  role: Role;
  userRole: UserRole;
  allowed: boolean;
}[] {
  return (Object.keys(EXCHANGE_ROUTES) as ExchangeRoute[]).flatMap((route) =>
    ROLES.flatMap((role) =>
      USER_ROLES.map((userRole) => ({
        route,
        role,
        userRole,
        allowed: mayUseExchange(route, role, userRole),
      })),
    ),
  );
}

/** The field-level rules, for the published matrix. */
export function fieldRules(): { role: Role; cardFields: readonly string[]; seesHolder: boolean }[] {
  return ROLES.map((role) => ({
    role,
    cardFields: CARD_FIELDS_BY_ROLE[role],
    seesHolder: HOLDER_VISIBLE_TO.has(role),
  }));
}
