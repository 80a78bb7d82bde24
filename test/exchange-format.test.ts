// Exchange file format v1.0: names, header, hand-built files (digest computed here with node:crypto over
// the bytes written by hand, not by the writer), writer → reader round trip, GB18030, structural refusals.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import {
  ExchangeWriter,
  fileName,
  isIssue,
  newReadResult,
  parseFileName,
  parseHeader,
  readExchange,
} from '../src/platform/exchange/format.ts';
import type { ReadResult } from '../src/platform/exchange/format.ts';
import { DuplicateTracker, validateRecord } from '../src/platform/exchange/validate.ts';
import { TYPES } from '../src/platform/exchange/layouts.ts';
import { IssuanceRequest, UpdateResidentRequest } from '../src/platform/contracts.ts';

const sm3 = (b: Buffer | string) => createHash('sm3').update(b).digest('hex').toUpperCase();

/** A hand-written HMD file: header, column line, two records, trailer over the bytes above it. */
function handFile(records: string[], o: { count?: number; digest?: string; header?: string } = {}): Buffer {
  const head = o.header ?? `H|RHCX|1.0|HMD|610100|20260601|D|5|9|${records.length}|||UTF-8`;
  const text =
    [head, 'C|op|cardNo|chipSerial|status|reasonCode|effectiveTime|appCityCode', ...records].join('\n') +
    '\n';
  return Buffer.from(`${text}T|${o.count ?? records.length}|${o.digest ?? sm3(text)}\n`, 'utf8');
}

const REC1 = 'A|11010519491231002X|A1B2C3D4E5|40|02|20260601095930|610100';
const REC2 = 'D|110105194912310029|00AA11BB22|30|01|20260601100000|610100';

async function read(buf: Buffer, chunk = 7): Promise<{ res: ReadResult; recs: Record<string, string>[] }> {
  const res = newReadResult();
  const recs: Record<string, string>[] = [];
  async function* chunks() {
    for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
  }
  for await (const r of readExchange(chunks(), res)) recs.push(r.values);
  return { res, recs };
}

describe('exchange file names', () => {
  it('builds and parses {TYPE}_{region}_{date}_{seq}.txt', () => {
    assert.equal(
      fileName({ type: 'KXX', region: '610100', date: '20260601', seq: 7 }),
      'KXX_610100_20260601_007.txt',
    );
    assert.deepEqual(parseFileName('SHMD_610000_20260601_012.txt'), {
      type: 'SHMD',
      region: '610000',
      date: '20260601',
      seq: 12,
    });
  });
  it('refuses unknown types, impossible dates and seq 000', () => {
    assert.equal(parseFileName('XYZ_610100_20260601_001.txt'), undefined);
    assert.equal(parseFileName('KXX_610100_20260230_001.txt'), undefined);
    assert.equal(parseFileName('KXX_610100_20260601_000.txt'), undefined);
    assert.equal(parseFileName('KXX_6101_20260601_001.txt'), undefined);
  });
});

describe('exchange header', () => {
  it('parses a v1.0 header', () => {
    const h = parseHeader('H|RHCX|1.0|KXX|610100|20260601|D|101|250|42|||GB18030');
    assert.ok(!isIssue(h));
    assert.equal(h.firstSeq, 101);
    assert.equal(h.lastSeq, 250);
    assert.equal(h.recordCount, 42);
    assert.equal(h.encoding, 'GB18030');
  });
  it('refuses unknown version, unknown type, a full file not starting at 1, a mode the type does not use', () => {
    const reason = (l: string) => {
      const h = parseHeader(l);
      return isIssue(h) ? h.reason : 'ok';
    };
    assert.equal(reason('H|RHCX|2.0|KXX|610100|20260601|D|1|2|0|||UTF-8'), 'UNKNOWN_FORMAT');
    assert.equal(reason('H|RHCX|1.0|ABC|610100|20260601|D|1|2|0|||UTF-8'), 'UNKNOWN_TYPE');
    assert.equal(reason('H|RHCX|1.0|KXX|610100|20260601|F|5|9|0|||UTF-8'), 'HEADER');
    assert.equal(reason('H|RHCX|1.0|BMD|610100|20260601|D|1|9|0|||UTF-8'), 'HEADER');
    assert.equal(reason('H|RHCX|1.0|KXX|610100|20260631|D|1|9|0|||UTF-8'), 'HEADER');
    assert.equal(reason('H|RHCX|1.0|KXX|610100|20260601|D|1|9|0|||UTF-16'), 'ENCODING');
  });
});

