// Institution roles, user roles, and which business codes each may call (design choice). The caller of every
// interface carries both roles; `assertPermitted` is the one check every operation makes.
import { RhcError } from '../../errors.ts';

export const ROLES = ['province', 'city', 'hospital', 'maker', 'bank', 'frontend'] as const;
export type Role = (typeof ROLES)[number];

const ALL = [
  'RHC_C0001',
  'RHC_C0002',
  'RHC_C0003',
  'RHC_C0004',
  'RHC_C0005',
  'RHC_C0006',
  'RHC_C0007',
  'RHC_C0008',
  'RHC_C0009',
  'RHC_C0010',
];

/** Which business codes each role may call (design choice; hospitals reach the platform via 前置机). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  province: ALL,
  city: ALL,
  hospital: ['RHC_C0001', 'RHC_C0002', 'RHC_C0003', 'RHC_C0005', 'RHC_C0007', 'RHC_C0008'],
  frontend: ['RHC_C0001', 'RHC_C0002', 'RHC_C0003', 'RHC_C0005', 'RHC_C0007', 'RHC_C0008'],
  maker: ['RHC_C0001', 'RHC_C0003', 'RHC_C0007'],
  bank: ['RHC_C0001', 'RHC_C0003', 'RHC_C0007', 'RHC_C0010'],
};

/**
 * Roles of the users inside an institution (design choice). A user may call what its institution's role
 * allows AND its own role allows: the issuance window's operator writes, a doctor's workstation account
 * only queries, an auditor sees statistics. Users created with an institution are admins.
 */
export const USER_ROLES = ['admin', 'operator', 'query', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const USER_ROLE_PERMISSIONS: Readonly<Record<UserRole, readonly string[]>> = {
  admin: ALL,
  operator: ALL,
  query: ['RHC_C0001', 'RHC_C0002', 'RHC_C0003', 'RHC_C0007', 'RHC_C0008'],
  auditor: ['RHC_C0001', 'RHC_C0008'],
};

/** Business codes a user of `role` in an institution of `instRole` may call. */
export function permittedCodes(instRole: Role, role: UserRole): string[] {
  const mine = USER_ROLE_PERMISSIONS[role] ?? [];
  return (ROLE_PERMISSIONS[instRole] ?? []).filter((c) => mine.includes(c));
}

export interface Caller {
  institutionId: number;
  institutionCode: string;
  role: Role;
  regionCode: string;
  userName: string;
  /** The user's role (read from the database on every call, cached 10 s: changes apply quickly). */
  userRole: UserRole;
  termId: string;
}

export function assertPermitted(caller: Caller, businessCode: string): void {
  if (!ROLE_PERMISSIONS[caller.role]?.includes(businessCode))
    throw new RhcError('NOT_PERMITTED', { detail: `role ${caller.role} may not call ${businessCode}` });
  if (!USER_ROLE_PERMISSIONS[caller.userRole]?.includes(businessCode))
    throw new RhcError('NOT_PERMITTED', {
      detail: `user role ${caller.userRole} may not call ${businessCode}`,
    });
}
