// Unit tests of the harness's own logic (fast): hostile-answer classification, schema samples, RSS growth,
// visit histories and the `--out DIR` file writer (GB18030, valid ID numbers, every card state).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { generateFiles } from '../../src/platform/seed/gen-files.ts';
import { classify, soapOperations } from './hostile.ts';
import type { HostileCase } from './hostile.ts';
import { sampleOf, stringLeaves, withValue } from './hostile-values.ts';
import { RssSampler } from './rss.ts';
import { visitsOf } from '../../src/platform/seed/visits.ts';
import type { SyntheticCard } from '../../src/platform/seed/synthetic.ts';

const kase = (binding: HostileCase['binding'], mustRefuse = true): HostileCase => ({
  binding,
  endpoint: 'x',
  kind: 'k',
  method: 'POST',
  path: '/x',
  headers: {},
  mustRefuse,
});

describe('hostile answer classification', () => {
  it('a REST problem with a catalogue code is a refusal; 5xx, 9001 and uncoded answers fail', () => {
    assert.equal(classify(kase('rest'), 400, '{"code":"1002","field":"cardNo"}').outcome, 'refused');
    assert.equal(classify(kase('rest'), 500, '{"code":"9001"}').outcome, 'failed');
    assert.equal(classify(kase('rest'), 400, '{"code":"9001"}').outcome, 'failed');
    assert.equal(classify(kase('rest'), 400, 'Bad Request').outcome, 'failed');
    assert.equal(classify(kase('rest'), 400, '{"code":"7777"}').outcome, 'failed');
  });
  it('success is accepted only where the case allows it', () => {
    assert.equal(classify(kase('rest', false), 200, '{}').outcome, 'accepted');
    assert.equal(classify(kase('rest', true), 200, '{}').outcome, 'failed');
  });
  it('SOAP: Client fault with a code refuses; Server fault fails; invoke carries its code inside <return>', () => {
    const fault = (fc: string, code: string) =>
      `<soap:Envelope><soap:Body><soap:Fault><faultcode>${fc}</faultcode><detail><tns:RhcFault><tns:code>${code}</tns:code></tns:RhcFault></detail></soap:Fault></soap:Body></soap:Envelope>`;
    assert.equal(classify(kase('soap'), 500, fault('soap:Client', '1010')).outcome, 'refused');
    assert.equal(classify(kase('soap'), 500, fault('soap:Server', '9001')).outcome, 'failed');
    const invoke =
      '<soap:Envelope><soap:Body><tns:invokeResponse><tns:return>&lt;response&gt;&lt;resultCode&gt;1010&lt;/resultCode&gt;</tns:return></tns:invokeResponse></soap:Body></soap:Envelope>';
    assert.deepEqual(
      [classify(kase('soap'), 200, invoke).outcome, classify(kase('soap'), 200, invoke).code],
      ['refused', '1010'],
    );
  });
  it('an answer leaking /etc/passwd fails whatever its status', () => {
    assert.equal(classify(kase('rest'), 400, '{"code":"1002","d":"root:x:0:0:root"}').outcome, 'failed');
  });
  it('gateway: HTTP 200 with result_code ≠ 0000 is a refusal', () => {
    assert.equal(
      classify(kase('gateway'), 200, '{"result_code":"1007","result":"failure"}').outcome,
      'refused',
    );
    assert.equal(classify(kase('gateway'), 200, '{"result_code":"0000"}').outcome, 'failed');
  });
  it('WSDL operations are listed once each', () => {
    const w =
      '<wsdl:operation name="VerifyCard"/><wsdl:operation name="invoke"/><wsdl:operation name="VerifyCard">';
    assert.deepEqual(soapOperations(w), ['VerifyCard', 'invoke']);
  });
});

describe('schema samples', () => {
  it('fills every property with a value matching its pattern, enum or length', () => {
    const s = sampleOf({
      type: 'object',
      properties: {
        date: { type: 'string', pattern: '^\\d{8}$' },
        factor: { type: 'string', pattern: '^[0-9A-Fa-f]{16}$' },
        sex: { type: 'string', enum: ['1', '2'] },
        rows: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
      },
    }) as Record<string, unknown>;
    assert.match(s.date as string, /^\d{8}$/);
    assert.match(s.factor as string, /^[0-9A-Fa-f]{16}$/);
    assert.equal(s.sex, '1');
    assert.deepEqual(s.rows, [{ n: 1 }]);
    assert.deepEqual(stringLeaves(s), [['date'], ['factor'], ['sex']]);
    assert.equal((withValue(s, ['factor'], 'X') as Record<string, unknown>).factor, 'X');
  });
});