describe('exchange reader', () => {
  it('reads a hand-built file in small chunks and checks the SM3 digest', async () => {
    const { res, recs } = await read(handFile([REC1, REC2]));
    assert.deepEqual(res.fatal, []);
    assert.equal(recs.length, 2);
    assert.equal(recs[0]!.chipSerial, 'A1B2C3D4E5');
    assert.equal(recs[1]!.op, 'D');
    assert.equal(res.digest, res.trailerDigest);
  });
  it('refuses a wrong digest, a wrong count, a truncated file and data after the trailer', async () => {
    const bad = async (b: Buffer) => (await read(b)).res.fatal.map((i) => i.reason);
    assert.deepEqual(await bad(handFile([REC1, REC2], { digest: 'A'.repeat(64) })), ['DIGEST']);
    assert.deepEqual(await bad(handFile([REC1, REC2], { count: 3 })), ['COUNT']);
    const good = handFile([REC1, REC2]);
    assert.deepEqual(await bad(good.subarray(0, good.length - 40)), ['TRUNCATED']);
    const cut = good.toString('utf8').split('\n').slice(0, 3).join('\n') + '\n';
    assert.deepEqual(await bad(Buffer.from(cut)), ['TRUNCATED']);
    assert.deepEqual(await bad(Buffer.concat([good, Buffer.from(REC1 + '\n')])), ['AFTER_TRAILER']);
  });
  it('refuses a BOM, CR LF line ends and a column line of another layout', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), handFile([REC1])]);
    assert.equal((await read(bom)).res.fatal[0]!.reason, 'ENCODING');
    const crlf = Buffer.from(handFile([REC1]).toString('utf8').replace(/\n/g, '\r\n'));
    assert.equal((await read(crlf)).res.fatal[0]!.reason, 'ENCODING');
    const cols = Buffer.from(handFile([REC1]).toString('utf8').replace('C|op|cardNo', 'C|cardNo|op'));
    assert.equal((await read(cols)).res.fatal[0]!.reason, 'COLUMNS');
  });
  it('refuses invalid GB18030 byte sequences on their line instead of importing U+FFFD', async () => {
    const gbFile = (body: Buffer) => {
      const head = Buffer.from(
        'H|RHCX|1.0|CZRZ|610100|20260601|D|1|1|1|||GB18030\nC|opSerial|opTime|orgCode|operator|opType|cardNo|chipSerial|result|detail\n',
      );
      const text = Buffer.concat([
        head,
        Buffer.from('1|20260601100000|45075129-0|'),
        body,
        Buffer.from('|12|||0|\n'),
      ]);
      return Buffer.concat([text, Buffer.from(`T|1|${sm3(text)}\n`)]);
    };
    const good = await read(gbFile(iconv.encode('王堃', 'gb18030')));
    assert.deepEqual([good.res.fatal, good.res.lineIssues, good.recs[0]!.operator], [[], [], '王堃']);
    // 0x81 0x20: a lead byte without its trail; 0xFF: never a GB18030 byte; 0x95 0x34 0xB2: a cut 4-byte char
    for (const broken of [
      [0xcd, 0xf5, 0x81, 0x20],
      [0xff, 0x41],
      [0x95, 0x34, 0xb2, 0x41],
    ]) {
      const { res, recs } = await read(gbFile(Buffer.from(broken)));
      assert.deepEqual(res.fatal, []);
      assert.deepEqual(
        res.lineIssues.map((i) => [i.line, i.reason, i.code]),
        [[3, 'ENCODING', '4002']],
      );
      assert.equal(recs.length, 0, 'the line is not imported');
    }
    // a file that really carries U+FFFD decodes (the text rule then refuses the value, see validation)
    const fffd = await read(gbFile(iconv.encode('\ufffd', 'gb18030')));
    assert.deepEqual([fffd.res.lineIssues, fffd.recs[0]!.operator], [[], '\ufffd']);
  });
  it('reports a wrong field count with its line number', async () => {
    const { res } = await read(handFile([REC1, 'A|x|y']));
    assert.deepEqual(
      res.lineIssues.map((i) => [i.line, i.reason]),
      [[4, 'FIELD_COUNT']],
    );
  });
});

