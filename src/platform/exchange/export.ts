// Writing exchange files from a database: the five up files of a city (KXX, JMXX, HMD, BMD, CZRZ) and the
// two down files of the province (SHMD, SBMD). Streaming by keyset pages (constant memory), one read
// transaction per file so the declared record count and the records agree; the data file is written as
// `.part`, renamed, then the `.ok` companion is written last (§6.2).
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Clock } from '../../base/runtime.ts';
import { regionScopePrefix } from '../../codes/index.ts';
import { toWireDate } from '../domain/format.ts';
import { headVersion, seqOfVersion } from '../domain/ledger/index.ts';
import type { PlatformDb } from '../storage/db.ts';
import {
  cardsSource,
  listDeltaSource,
  listFullSource,
  maxLoggedId,
  oplogSource,
  residentsSource,
} from './export-sources.ts';
import type { Db, Keyed, Row, Source } from './export-sources.ts';
import { downFileSeq, lastSeq, nextFileSeq, recordFile, xdb } from './file-ledger.ts';
import { ExchangeWriter, fileName, okFileContent } from './format.ts';
import type { Encoding, Header } from './format.ts';
import { heldKeys, hold, holdHint, release, writeHeldReport } from './held.ts';
import type { HeldRecord } from './held.ts';
import { issue } from './issues.ts';
import type { Issue } from './issues.ts';
import { TYPES } from './layouts.ts';
import type { ExchangeType, TypeSpec } from './layouts.ts';
import { validateRecord } from './validate.ts';

export interface ExportOptions {
  type: ExchangeType;
  /** Region code written into the name and header (the city; the province `xx0000` for down files). */
  region: string;
  outDir: string;
  clock: Clock;
  /** Up files: export changes after this source sequence (default: where the last exported file ended). */
  since?: number;
  /** Down files: the list version the receiver holds (delta); absent or unknown → full list. */
  sinceVersion?: string;
  mode?: 'F' | 'D';
  encoding?: Encoding;
  /** Institution the file goes to (ledger), default 'province' / 'city'. */
  peer?: string;
  /** Record the file in the ledger (default true). */
  record?: boolean;
  /**
   * BMD only: list just the cards created by operations up to this source sequence (the KXX sequence the
   * province has acknowledged), so a whitelist never names a card the province has not received yet.
   */
  cardsUpToSeq?: number;
  /**
   * Up files: the source sequences at the start of an exchange round (`sourceHeads`). Every file of a round
   * is cut at the same point, so a card file never names a resident or card newer than the files before it.
   */
  bounds?: SourceHeads;
}

export type SourceHeads = Partial<Record<'card_operations' | 'list_changes', number>>;

/**
 * The heads of both source sequences, list changes read first: every list change up to its head refers to
 * cards whose operations are already below the operations head read just after it.
 */
export async function sourceHeads(p: PlatformDb): Promise<SourceHeads> {
  const list_changes = await headSeq(p.db, 'list_changes');
  const card_operations = await headSeq(p.db, 'card_operations');
  return { list_changes, card_operations };
}

export interface ExportResult {
  file: string;
  path: string;
  header: Omit<Header, 'formatVersion'>;
  records: number;
  bytes: number;
  digest: string;
  /** Records held back from this file (listed in `{file}.held`, table exchange_held). */
  held: number;
}

