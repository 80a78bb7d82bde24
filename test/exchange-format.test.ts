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
  it('finds duplicates by key with the first line', () => {
    const d = new DuplicateTracker(hmd);
    assert.equal(d.check(rec(REC1), 3), undefined);
    assert.equal(d.check(rec(REC2), 4), undefined);
    assert.match(d.check(rec(REC1), 5)!.detail!, /line 3/);
  });
});