describe('RSS growth', () => {
  it('compares medians of the first and last fifth', () => {
    const r = new RssSampler(process.pid);
    for (const b of [100, 100, 300, 100, 100, 110, 110, 110, 110, 110]) r.samples.push({ atMs: 0, bytes: b });
    const g = r.growth(0.2);
    assert.equal(g.start, 100);
    assert.equal(g.end, 110);
    assert.ok(Math.abs(g.ratio - 0.1) < 1e-9);
    assert.equal(r.peak, 300);
  });
});

const STEPS = ['010101', '010102', '010103', '010104', '010105', '010106', '010107']; // §10.7

describe('visit histories', () => {
  const card = (status: string): SyntheticCard => ({
    id: 7,
    card_no: '610102199001011231',
    chip_serial: 'A1B2C3D4E5',
    resident_id: 1,
    security_code: '123',
    card_type: '1',
    spec_version: '0100',
    issuer_org_code: '6101000000000000000001',
    issuer_org_name: 'x',
    issue_date: '20200101',
    valid_until: '20300101',
    app_city_code: '610100',
    card_form: '1',
    status,
    status_reason: null,
    status_time: '20200101090000',
  });
  it('gives an active card ~3 visits a year of spec steps after issuance, deterministically', () => {
    const v = [...visitsOf(card('30'), '20260101', 3)];
    const again = [...visitsOf(card('30'), '20260101', 3)];
    assert.deepEqual(v, again);
    const registrations = v.filter((x) => x.med_step_code === '010101').length;
    assert.ok(registrations >= 15 && registrations <= 21, `${registrations} visits in 6 years`);
    for (const x of v) {
      assert.ok(STEPS.includes(x.med_step_code));
      assert.match(x.dept_code, /^\d{4}$/);
      assert.ok(x.use_time >= '20200101000000' && x.use_time < '20260101000000');
      assert.ok(x.org_code.startsWith('6101'));
    }
    const times = v.map((x) => x.use_time);
    assert.deepEqual(times, [...times].sort());
  });
  it('gives cards never handed out no visits', () => {
    for (const s of ['01', '02', '10', '20']) assert.equal([...visitsOf(card(s), '20260101')].length, 0);
  });
});

// GB 11643-1999 check character, from the spec table (§10.8): weights 2^(17-i) mod 11, map 10X98765432
function gb11643Valid(id: string): boolean {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((s, wi, i) => s + wi * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

describe('rhc gen --out DIR (gen-files)', () => {
  it('writes GB18030 residents/cards/visits with valid ID numbers, every card state, names beyond GB 2312', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhc-genfiles-'));
    try {
      const r = await generateFiles(600, {
        outDir: dir,
        encoding: 'gb18030',
        seed: 3,
        visitsUntil: '20260101',
      });
      const read = (f: string) =>
        iconv
          .decode(readFileSync(join(dir, f)), 'gb18030')
          .trimEnd()
          .split('\n')
          .map((l) => l.split('\t'));
      const residents = read('residents.tsv');
      const cards = read('cards.tsv');
      const visits = read('visits.tsv');
      assert.equal(residents.length - 1, 600);
      assert.equal(cards.length - 1, r.cards);
      assert.equal(visits.length - 1, r.visits);
      assert.ok(r.visits > 0);
      const idCol = residents[0]!.indexOf('id_no');
      for (const row of residents.slice(1))
        assert.ok(gb11643Valid(row[idCol]!), `invalid ID ${row[idCol]!.slice(0, 6)}…`);
      const statusCol = cards[0]!.indexOf('status');
      const states = new Set(cards.slice(1).map((c) => c[statusCol]));
      for (const s of ['01', '02', '10', '20', '30', '40', '50', '60', '90'])
        assert.ok(states.has(s), `no card in ${s}`);
      // characters GB 2312 cannot encode survive the GB18030 round trip
      const names = residents.slice(1).map((row) => row[residents[0]!.indexOf('name')]!);
      const beyond = names.filter((n) => iconv.decode(iconv.encode(n, 'gb2312'), 'gb2312') !== n);
      assert.ok(beyond.length > 0, 'no name outside GB 2312 in 600 residents');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
