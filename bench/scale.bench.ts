// Scale curve on SQLite (issue 7): sizes RHC_SCALE_SQLITE_CARDS (default "100000,1000000"; the issue's
// 10 M point is RHC_SCALE_SQLITE_CARDS=100000,1000000,10000000, ≈ 25 min and 9 GB). See scale-common.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawSqliteLookups } from '../testkit/load/raw-lookup.ts';
import { DURATION, SQLITE_SIZES, curve } from './scale-common.ts';
import type { BenchResult } from './types.ts';

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rhc-bench-scale-'));
  try {
    console.log(`scale bench: SQLite sizes ${SQLITE_SIZES.join(', ')}; ${DURATION} s per run`);
    const path = join(dir, 'scale.db');
    return await curve('SQLite', `sqlite:${path}`, SQLITE_SIZES, dir, async (nos) =>
      rawSqliteLookups(path, nos, DURATION),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
