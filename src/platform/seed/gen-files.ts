// `rhc gen --out DIR` (file output, for the part of issue 7 that `rhc gen` lacks): streams the synthetic
// population of seed/synthetic.ts into tab-separated files — residents.tsv, cards.tsv, visits.tsv — in
// UTF-8 or GB18030 (names include characters outside GB 2312: 𠮷 needs GB18030's four-byte form), with
// back-pressure so memory stays constant, and an optional progress bar on stderr.
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { syntheticResidents } from './synthetic.ts';
import type { GenOptions, SyntheticCard, SyntheticResident } from './synthetic.ts';
import { visitsOf } from './visits.ts';
import type { SyntheticVisit } from './visits.ts';

// the columns of the generated files are the synthetic rows' fields, shared with the bulk loader
export { CARD_COLUMNS, RESIDENT_COLUMNS } from './synthetic.ts';
import { CARD_COLUMNS, RESIDENT_COLUMNS } from './synthetic.ts';
export const VISIT_COLUMNS = [
  'card_no',
  'chip_serial',
  'org_code',
  'dept_code',
  'med_step_code',
  'terminal_type',
  'use_time',
] as const;

export interface GenFilesOptions extends GenOptions {
  outDir: string;
  encoding?: 'utf8' | 'gb18030';
  /** Visits up to this date (yyyyMMdd); no visits file when absent. */
  visitsUntil?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface GenFilesResult {
  residents: number;
  cards: number;
  visits: number;
  files: string[];
}

function row(values: readonly unknown[]): string {
  // tab-separated; the generator never produces tabs or newlines, so no quoting is needed
  return `${values.map((v) => (v === null || v === undefined ? '' : String(v))).join('\t')}\n`;
}

class Sink {
  readonly stream: WriteStream;
  constructor(
    readonly path: string,
    private readonly encoding: 'utf8' | 'gb18030',
  ) {
    this.stream = createWriteStream(path);
  }
  async write(text: string): Promise<void> {
    const ok = this.stream.write(this.encoding === 'utf8' ? text : iconv.encode(text, 'gb18030'));
    if (!ok) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export async function generateFiles(count: number, o: GenFilesOptions): Promise<GenFilesResult> {
  await mkdir(o.outDir, { recursive: true });
  const enc = o.encoding ?? 'utf8';
  const sinks = {
    residents: new Sink(join(o.outDir, 'residents.tsv'), enc),
    cards: new Sink(join(o.outDir, 'cards.tsv'), enc),
    ...(o.visitsUntil ? { visits: new Sink(join(o.outDir, 'visits.tsv'), enc) } : {}),
  };
  await sinks.residents.write(row(RESIDENT_COLUMNS));
  await sinks.cards.write(row(CARD_COLUMNS));
  if (sinks.visits) await sinks.visits.write(row(VISIT_COLUMNS));
  const n = { residents: 0, cards: 0, visits: 0 };
  for (const { resident, cards } of syntheticResidents(count, o)) {
    await sinks.residents.write(row(RESIDENT_COLUMNS.map((c) => (resident as SyntheticResident)[c])));
    n.residents++;
    for (const card of cards) {
      await sinks.cards.write(row(CARD_COLUMNS.map((c) => (card as SyntheticCard)[c])));
      n.cards++;
      if (sinks.visits)
        for (const v of visitsOf(card, o.visitsUntil!, o.seed ?? 1)) {
          await sinks.visits.write(row(VISIT_COLUMNS.map((c) => (v as SyntheticVisit)[c])));
          n.visits++;
        }
    }
    if (n.residents % 10_000 === 0) o.onProgress?.(n.residents, count);
  }
  o.onProgress?.(n.residents, count);
  await Promise.all(Object.values(sinks).map((s) => s.close()));
  return { ...n, files: Object.values(sinks).map((s) => s.path) };
}

/** A one-line progress bar for stderr: `[#####·····]  52 % 520000/1000000 31 s`. */
export function progressBar(width = 30): (done: number, total: number) => void {
  const t0 = Date.now();
  return (done, total) => {
    const f = total > 0 ? done / total : 1;
    const full = Math.round(f * width);
    process.stderr.write(
      `\r[${'#'.repeat(full)}${'·'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)} % ${done}/${total} ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    if (done >= total) process.stderr.write('\n');
  };
}
