// Look-ups over the code tables. Tables are small static data; the indexes are built on first use.
import { CodesError } from './errors.ts';
import { ALL_TABLES } from './tables/index.ts';
import type { CodeEntry, CodeTable } from './types.ts';

export const CODE_TABLE_IDS: readonly string[] = Object.freeze(ALL_TABLES.map((t) => t.id));

const tablesById = new Map<string, CodeTable>(ALL_TABLES.map((t) => [t.id, t]));
const entryIndexes = new Map<string, Map<string, CodeEntry>>();

/** The table with this id; throws CodesError CODE_TABLE_UNKNOWN (naming the known ids) otherwise. */
export function getCodeTable(id: string): CodeTable {
  const table = tablesById.get(id);
  if (!table) {
    throw new CodesError(
      'CODE_TABLE_UNKNOWN',
      `未知代码表 unknown code table: '${id}' (known: ${CODE_TABLE_IDS.join(', ')})`,
    );
  }
  return table;
}

function entryIndex(tableId: string): Map<string, CodeEntry> {
  let index = entryIndexes.get(tableId);
  if (!index) {
    index = new Map(getCodeTable(tableId).entries.map((e) => [e.code, e]));
    entryIndexes.set(tableId, index);
  }
  return index;
}

/** The entry for `code` (exact match, codes are strings with their leading zeros), or undefined. */
export function describeCode(tableId: string, code: string): CodeEntry | undefined {
  return entryIndex(tableId).get(code);
}

export function isKnownCode(tableId: string, code: string): boolean {
  return entryIndex(tableId).has(code);
}
