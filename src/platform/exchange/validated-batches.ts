// The reading half of an import: read → SM3 → parse → validate → find duplicates, as batches of valid
// records and the issues of the others. Pure (no database). A worker-thread variant (reading while the
// importing thread writes) was measured and dropped: the writes dominate, and packing batches across the
// thread boundary cost more than the overlap saved (docs/decisions.md).
import { createReadStream } from 'node:fs';
import { readExchangeBatches } from './format.ts';
import type { Header, ParsedRecord, ReadResult } from './format.ts';
import type { Issue } from './issues.ts';
import { TYPES } from './layouts.ts';
import type { ExchangeType, TypeSpec } from './layouts.ts';
import { DuplicateTracker, validateRecord } from './validate.ts';

export interface ValidatedBatch {
  /** The file header, once read (the first batch carries it). */
  header: Header | undefined;
  /** Records without issues, in file order. */
  records: ParsedRecord[];
  /** Issues of the other records of this batch. */
  issues: Issue[];
  /** Records read so far and bytes read so far (progress). */
  recordsRead: number;
  bytes: number;
}

export interface ReadPlan {
  path: string;
  type: ExchangeType;
  now: Date;
  maxIssues: number;
}

function validateBatch(
  spec: TypeSpec,
  dups: DuplicateTracker,
  batch: ParsedRecord[],
  now: Date,
): { records: ParsedRecord[]; issues: Issue[] } {
  const records: ParsedRecord[] = [];
  const issues: Issue[] = [];
  for (const rec of batch) {
    const lineIssues = validateRecord(spec, rec.values, rec.line, now);
    const dup = dups.check(rec.values, rec.line);
    if (dup) lineIssues.push(dup);
    if (lineIssues.length) issues.push(...lineIssues);
    else records.push(rec);
  }
  return { records, issues };
}

/** Fills `result` as it reads (structure, digest, trailer). */
export async function* validatedBatches(plan: ReadPlan, result: ReadResult): AsyncGenerator<ValidatedBatch> {
  const spec = TYPES[plan.type];
  const dups = new DuplicateTracker(spec);
  const src = createReadStream(plan.path, { highWaterMark: 1 << 20 });
  for await (const batch of readExchangeBatches(src, result, { maxIssues: plan.maxIssues })) {
    const v = validateBatch(spec, dups, batch, plan.now);
    yield { header: result.header, ...v, recordsRead: result.records, bytes: result.bytes };
  }
}
