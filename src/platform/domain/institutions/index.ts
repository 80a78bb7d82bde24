// Institutions and their users: roles and permissions (roles.ts), the registry (registry.ts), RHC_C0001
// login (login.ts), stored passwords (passwords.ts) and bearer tokens (tokens.ts).
export * from './roles.ts';
export { InstitutionRegistry } from './registry.ts';
export type { IssuedCredentials, NewInstitution, NewUser, UserCredentials } from './registry.ts';
export { TIME_WINDOW_SECONDS } from './login.ts';
export type { LoginInput } from './login.ts';
export { TOKEN_TTL_SECONDS } from './tokens.ts';