async function headSeq(db: Db, source: 'card_operations' | 'list_changes'): Promise<number> {
  if (source === 'card_operations') {
    const r = await db
      .selectFrom('card_operations')
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirst();
    return Number(r?.m ?? 0);
  }
  const r = await db
    .selectFrom('list_changes')
    .select((eb) => eb.fn.max('seq').as('m'))
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Writes one file; returns undefined when a delta would cover nothing new. */
export async function exportFile(p: PlatformDb, o: ExportOptions): Promise<ExportResult | undefined> {
  const spec = TYPES[o.type];
  const now = o.clock.now();
  const date = toWireDate(now);
  const written = await p.db.transaction().execute(async (trx) => {
    let mode = o.mode ?? (spec.modes.includes('D') ? 'D' : 'F');
    if (!spec.modes.includes(mode)) throw new Error(`${o.type} files are ${spec.modes.join('/')} only`);
    const head = Math.min(await headSeq(trx, spec.source), o.bounds?.[spec.source] ?? Infinity);
    let since = 0;
    let listVersion = '';
    let baseVersion = '';
    let source: Source;
    if (spec.direction === 'up') {
      since = mode === 'F' ? 0 : (o.since ?? (await lastSeq(xdb(trx), 'out', o.region, o.type)));
      if (mode === 'D' && head <= since) return undefined;
      const prefix = regionScopePrefix(o.region);
      source =
        o.type === 'KXX'
          ? cardsSource(mode, since, head, prefix)
          : o.type === 'JMXX'
            ? residentsSource(mode, since, head)
            : o.type === 'HMD'
              ? listDeltaSource('B', since, head, true, prefix)
              : o.type === 'BMD'
                ? listFullSource(
                    'W',
                    prefix,
                    'white',
                    o.cardsUpToSeq === undefined
                      ? undefined
                      : await maxLoggedId(trx, 'card_id', o.cardsUpToSeq),
                  )
                : oplogSource(since, head);
    } else {
      const list = o.type === 'SHMD' ? 'B' : 'W';
      // an empty list is at EMPTY_LIST_VERSION, as RHC_C0001/RHC_C0007 say
      listVersion = (await headVersion(trx, list)).version;
      const baseSeq = o.sinceVersion ? await seqOfVersion(trx, list, o.sinceVersion) : undefined;
      if (mode === 'D' && baseSeq === undefined) mode = 'F';
      if (mode === 'D') {
        since = baseSeq!;
        baseVersion = o.sinceVersion!;
        source = listDeltaSource(list, since, head, false);
      } else source = listFullSource(list, '', 'list');
    }
    // an up file's seq3 is the next of its chain; a down file is named once its digest is known (below)
    const seq = spec.direction === 'up' ? await nextFileSeq(xdb(trx), 'out', o.type, o.region, date) : 0;
    const file = seq
      ? fileName({ type: o.type, region: o.region, date, seq })
      : `${o.type}_${o.region}_${date}.${randomUUID()}.txt`;
    const header = (recordCount: number): Omit<Header, 'formatVersion'> => ({
      type: o.type,
      region: o.region,
      bizDate: date,
      mode,
      firstSeq: mode === 'F' ? 1 : since + 1,
      lastSeq: head,
      recordCount,
      listVersion,
      baseVersion,
      encoding: o.encoding ?? 'UTF-8',
    });
    await mkdir(o.outDir, { recursive: true, mode: 0o700 });
    const path = join(o.outDir, file);
    const w = await writeHolding(trx, source, { ...o, file, path, now, header, publish: seq > 0 });
    if (!seq) return { ...w, file, final: path, listVersion };
    if (o.record !== false)
      await recordFile(xdb(trx), {
        direction: 'out',
        file,
        identity: { type: o.type, region: o.region, date, seq },
        header: w.header,
        digest: w.end.digest,
        listVersion: listVersion || null,
        peer: o.peer ?? (spec.direction === 'up' ? 'province' : 'city'),
        status: 'written',
        at: now.toISOString(),
      });
    return { ...w, file, final: path, listVersion };
  });
  if (!written) return undefined;
  let { file, final: path } = written;
  if (!written.published) {
    const seq = await downFileSeq(p, {
      direction: 'out',
      file: '',
      identity: { type: o.type, region: o.region, date, seq: 0 },
      header: written.header,
      digest: written.end.digest,
      listVersion: written.listVersion || null,
      peer: o.peer ?? 'city',
      status: 'written',
      at: now.toISOString(),
    });
    file = fileName({ type: o.type, region: o.region, date, seq });
    path = join(o.outDir, file);
    await publish(o.outDir, written.path, file, written.end, written.held);
  }
  const { header, end } = written;
  return {
    file,
    path,
    header,
    records: end.records,
    bytes: end.bytes,
    digest: end.digest,
    held: written.held.length,
  };
}

/** `.part` → the data file, then the `.ok` companion (§6.2), and the `.held` report when records were held. */
async function publish(
  dir: string,
  from: string,
  file: string,
  end: { bytes: number; fileDigest: string },
  held: HeldRecord[],
): Promise<void> {
  await rename(from, join(dir, file));
  await writeFile(join(dir, file.replace(/\.txt$/, '.ok')), okFileContent(file, end.bytes, end.fileDigest));
  if (held.length > 0) await writeHeldReport(join(dir, file.replace(/\.txt$/, '.held')), file, held);
}

/**
 * Writes the file without the records it cannot carry (held.ts). Holds are re-checked first: a record still
 * invalid is skipped, one valid again is released and goes out with this file (even outside its range, for
 * sources of state). A record found invalid while writing is held and the file written again with the count
 * it then has (the header declares the count before the records). `.held` lists what this file held back.
 */
async function writeHolding(
  trx: Db,
  source: Source,
  o: ExportOptions & {
    file: string;
    path: string;
    now: Date;
    header: (recordCount: number) => Omit<Header, 'formatVersion'>;
    /** false: leave the written file at `${path}.part` for the caller to name and publish. */
    publish: boolean;
  },
) {
  const spec = TYPES[o.type];
  const parents = spec.heldWith ? await heldKeys(trx, spec.heldWith, o.region) : new Set<number>();
  const check = (k: Keyed) => {
    const c = checkRow(spec, k.row, o.now);
    if (!c.issue && k.parent !== undefined && parents.has(k.parent))
      return { ...c, issue: issue(0, 'HOLDER_HELD', undefined, `held with ${spec.heldWith}`) };
    return c;
  };
  const skip = new Map<number, HeldRecord>();
  const back: number[] = [];
  const extra: Record<string, string>[] = [];
  const held = [...(await heldKeys(trx, o.type, o.region))];
  if (held.length > 0) {
    const inRange = new Set((await source.only(trx, held)).map((k) => k.key));
    for (const k of source.anywhere ? await source.anywhere(trx, held) : await source.only(trx, held)) {
      const c = check(k);
      if (c.issue) {
        if (inRange.has(k.key)) skip.set(k.key, { key: k.key, issue: c.issue, ...hintOf(c.rec) });
      } else {
        back.push(k.key);
        if (!inRange.has(k.key)) extra.push(asNew(c.rec));
      }
    }
  }
  const released = new Set(back);
  const total = (await source.count(trx)) + extra.length;
  for (let attempt = 1; ; attempt++) {
    const header = o.header(total - skip.size);
    const out = createWriteStream(`${o.path}.part`, { mode: 0o600 });
    const writer = new ExchangeWriter(header, {
      async write(b) {
        if (!out.write(b)) await once(out, 'drain');
      },
    });
    const fresh: HeldRecord[] = [];
    for await (const rows of source.pages(trx))
      for (const k of rows) {
        if (skip.has(k.key)) continue;
        const c = check(k);
        if (c.issue) fresh.push({ key: k.key, issue: c.issue, ...hintOf(c.rec) });
        else if (fresh.length === 0) await writer.record(released.has(k.key) ? asNew(c.rec) : c.rec);
      }
    if (fresh.length > 0) {
      out.end();
      await once(out, 'finish');
      await rm(`${o.path}.part`, { force: true });
      for (const h of fresh) skip.set(h.key, h);
      // a record cannot turn invalid inside one read transaction; a third pass means a bug, not bad data
      if (attempt >= 3)
        throw new Error(`exchange: ${o.file}: records still turning invalid after ${attempt} passes`);
      continue;
    }
    for (const rec of extra) await writer.record(rec);
    const end = await writer.end();
    out.end();
    await once(out, 'finish');
    const heldBack = [...skip.values()];
    if (o.publish) await publish(o.outDir, `${o.path}.part`, o.file, end, heldBack);
    await hold(trx, { type: o.type, region: o.region, file: o.file, at: o.now }, heldBack);
    await release(trx, { type: o.type, region: o.region, at: o.now }, back);
    return { header, end, held: heldBack, published: o.publish, path: `${o.path}.part` };
  }
}

/** A source row as file values ('' for null), checked as the receiver's import will check it. */
function checkRow(spec: TypeSpec, row: Row, today: Date): { rec: Record<string, string>; issue?: Issue } {
  const rec: Record<string, string> = {};
  for (const f of spec.fields) rec[f.name] = row[f.name] ?? '';
  const issue = validateRecord(spec, rec, 0, today)[0];
  return issue ? { rec, issue } : { rec };
}

/** A released record may never have reached the receiver, which takes A for a record it knows as an update. */
const asNew = (rec: Record<string, string>) => (rec.op === 'U' ? { ...rec, op: 'A' } : rec);

const hintOf = (rec: Record<string, string>) => {
  const hint = holdHint(rec);
  return hint ? { hint } : {};
};

/** Marks an exported file acknowledged by the receiver (the city's resume point). */
export async function markAcked(p: PlatformDb, file: string, at: Date): Promise<void> {
  await xdb(p.db)
    .updateTable('exchange_files')
    .set({ status: 'acked', updated_at: at.toISOString() })
    .where('direction', '=', 'out')
    .where('file_name', '=', file)
    .execute();
}
