// Scale curve on PostgreSQL (issue 7): sizes RHC_SCALE_PG_CARDS (default "100000"), plus 40 000 000 with
// RHC_SCALE_PG_40M=1; needs RHC_BENCH_POSTGRES_URL or RHC_TEST_POSTGRES_URL (skipped loudly otherwise).
// Runs in its own schema, dropped at the end. See scale-common.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, schemaUrl } from '../testkit/dialects.ts';
import { rawPgLookups } from '../testkit/load/raw-lookup.ts';
import { DURATION, PG_SIZES, PG_URL, curve } from './scale-common.ts';
import type { BenchResult } from './types.ts';

export async function run(): Promise<BenchResult[]> {
  const pgUrl = PG_URL;
  if (!pgUrl) {
    console.warn(
      '*** scale bench: no RHC_BENCH_POSTGRES_URL / RHC_TEST_POSTGRES_URL — PostgreSQL curve SKIPPED ***',
    );
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'rhc-bench-scale-pg-'));
  const schema = `rhc_scale_${process.pid}_${randomBytes(2).toString('hex')}`;
  const url = schemaUrl(pgUrl, schema);
  console.log(
    `scale bench: PostgreSQL sizes ${PG_SIZES.join(', ')}; ${DURATION} s per run (schema ${schema})`,
  );
  try {
    return await curve('PostgreSQL', url, PG_SIZES, dir, (nos) => rawPgLookups(pgUrl, schema, nos, DURATION));
  } finally {
    await dropSchema(pgUrl, schema);
    rmSync(dir, { recursive: true, force: true });
  }
}
