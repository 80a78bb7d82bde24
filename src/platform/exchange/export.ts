// Writing exchange files from a database: the five up files of a city (KXX, JMXX, HMD, BMD, CZRZ) and the
// two down files of the province (SHMD, SBMD). Streaming by keyset pages (constant memory), one read
// transaction per file so the declared record count and the records agree; the data file is written as
// `.part`, renamed, then the `.ok` companion is written last (§6.2).
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../base/runtime.ts';
import { toWireDate, toWireTime } from '../domain/format.ts';
import { CARD_STATUS, OP_TYPES } from '../domain/lifecycle.ts';
import { regionPrefix } from '../domain/institutions.ts';
import type { PlatformDb } from '../storage/db.ts';
import type { Database } from '../storage/schema.ts';
import { ExchangeWriter, fileName, okFileContent } from './format.ts';
import type { Encoding, Header } from './format.ts';
import { TYPES } from './layouts.ts';
import type { ExchangeType } from './layouts.ts';
import { lastSeq, nextFileSeq, xdb } from './ledger.ts';

type Db = Kysely<Database> | Transaction<Database>;
type Row = Record<string, string | null | undefined>;

const PAGE = 5000;
const NUMERIC_OPS = Object.keys(OP_TYPES).filter((k) => /^\d\d$/.test(k));

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
}