describe('exchange writer', () => {
  it('round-trips UTF-8 and GB18030 (characters outside GB 2312 included)', async () => {
    for (const encoding of ['UTF-8', 'GB18030'] as const) {
      const chunks: Buffer[] = [];
      const w = new ExchangeWriter(
        {
          type: 'CZRZ',
          region: '610100',
          bizDate: '20260601',
          mode: 'D',
          firstSeq: 1,
          lastSeq: 2,
          recordCount: 2,
          listVersion: '',
          baseVersion: '',
          encoding,
        },
        { write: (b) => void chunks.push(b) },
      );
      await w.record({
        opSerial: '1',
        opTime: '20260601100000',
        orgCode: '45075129-0',
        operator: '王堃',
        opType: '12',
        cardNo: '',
        chipSerial: '',
        result: '0',
        detail: '𠮷䶮 科室',
      });
      await w.record({
        opSerial: '2',
        opTime: '20260601100001',
        orgCode: '45075129-0',
        operator: 'op',
        opType: '03',
        cardNo: '',
        chipSerial: '',
        result: '1',
        detail: '',
      });
      const end = await w.end();
      const buf = Buffer.concat(chunks);
      assert.equal(end.bytes, buf.length);
      assert.equal(end.fileDigest, sm3(buf));
      if (encoding === 'GB18030') assert.ok(iconv.decode(buf, 'gb18030').includes('𠮷䶮'));
      const { res, recs } = await read(buf, 5);
      assert.deepEqual(res.fatal, []);
      assert.equal(recs[0]!.detail, '𠮷䶮 科室');
      assert.equal(recs[0]!.operator, '王堃');
    }
  });
  it('refuses a field containing | and a record count other than declared', async () => {
    const w = new ExchangeWriter(
      {
        type: 'CZRZ',
        region: '610100',
        bizDate: '20260601',
        mode: 'D',
        firstSeq: 1,
        lastSeq: 1,
        recordCount: 1,
        listVersion: '',
        baseVersion: '',
        encoding: 'UTF-8',
      },
      { write: () => undefined },
    );
    await assert.rejects(w.record({ opSerial: '1', detail: 'a|b' }), /contains \|/);
    await assert.rejects(w.end(), /declared 1 records, 0 written/);
  });
});

describe('exchange record validation', () => {
  const today = new Date('2026-06-01T00:00:00Z');
  const hmd = TYPES.HMD;
  const rec = (line: string) =>
    Object.fromEntries(hmd.fields.map((f, i) => [f.name, line.split('|')[i] ?? '']));
  it('accepts valid records', () => {
    assert.deepEqual(validateRecord(hmd, rec(REC1), 3, today), []);
  });
  it('names the reason and field: check digit, lower-case x, impossible date, unknown status, op', () => {
    const reasons = (l: string) => validateRecord(hmd, rec(l), 3, today).map((i) => `${i.reason}:${i.field}`);
    assert.deepEqual(reasons(REC1.replace('002X', '0021')), ['ID_NUMBER:cardNo']);
    assert.deepEqual(reasons(REC1.replace('002X', '002x')), ['ID_LOWERCASE_X:cardNo']);
    assert.deepEqual(reasons(REC1.replace('20260601095930', '20260230095930')), ['DATE:effectiveTime']);
    assert.deepEqual(reasons(REC1.replace('|40|', '|41|')), ['CODE:status']);
    assert.deepEqual(reasons(REC1.replace(/^A/, 'U')), ['OP:op']);
  });
  it('checks text fields by the online rule and NFC-normalises them in place', () => {
    const czrz = (detail: string, operator = '王五') => ({
      opSerial: '1',
      opTime: '20260601100000',
      orgCode: '45075129-0',
      operator,
      opType: '12',
      cardNo: '',
      chipSerial: '',
      result: '0',
      detail,
    });
    const reasons = (r: Record<string, string>) =>
      validateRecord(TYPES.CZRZ, r, 3, today).map((i) => `${i.reason}:${i.field}:${i.code}`);
    assert.deepEqual(reasons(czrz('科\u202e室')), ['TEXT:detail:1002']);
    assert.deepEqual(reasons(czrz('ok', '王\u200b五')), ['TEXT:operator:1002']);
    assert.deepEqual(reasons(czrz('\ufffd')), ['TEXT:detail:1002']);
    assert.deepEqual(reasons(czrz('a<b')), ['TEXT:detail:1002']);
    assert.match(
      validateRecord(TYPES.CZRZ, czrz('科\u202e室'), 3, today)[0]!.detail!,
      /BIDI_CONTROL, position 2/,
    );
    const r = czrz('Ame\u0301lie');
    assert.deepEqual(validateRecord(TYPES.CZRZ, r, 3, today), []);
    assert.equal(r.detail, 'Amélie');
  });
  it('finds duplicates by key with the first line', () => {
    const d = new DuplicateTracker(hmd);
    assert.equal(d.check(rec(REC1), 3), undefined);
    assert.equal(d.check(rec(REC2), 4), undefined);
    assert.match(d.check(rec(REC1), 5)!.detail!, /line 3/);
  });
});

