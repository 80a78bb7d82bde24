// Baselines of the scale benchmark: the card verification's index lookup (card + holder by card_no, the same
// SQL as storage/card-lookup.ts) run raw — a better-sqlite3 prepared statement, or `pg` on a pool — for a
// bounded time over the same sample of card numbers.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

const SQL = `select c.id, c.card_no, c.chip_serial, c.status, r.name, r.id_no, r.main_index
  from cards c join residents r on r.id = c.resident_id where c.card_no = `;

export interface RawRate {
  perSecond: number;
  /** Mean latency of one lookup, ms. */
  meanMs: number;
  lookups: number;
}

export function rawSqliteLookups(path: string, cardNos: string[], seconds: number): RawRate {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 268435456');
    const st = db.prepare(`${SQL}?`);
    const until = Date.now() + seconds * 1000;
    let n = 0;
    const t0 = process.hrtime.bigint();
    while (Date.now() < until)
      for (let k = 0; k < 200; k++) {
        if (st.all(cardNos[n % cardNos.length]).length === 0) throw new Error('sampled card not found');
        n++;
      }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return { perSecond: (n / ms) * 1000, meanMs: ms / n, lookups: n };
  } finally {
    db.close();
  }
}

export async function rawPgLookups(
  url: string,
  schema: string,
  cardNos: string[],
  seconds: number,
  inFlight = 16,
): Promise<RawRate> {
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
  try {
    let n = 0;
    let totalMs = 0;
    const until = Date.now() + seconds * 1000;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (Date.now() < until) {
          const s = process.hrtime.bigint();
          const r = await pool.query({
            name: 'raw_lookup',
            text: `${SQL}$1`,
            values: [cardNos[n % cardNos.length]],
          });
          totalMs += Number(process.hrtime.bigint() - s) / 1e6;
          if (r.rows.length === 0) throw new Error('sampled card not found');
          n++;
        }
      }),
    );
    return { perSecond: (n / (Date.now() - t0)) * 1000, meanMs: totalMs / n, lookups: n };
  } finally {
    await pool.end();
  }
}