interface Source {
  count(db: Db): Promise<number>;
  pages(db: Db): AsyncGenerator<Row[]>;
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

/** Highest card/resident id the operations log mentions up to sequence `since` (0 when since = 0). */
const loggedCache = new WeakMap<object, Map<string, number>>();
async function maxLoggedId(db: Db, col: 'card_id' | 'resident_id', since: number): Promise<number> {
  if (since <= 0) return 0;
  const cache = loggedCache.get(db) ?? new Map<string, number>();
  loggedCache.set(db, cache);
  const hit = cache.get(`${col}:${since}`);
  if (hit !== undefined) return hit;
  const r = await db
    .selectFrom('card_operations')
    .select((eb) => eb.fn.max(col).as('m'))
    .where('id', '<=', since)
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Keyset pagination over an integer key. */
async function* keyset<T extends { k: number }>(fetch: (after: number) => Promise<T[]>): AsyncGenerator<T[]> {
  let after = 0;
  for (;;) {
    const rows = await fetch(after);
    if (rows.length === 0) return;
    yield rows;
    after = Number(rows[rows.length - 1]!.k);
    if (rows.length < PAGE) return;
  }
}

function cardsSource(mode: 'F' | 'D', since: number, head: number, prefix: string): Source {
  const touched = (db: Db) =>
    db
      .selectFrom('card_operations')
      .select('card_id')
      .where('id', '>', since)
      .where('id', '<=', head)
      .where('card_id', 'is not', null)
      .where('op_type', '<>', '12');
  const base = (db: Db) => {
    let q = db
      .selectFrom('cards as c')
      .innerJoin('residents as r', 'r.id', 'c.resident_id')
      .where('c.app_city_code', 'like', `${prefix}%`);
    if (mode === 'D') q = q.where('c.id', 'in', touched(db) as never);
    return q;
  };
  return {
    async count(db) {
      const r = await base(db)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async *pages(db) {
      for await (const rows of keyset((after) =>
        base(db)
          .select([
            'c.id as k',
            'c.card_no',
            'c.chip_serial',
            'c.card_factor',
            'c.security_code',
            'c.card_type',
            'c.spec_version',
            'c.issuer_org_code',
            'c.issuer_org_name',
            'c.issue_date',
            'c.valid_until',
            'c.app_city_code',
            'c.card_form',
            'c.status',
            'c.status_time',
            'r.id_type',
            'r.id_no',
            'r.main_index',
          ])
          .where('c.id', '>', after)
          .orderBy('c.id')
          .limit(PAGE)
          .execute(),
      )) {
        // A = the card was created in this range (or a full file), U = it existed before: rows are created
        // in id order and each creation is logged, so "known before" = id ≤ the highest id logged by `since`
        const knownUpTo = await maxLoggedId(db, 'card_id', since);
        yield rows.map((c) => ({
          op: mode === 'F' || c.k > knownUpTo ? 'A' : 'U',
          cardNo: c.card_no,
          chipSerial: c.chip_serial,
          cardFactor: c.card_factor,
          securityCode: c.security_code,
          cardType: c.card_type,
          specVersion: c.spec_version,
          issuerOrgCode: c.issuer_org_code,
          issuerOrgName: c.issuer_org_name,
          issueDate: c.issue_date,
          validUntil: c.valid_until,
          appCityCode: c.app_city_code,
          cardForm: c.card_form,
          status: c.status,
          statusTime: c.status_time,
          idType: c.id_type,
          idNo: c.id_no,
          mainIndex: c.main_index,
        }));
      }
    },
  };
}

function residentsSource(mode: 'F' | 'D', since: number, head: number): Source {
  const touched = (db: Db) =>
    db
      .selectFrom('card_operations')
      .select('resident_id')
      .where('id', '>', since)
      .where('id', '<=', head)
      .where('resident_id', 'is not', null)
      .where('op_type', '<>', '12');
  const base = (db: Db) => {
    let q = db.selectFrom('residents');
    if (mode === 'D') q = q.where('id', 'in', touched(db) as never);
    return q;
  };
  return {
    async count(db) {
      const r = await base(db)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async *pages(db) {
      for await (const rows of keyset((after) =>
        base(db).selectAll().select('id as k').where('id', '>', after).orderBy('id').limit(PAGE).execute(),
      )) {
        const knownUpTo = await maxLoggedId(db, 'resident_id', since);
        yield rows.map((r) => ({
          op: mode === 'F' || r.k > knownUpTo ? 'A' : 'U',
          mainIndex: r.main_index,
          healthRecordNo: r.health_record_no,
          name: r.name,
          sex: r.sex,
          nation: r.nation,
          birthDate: r.birth_date,
          idType: r.id_type,
          idNo: r.id_no,
          phone1: r.phone1,
          address1Type: r.address1_type,
          address1: r.address1,
          address2Type: r.address2_type,
          address2: r.address2,
          ncmsNo: r.ncms_no,
          updateTime: toWireTime(new Date(r.updated_at)),
        }));
      }
    },
  };
}

/** List changes in (since, head], the LAST change per card only (a file holds one line per card). */
function listDeltaSource(
  list: 'B' | 'W',
  since: number,
  head: number,
  collapse: boolean,
  prefix = '',
): Source {
  const base = (db: Db) => {
    let q = db
      .selectFrom('list_changes')
      .where('list_type', '=', list)
      .where('seq', '>', since)
      .where('seq', '<=', head)
      // a city's list also holds other cities' cards pulled from the province: only its own go up
      .where('app_city_code', 'like', `${prefix}%`);
    if (collapse)
      q = q.where(
        'seq',
        'in',
        db
          .selectFrom('list_changes')
          .select((eb) => eb.fn.max('seq').as('m'))
          .where('list_type', '=', list)
          .where('seq', '>', since)
          .where('seq', '<=', head)
          .groupBy(['card_no', 'chip_serial']) as never,
      );
    return q;
  };
  return {
    async count(db) {
      const r = await base(db)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async *pages(db) {
      for await (const rows of keyset((after) =>
        base(db).selectAll().select('seq as k').where('seq', '>', after).orderBy('seq').limit(PAGE).execute(),
      ))
        yield rows.map((r) => ({
          op: r.op,
          cardNo: r.card_no,
          chipSerial: r.chip_serial,
          status: r.status,
          reasonCode: r.reason_code,
          effectiveTime: r.effective_time,
          appCityCode: r.app_city_code,
        }));
    },
  };
}

/** Current members of a list (cards in the list's statuses), optionally of one region prefix. */
function listFullSource(
  list: 'B' | 'W',
  prefix: string,
  shape: 'list' | 'white',
  maxCardId?: number,
): Source {
  const statuses = Object.keys(CARD_STATUS).filter((s) => CARD_STATUS[s]!.lists.includes(list));
  const base = (db: Db) => {
    const q = db
      .selectFrom('cards')
      .where('status', 'in', statuses)
      .where('app_city_code', 'like', `${prefix}%`);
    return maxCardId === undefined ? q : q.where('id', '<=', maxCardId);
  };
  return {
    async count(db) {
      const r = await base(db)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async *pages(db) {
      for await (const rows of keyset((after) =>
        base(db)
          .select([
            'id as k',
            'card_no',
            'chip_serial',
            'status',
            'status_reason',
            'status_time',
            'app_city_code',
            'issuer_org_code',
            'valid_until',
          ])
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute(),
      ))
        yield rows.map((r) =>
          shape === 'white'
            ? {
                cardNo: r.card_no,
                chipSerial: r.chip_serial,
                issuerOrgCode: r.issuer_org_code,
                appCityCode: r.app_city_code,
                validUntil: r.valid_until,
              }
            : {
                op: 'A',
                cardNo: r.card_no,
                chipSerial: r.chip_serial,
                status: r.status,
                reasonCode: r.status_reason,
                effectiveTime: r.status_time,
                appCityCode: r.app_city_code,
              },
        );
    },
  };
}

function oplogSource(since: number, head: number): Source {
  const base = (db: Db) =>
    db
      .selectFrom('card_operations as o')
      .leftJoin('cards as c', 'c.id', 'o.card_id')
      .where('o.id', '>', since)
      .where('o.id', '<=', head)
      .where('o.op_type', 'in', NUMERIC_OPS);
  return {
    async count(db) {
      const r = await base(db)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async *pages(db) {
      for await (const rows of keyset((after) =>
        base(db)
          .select([
            'o.id as k',
            'o.op_time',
            'o.org_code',
            'o.operator',
            'o.op_type',
            'c.card_no',
            'c.chip_serial',
            'o.detail',
          ])
          .where('o.id', '>', after)
          .orderBy('o.id')
          .limit(PAGE)
          .execute(),
      ))
        yield rows.map((r) => ({
          opSerial: String(r.k),
          opTime: r.op_time,
          orgCode: r.org_code,
          operator: r.operator,
          opType: r.op_type,
          cardNo: r.card_no,
          chipSerial: r.chip_serial,
          result: '0',
          detail: r.detail,
        }));
    },
  };
}

async function listSeqOf(db: Db, list: 'B' | 'W', version: string): Promise<number | undefined> {
  const r = await db
    .selectFrom('list_changes')
    .select('seq')
    .where('list_type', '=', list)
    .where('version', '=', version)
    .executeTakeFirst();
  return r ? Number(r.seq) : undefined;
}

async function listHead(db: Db, list: 'B' | 'W'): Promise<{ seq: number; version: string }> {
  const r = await db
    .selectFrom('list_changes')
    .select(['seq', 'version'])
    .where('list_type', '=', list)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? { seq: Number(r.seq), version: r.version } : { seq: 0, version: '' };
}

/** Writes one file; returns undefined when a delta would cover nothing new. */
export async function exportFile(p: PlatformDb, o: ExportOptions): Promise<ExportResult | undefined> {
  const spec = TYPES[o.type];
  const now = o.clock.now();
  const date = toWireDate(now);
  return p.db.transaction().execute(async (trx) => {
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
      const prefix = regionPrefix(o.region);
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
      const h = await listHead(trx, list);
      listVersion = h.version;
      const baseSeq = o.sinceVersion ? await listSeqOf(trx, list, o.sinceVersion) : undefined;
      if (mode === 'D' && baseSeq === undefined) mode = 'F';
      if (mode === 'D') {
        since = baseSeq!;
        baseVersion = o.sinceVersion!;
        source = listDeltaSource(list, since, head, false);
      } else source = listFullSource(list, '', 'list');
    }
    const recordCount = await source.count(trx);
    const seq =
      spec.direction === 'up' ? await nextFileSeq(xdb(trx), 'out', o.type, o.region, date) : (head % 999) + 1;
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
    const file = fileName({ type: o.type, region: o.region, date, seq });
    await mkdir(o.outDir, { recursive: true });
    const path = join(o.outDir, file);
    const out = createWriteStream(`${path}.part`);
    const writer = new ExchangeWriter(header, {
      async write(b) {
        if (!out.write(b)) await once(out, 'drain');
      },
    });
    for await (const rows of source.pages(trx)) for (const r of rows) await writer.record(r);
    const end = await writer.end();
    out.end();
    await once(out, 'finish');
    await rename(`${path}.part`, path);
    await writeFile(
      join(o.outDir, file.replace(/\.txt$/, '.ok')),
      okFileContent(file, end.bytes, end.fileDigest),
    );
    if (o.record !== false) {
      const at = now.toISOString();
      await xdb(trx)
        .insertInto('exchange_files')
        .values({
          direction: 'out',
          file_name: file,
          type: o.type,
          region: o.region,
          biz_date: date,
          file_seq: seq,
          mode,
          first_seq: header.firstSeq,
          last_seq: head,
          record_count: recordCount,
          digest: end.digest,
          list_version: listVersion || null,
          peer: o.peer ?? (spec.direction === 'up' ? 'province' : 'city'),
          status: 'written',
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    return { file, path, header, records: end.records, bytes: end.bytes, digest: end.digest };
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
