// Public entry point of the storage layer: a database URL → Kysely + the dialect adapter (writer locks, bulk
// insert, batch and prepared lookups, planner statistics), and the migration runner.
export * from './adapter.ts';
export { StorageError, storageErrors } from './errors.ts';
export type { StorageErrorSymbol } from './errors.ts';
export { describeDatabaseUrl, openStorage, storageOf } from './open.ts';
export type { Storage, StorageOptions } from './open.ts';
export { appliedMigrations, migrateToLatest } from './migrate.ts';
export type { Migrations } from './migrate.ts';
