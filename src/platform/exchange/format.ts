// The exchange file format v1.0 (docs/exchange-format.md): names, header, column line, records, trailer,
// `.ok` companion; a streaming writer and a streaming reader (constant memory: one line at a time, the
// digest is computed incrementally). The reader checks STRUCTURE; record semantics are in validate.ts.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import iconv from 'iconv-lite';
import { isWireDate } from '../domain/format.ts';
import { issue } from './issues.ts';
import type { Issue } from './issues.ts';
import { TYPES, isExchangeType } from './layouts.ts';
import type { ExchangeType, TypeSpec } from './layouts.ts';

export const FORMAT_ID = 'RHCX';
export const FORMAT_VERSION = '1.0';
export const SUPPORTED_VERSIONS: readonly string[] = [FORMAT_VERSION];
export const ENCODINGS = ['UTF-8', 'GB18030'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const LF = 0x0a;
const CR = 0x0d;

// ---------- names ----------

export interface FileIdentity {
  type: ExchangeType;
  region: string;
  date: string;
  seq: number;
}

const NAME_RE = /^([A-Z]{3,4})_(\d{6})_(\d{8})_(\d{3})\.txt$/;

export function fileName(id: FileIdentity): string {
  if (id.seq < 1 || id.seq > 999) throw new RangeError(`file sequence ${id.seq} outside 001–999`);
  return `${id.type}_${id.region}_${id.date}_${String(id.seq).padStart(3, '0')}.txt`;
}

/** Parses `{TYPE}_{region6}_{yyyyMMdd}_{seq3}.txt`; undefined when the name does not follow the rule. */
export function parseFileName(name: string): FileIdentity | undefined {
  const m = NAME_RE.exec(name);
  if (!m || !isExchangeType(m[1]!) || !isWireDate(m[3]!) || m[4] === '000') return undefined;
  return { type: m[1], region: m[2]!, date: m[3]!, seq: Number(m[4]) };
}

// ---------- header ----------

export interface Header {
  type: ExchangeType;
  region: string;
  /** Business date the file covers (yyyyMMdd). */
  bizDate: string;
  mode: 'F' | 'D';
  /** Source sequence range covered: (firstSeq − 1, lastSeq]. A full file has firstSeq 1. */
  firstSeq: number;
  lastSeq: number;
  recordCount: number;
  /** List version the file brings the receiver to (down files); empty for up files. */
  listVersion: string;
  /** List version a delta applies on (down files); empty otherwise. */
  baseVersion: string;
  encoding: Encoding;
  formatVersion: string;
}

const HEADER_FIELDS = 13;

export function headerLine(h: Omit<Header, 'formatVersion'>): string {
  return [
    'H',
    FORMAT_ID,
    FORMAT_VERSION,
    h.type,
    h.region,
    h.bizDate,
    h.mode,
    h.firstSeq,
    h.lastSeq,
    h.recordCount,
    h.listVersion,
    h.baseVersion,
    h.encoding,
  ].join('|');
}

export function columnLine(t: TypeSpec): string {
  return ['C', ...t.fields.map((x) => x.name)].join('|');
}

const SEQ_RE = /^(0|[1-9]\d{0,14})$/;
const VERSION_RE = /^(\d{8}\.\d{4,})?$/; // nnnn grows past 9999 on a bulk day (5.3 says 4 digits)

/** Parses and checks a header line; returns the header or the issue refusing the file. */
export function parseHeader(line: string): Header | Issue {
  const p = line.split('|');
  if (p[0] !== 'H') return issue(1, 'HEADER', undefined, 'first line must start with H|');
  if (p[1] !== FORMAT_ID) return issue(1, 'UNKNOWN_FORMAT', 'formatId', `expected ${FORMAT_ID}`);
  if (!SUPPORTED_VERSIONS.includes(p[2] ?? ''))
    return issue(1, 'UNKNOWN_FORMAT', 'formatVersion', `supported: ${SUPPORTED_VERSIONS.join(', ')}`);
  if (p.length !== HEADER_FIELDS)
    return issue(1, 'HEADER', undefined, `${HEADER_FIELDS} fields expected, got ${p.length}`);
  const [, , version, type, region, bizDate, mode, first, last, count, listVersion, baseVersion, encoding] =
    p as string[];
  if (!isExchangeType(type!)) return issue(1, 'UNKNOWN_TYPE', 'type');
  const spec = TYPES[type];
  if (!/^\d{6}$/.test(region!)) return issue(1, 'HEADER', 'region');
  if (!isWireDate(bizDate!)) return issue(1, 'HEADER', 'bizDate');
  if (mode !== 'F' && mode !== 'D') return issue(1, 'HEADER', 'mode');
  if (!spec.modes.includes(mode))
    return issue(1, 'HEADER', 'mode', `${type} files use mode ${spec.modes.join('/')}`);
  if (!SEQ_RE.test(first!) || !SEQ_RE.test(last!) || !SEQ_RE.test(count!))
    return issue(1, 'HEADER', 'firstSeq/lastSeq/recordCount');
  const firstSeq = Number(first);
  const lastSeq = Number(last);
  if (firstSeq < 1 || lastSeq < firstSeq - 1)
    return issue(1, 'HEADER', 'lastSeq', 'need 1 ≤ firstSeq ≤ lastSeq + 1');
  if (mode === 'F' && firstSeq !== 1)
    return issue(1, 'HEADER', 'firstSeq', 'a full file covers the whole history (firstSeq 1)');
  if (!VERSION_RE.test(listVersion!) || !VERSION_RE.test(baseVersion!))
    return issue(1, 'HEADER', 'listVersion');
  if (!(ENCODINGS as readonly string[]).includes(encoding!))
    return issue(1, 'ENCODING', 'encoding', `declared ${encoding}`);
  return {
    type,
    region: region!,
    bizDate: bizDate!,
    mode,
    firstSeq,
    lastSeq,
    recordCount: Number(count),
    listVersion: listVersion!,
    baseVersion: baseVersion!,
    encoding: encoding as Encoding,
    formatVersion: version!,
  };
}

export function isIssue(x: unknown): x is Issue {
  return typeof x === 'object' && x !== null && 'reason' in x && 'line' in x;
}

// ---------- writer ----------

/** A field value for the file: `|`, CR and LF cannot be represented and are refused (never silently cut). */
function cell(v: string | null | undefined, field: string): string {
  const s = v ?? '';
  if (/[|\r\n]/.test(s)) throw new Error(`exchange: field ${field} contains | CR or LF`);
  return s;
}

export interface Sink {
  write(chunk: Buffer): Promise<void> | void;
}

/**
 * Streaming writer: header and column line first (the record count is declared up front, so the caller
 * counts before it writes), then one record per `record()`, then `end()` writes the trailer. The SM3
 * digest and the whole-file digest (for `.ok`) are computed as bytes go out.
 */
export class ExchangeWriter {
  private readonly body: Hash = createHash('sm3');
  private readonly whole: Hash = createHash('sm3');
  private readonly spec: TypeSpec;
  private readonly header: Omit<Header, 'formatVersion'>;
  private readonly sink: Sink;
  private written = 0;
  private bytes = 0;
  private buf: string[] = [];
  private bufLen = 0;

  constructor(header: Omit<Header, 'formatVersion'>, sink: Sink) {
    this.header = header;
    this.spec = TYPES[header.type];
    this.sink = sink;
    this.buf.push(headerLine(header), columnLine(this.spec));
  }

  /** Adds one record (values in layout order or by field name). */
  async record(values: Record<string, string | null | undefined>): Promise<void> {
    const line = this.spec.fields.map((fs) => cell(values[fs.name], fs.name)).join('|');
    this.buf.push(line);
    this.bufLen += line.length;
    this.written++;
    if (this.bufLen > 256 * 1024) await this.flushLines();
  }

  private encode(text: string): Buffer {
    return this.header.encoding === 'GB18030' ? iconv.encode(text, 'gb18030') : Buffer.from(text, 'utf8');
  }

  private async flushLines(): Promise<void> {
    if (this.buf.length === 0) return;
    const bytes = this.encode(this.buf.join('\n') + '\n');
    this.buf = [];
    this.bufLen = 0;
    this.body.update(bytes);
    this.whole.update(bytes);
    this.bytes += bytes.length;
    await this.sink.write(bytes);
  }

  /** Writes the trailer; returns the digests and size for the `.ok` companion. */
  async end(): Promise<{ records: number; bytes: number; digest: string; fileDigest: string }> {
    if (this.written !== this.header.recordCount)
      throw new Error(
        `exchange: header declared ${this.header.recordCount} records, ${this.written} written`,
      );
    await this.flushLines();
    const digest = this.body.digest('hex').toUpperCase();
    const trailer = this.encode(`T|${this.written}|${digest}\n`);
    this.whole.update(trailer);
    this.bytes += trailer.length;
    await this.sink.write(trailer);
    return {
      records: this.written,
      bytes: this.bytes,
      digest,
      fileDigest: this.whole.digest('hex').toUpperCase(),
    };
  }
}

export function okFileContent(dataFileName: string, bytes: number, fileDigest: string): string {
  return `${dataFileName}|${bytes}|${fileDigest}\n`;
}

export function parseOkFile(text: string): { name: string; bytes: number; digest: string } | undefined {
  const m = /^([^|]+)\|(\d+)\|([0-9A-Fa-f]{64})\n?$/.exec(text);
  return m ? { name: m[1]!, bytes: Number(m[2]), digest: m[3]!.toUpperCase() } : undefined;
}

// ---------- reader ----------

export interface ParsedRecord {
  line: number;
  values: Record<string, string>;
}

export interface ReadResult {
  header?: Header;
  /** Structural issues (fatal for the file). Line-level format issues are in `lineIssues`. */
  fatal: Issue[];
  lineIssues: Issue[];
  records: number;
  bytes: number;
  /** SM3 of every byte before the trailer (upper-case hex) and the trailer's claim. */
  digest?: string;
  trailerDigest?: string;
  fileDigest?: string;
}

export interface ReadOptions {
  /** Stop collecting line issues after this many (the count still grows). */
  maxIssues?: number;
}

/**
 * Streams a file: yields each body record (field-count checked, decoded) with its line number; structural
 * problems end up in `result.fatal`, which the caller inspects after the iteration ends. Never throws on
 * bad input.
 */
export async function* readExchange(
  src: AsyncIterable<Buffer | string>,
  result: ReadResult,
  o: ReadOptions = {},
): AsyncGenerator<ParsedRecord> {
  for await (const batch of readExchangeBatches(src, result, o)) yield* batch;
}

/** As readExchange, but yields the records of each input chunk together (less per-record overhead). */
export async function* readExchangeBatches(
  src: AsyncIterable<Buffer | string>,
  result: ReadResult,
  o: ReadOptions = {},
): AsyncGenerator<ParsedRecord[]> {
  const maxIssues = o.maxIssues ?? 1000;
  const body = createHash('sm3');
  const whole = createHash('sm3');
  let pending: Buffer | undefined;
  let lineNo = 0;
  let spec: TypeSpec | undefined;
  let decode: (b: Buffer) => string | undefined = () => undefined;
  let trailerSeen = false;
  let stop = false;
  // bytes before the trailer are hashed per chunk, not per line
  let hashing = true;
  const names: string[] = [];
  const addLineIssue = (i: Issue) => {
    if (result.lineIssues.length < maxIssues) result.lineIssues.push(i);
  };

  const handle = (raw: Buffer): ParsedRecord | undefined => {
    lineNo++;
    if (trailerSeen) {
      result.fatal.push(issue(lineNo, 'AFTER_TRAILER'));
      stop = true;
      return undefined;
    }
    const isTrailer = raw.length > 1 && raw[0] === 0x54 && raw[1] === 0x7c; // "T|"
    if (isTrailer) hashing = false;
    if (raw.length > 0 && raw[raw.length - 1] === CR) {
      if (lineNo <= 2 || isTrailer) {
        result.fatal.push(issue(lineNo, 'ENCODING', undefined, 'CR LF line ends: use LF only'));
        stop = true;
      } else {
        result.records++;
        addLineIssue(issue(lineNo, 'BAD_CHAR', undefined, 'CR LF line ends: use LF only'));
      }
      return undefined;
    }
    if (lineNo === 1) {
      if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
        result.fatal.push(issue(1, 'ENCODING', undefined, 'byte-order mark not allowed'));
        stop = true;
        return undefined;
      }
      const h = parseHeader(raw.toString('latin1'));
      if (isIssue(h)) {
        result.fatal.push(h);
        stop = true;
        return undefined;
      }
      result.header = h;
      spec = TYPES[h.type];
      if (h.encoding === 'GB18030') decode = decodeGb18030;
      else {
        const td = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
        decode = (b) => {
          try {
            return td.decode(b);
          } catch {
            return undefined;
          }
        };
      }
      return undefined;
    }
    const text = decode(raw);
    if (text === undefined) {
      if (lineNo === 2 || isTrailer) {
        result.fatal.push(issue(lineNo, 'ENCODING'));
        stop = true;
      } else {
        result.records++; // a record line all the same: the counts still agree, the line is refused
        addLineIssue(issue(lineNo, 'ENCODING', undefined, `not valid ${result.header!.encoding}`));
      }
      return undefined;
    }
    if (lineNo === 2) {
      const want = columnLine(spec!);
      if (text !== want) {
        result.fatal.push(issue(2, 'COLUMNS', undefined, `expected "${want}"`));
        stop = true;
      } else names.push(...spec!.fields.map((x) => x.name));
      return undefined;
    }
    if (isTrailer) {
      trailerSeen = true;
      const m = /^T\|(0|[1-9]\d{0,14})\|([0-9A-Fa-f]{64})$/.exec(text);
      if (!m) {
        result.fatal.push(issue(lineNo, 'TRUNCATED', undefined, 'malformed trailer'));
        stop = true;
        return undefined;
      }
      result.trailerDigest = m[2]!.toUpperCase();
      const n = Number(m[1]);
      if (n !== result.records || n !== result.header!.recordCount)
        result.fatal.push(
          issue(
            lineNo,
            'COUNT',
            undefined,
            `header ${result.header!.recordCount}, trailer ${n}, lines ${result.records}`,
          ),
        );
      return undefined;
    }
    result.records++;
    const parts = text.split('|');
    if (parts.length !== names.length) {
      addLineIssue(issue(lineNo, 'FIELD_COUNT', undefined, `${names.length} expected, got ${parts.length}`));
      return undefined;
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) values[names[i]!] = parts[i]!;
    return { line: lineNo, values };
  };

  for await (const chunk of src) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    whole.update(buf);
    result.bytes += buf.length;
    if (stop) continue; // keep hashing the whole file for the .ok check, ignore content
    const data = pending ? Buffer.concat([pending, buf]) : buf;
    pending = undefined;
    let start = 0;
    let hashFrom = 0;
    const out: ParsedRecord[] = [];
    for (;;) {
      const nl = data.indexOf(LF, start);
      if (nl < 0) break;
      const wasHashing = hashing;
      const rec = handle(data.subarray(start, nl));
      if (wasHashing && !hashing) body.update(data.subarray(hashFrom, start));
      start = nl + 1;
      if (rec) out.push(rec);
      if (stop) break;
    }
    if (hashing) body.update(data.subarray(hashFrom, start));
    hashFrom = start;
    if (!stop && start < data.length) pending = Buffer.from(data.subarray(start));
    if (out.length) yield out;
  }
  result.fileDigest = whole.digest('hex').toUpperCase();
  if (stop) return;
  if (pending && pending.length > 0) {
    // an unterminated last line: the file was cut (or the writer did not finish)
    result.fatal.push(issue(lineNo + 1, 'TRUNCATED', undefined, 'last line has no LF'));
    return;
  }
  if (!result.header) {
    result.fatal.push(issue(1, 'TRUNCATED', undefined, 'empty file'));
    return;
  }
  if (!trailerSeen) {
    result.fatal.push(issue(lineNo, 'TRUNCATED'));
    return;
  }
  result.digest = body.digest('hex').toUpperCase();
  if (result.digest !== result.trailerDigest) result.fatal.push(issue(lineNo, 'DIGEST'));
}

/**
 * Strict GB18030: iconv-lite puts U+FFFD where a byte sequence is invalid; a line whose text has one is
 * valid only if it encodes back to the same bytes (the file really carried U+FFFD, 84 31 A4 37).
 */
function decodeGb18030(b: Buffer): string | undefined {
  const text = iconv.decode(b, 'gb18030');
  if (!text.includes('\ufffd')) return text;
  return iconv.encode(text, 'gb18030').equals(b) ? text : undefined;
}

export function newReadResult(): ReadResult {
  return { fatal: [], lineIssues: [], records: 0, bytes: 0 };
}
