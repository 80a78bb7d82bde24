// Kept for the domain files that still write through the raw SQLite handle (service.ts flush):
// the prepared-statement insert of the SQLite adapter. New code calls `p.adapter.insertRows` instead.
export { insertSqliteRows } from '../../storage/sqlite-adapter.ts';