describe('a value accepted online is always exportable', () => {
  // the online fields that go into exchange files, with the file field they become
  const FIELDS = [
    [IssuanceRequest.shape.holder.shape.name, TYPES.JMXX, 'name'],
    [UpdateResidentRequest.shape.changes.shape.address1, TYPES.JMXX, 'address1'],
    [IssuanceRequest.shape.card.shape.issuerOrgName, TYPES.KXX, 'issuerOrgName'],
    [IssuanceRequest.shape.operator, TYPES.CZRZ, 'operator'],
  ] as const;
  // every character the rule names, then a sample of every plane (lone surrogates included), then the
  // longest values the online schema takes (4-byte characters count twice there, once in the file)
  const corpus = [
    '刘|六',
    '王\n五',
    'Ame\u0301lie',
    '\ufeff赵',
    '李\u200b四',
    '\u202e张',
    '\ud842',
    '𠮷',
    '\ufffd',
    '\ue5e5',
    '<a>',
    '买买提·艾力',
  ];
  for (let cp = 0; cp <= 0x10ffff; cp += 61)
    corpus.push(
      `张${String.fromCharCode(...(cp > 0xffff ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp]))}`,
    );
  corpus.push('𠮷'.repeat(25), '王'.repeat(50), 'a'.repeat(100));
  const today = new Date('2026-06-01T00:00:00Z');

  it('passes the exchange validator and comes back unchanged from a GB18030 and a UTF-8 file', async () => {
    let accepted = 0;
    const exported: string[] = [];
    for (const [schema, spec, field] of FIELDS)
      for (const input of corpus) {
        const online = schema.safeParse(input);
        if (!online.success) continue;
        accepted++;
        const value = online.data as string;
        const rec: Record<string, string> = { [field]: value };
        const issues = validateRecord(spec, rec, 3, today).filter((i) => i.field === field);
        assert.deepEqual(
          issues,
          [],
          `${field} ${JSON.stringify(input)} accepted online, refused by the exchange`,
        );
        exported.push(value);
      }
    assert.ok(accepted > corpus.length, 'most of the sample is valid text');
    for (const encoding of ['GB18030', 'UTF-8'] as const) {
      const chunks: Buffer[] = [];
      const w = new ExchangeWriter(
        {
          type: 'CZRZ',
          region: '610100',
          bizDate: '20260601',
          mode: 'D',
          firstSeq: 1,
          lastSeq: exported.length,
          recordCount: exported.length,
          listVersion: '',
          baseVersion: '',
          encoding,
        },
        { write: (b) => void chunks.push(b) },
      );
      for (const [i, detail] of exported.entries()) await w.record({ opSerial: String(i + 1), detail });
      await w.end();
      const { res, recs } = await read(Buffer.concat(chunks), 4096);
      assert.deepEqual([res.fatal, res.lineIssues], [[], []]);
      assert.deepEqual(
        recs.map((r) => r.detail),
        exported,
        `${encoding}: every accepted value comes back as sent`,
      );
    }
  });
});
