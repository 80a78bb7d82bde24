// Writing exchange files from a database: the five up files of a city (KXX, JMXX, HMD, BMD, CZRZ) and the
// two down files of the province (SHMD, SBMD). Streaming by keyset pages (constant memory), one read
// transaction per file so the declared record count and the records agree; the data file is written as
// `.part`, renamed, then the `.ok` companion is written last (§6.2).
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
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
import type { Db, Source } from './export-sources.ts';
import { RhcError } from '../errors.ts';
import { lastSeq, nextFileSeq, recordFile, xdb } from './file-ledger.ts';
import type { FileRecord } from './file-ledger.ts';
import { ExchangeWriter, fileName, okFileContent } from './format.ts';
import type { Encoding, Header } from './format.ts';
import { TYPES } from './layouts.ts';
import type { ExchangeType } from './layouts.ts';

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
  /** Up files: record the file in the ledger (default true). Down files are always recorded: their names
   *  come from the ledger (`downFileSeq`). */
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
    const recordCount = await source.count(trx);
    // a down file is named once its digest is known (below, after this read transaction)
    const seq = spec.direction === 'up' ? await nextFileSeq(xdb(trx), 'out', o.type, o.region, date) : 0;
    const header: Omit<Header, 'formatVersion'> = {
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
    };
    const file = seq ? fileName({ type: o.type, region: o.region, date, seq }) : '';
    await mkdir(o.outDir, { recursive: true });
    const part = join(o.outDir, seq ? `${file}.part` : `${o.type}_${o.region}_${date}.${randomUUID()}.part`);
    const out = createWriteStream(part);
    const writer = new ExchangeWriter(header, {
      async write(b) {
        if (!out.write(b)) await once(out, 'drain');
      },
    });
    for await (const rows of source.pages(trx)) for (const r of rows) await writer.record(r);
    const end = await writer.end();
    out.end();
    await once(out, 'finish');
    if (!seq) return { header, end, part };
    await publish(o.outDir, part, file, end);
    if (o.record !== false)
      await recordFile(xdb(trx), {
        direction: 'out',
        file,
        identity: { type: o.type, region: o.region, date, seq },
        header,
        digest: end.digest,
        listVersion: listVersion || null,
        peer: o.peer ?? 'province',
        status: 'written',
        at: now.toISOString(),
      });
    return { header, end, part, file };
  });
  if (!written) return undefined;
  const { header, end } = written;
  let file = written.file;
  if (!file) {
    const seq = await downFileSeq(p, o.type, {
      direction: 'out',
      file: '',
      identity: { type: o.type, region: o.region, date, seq: 0 },
      header,
      digest: end.digest,
      listVersion: header.listVersion || null,
      peer: o.peer ?? 'city',
      status: 'written',
      at: now.toISOString(),
    });
    file = fileName({ type: o.type, region: o.region, date, seq });
    await publish(o.outDir, written.part, file, end);
  }
  const path = join(o.outDir, file);
  return { file, path, header, records: end.records, bytes: end.bytes, digest: end.digest };
}

/** `.part` → the data file, then the `.ok` companion last (§6.2). */
async function publish(
  dir: string,
  part: string,
  file: string,
  end: { bytes: number; fileDigest: string },
): Promise<void> {
  await rename(part, join(dir, file));
  await writeFile(join(dir, file.replace(/\.txt$/, '.ok')), okFileContent(file, end.bytes, end.fileDigest));
}

/**
 * The seq3 of a down file: the same content (digest) on the same day keeps its name, other content takes the
 * next number of the day's counter in the file ledger (issue 13 §7: deriving it from the list position let a
 * full and a delta file, or lists 999 changes apart, share a name — and a city skips a name it has seen).
 */
async function downFileSeq(p: PlatformDb, type: ExchangeType, f: FileRecord): Promise<number> {
  return p.adapter.writeTransaction(p.db, async (trx) => {
    await p.adapter.lock(trx, 'exchange');
    const db = xdb(trx as typeof p.db);
    const { region, date } = f.identity;
    const same = await db
      .selectFrom('exchange_files')
      .select('file_seq')
      .where('direction', '=', 'out')
      .where('type', '=', type)
      .where('region', '=', region)
      .where('biz_date', '=', date)
      .where('digest', '=', f.digest)
      .executeTakeFirst();
    if (same) return same.file_seq;
    const seq = await nextFileSeq(db, 'out', type, region, date);
    if (seq > 999)
      throw new RhcError('INTERNAL', {
        detail: `more than 999 distinct ${type} files on ${date}: seq3 exhausted for the day`,
      });
    await recordFile(db, {
      ...f,
      file: fileName({ type, region, date, seq }),
      identity: { ...f.identity, seq },
    });
    return seq;
  });
}

/** Marks an exported file acknowledged by the receiver (the city's resume point). */
export async function markAcked(p: PlatformDb, file: string, at: Date): Promise<void> {
  await xdb(p.db)
    .updateTable('exchange_files')
    .set({ status: 'acked', updated_at: at.toISOString() })
    .where('direction', '=', 'out')
    .where('file_name', '=', file)
    .execute();
}
