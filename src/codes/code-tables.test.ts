import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODE_TABLE_IDS, describeCode, getCodeTable, isKnownCode } from './code-tables.ts';
import { describeDepartment } from './departments.ts';
import { CodesError } from './errors.ts';

describe('code tables', () => {
  it('lists every required table id once', () => {
    assert.equal(new Set(CODE_TABLE_IDS).size, CODE_TABLE_IDS.length);
    for (const id of [
      'sex',
      'ethnicity',
      'education',
      'marital-status',
      'occupation',
      'id-document-type',
      'relationship',
      'abo-blood-group',
      'rh-blood-group',
      'payment-method',
      'address-type',
      'department-subject',
      'treatment-step',
      'terminal-type',
    ]) {
      assert.ok(CODE_TABLE_IDS.includes(id), `missing table ${id}`);
    }
  });

  for (const id of CODE_TABLE_IDS) {
    it(`${id}: non-empty, unique codes, both labels, a source`, () => {
      const table = getCodeTable(id);
      assert.equal(table.id, id);
      assert.ok(table.zh && table.en && table.source, 'table labels and source');
      assert.ok(table.entries.length > 0);
      const seen = new Set<string>();
      for (const e of table.entries) {
        assert.match(e.code, /^[0-9A-Z]+$/, `${id} code '${e.code}'`);
        assert.ok(!seen.has(e.code), `${id}: duplicate code ${e.code}`);
        seen.add(e.code);
        assert.ok(e.zh.trim().length > 0 && e.en.trim().length > 0, `${id} ${e.code}: both labels`);
        assert.match(e.zh, /[\u4e00-\u9fff]/, `${id} ${e.code}: Chinese label`);
      }
      // codes of one table share their length (cn fields are fixed-width)
      assert.equal(new Set(table.entries.map((e) => e.code.length)).size, 1, `${id}: one code length`);
    });
  }

  it('sex follows GB/T 2261.1 (spec §10.1)', () => {
    assert.deepEqual(
      getCodeTable('sex').entries.map((e) => `${e.code}${e.zh}`),
      ['0未知的性别', '1男性', '2女性', '9未说明的性别'],
    );
  });

  it('ethnicity has the 56 groups 01…56 plus 97, 98 (GB 3304) and 99 (Qinghai)', () => {
    const expected = [
      ...Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')),
      '97',
      '98',
      '99',
    ];
    assert.deepEqual(
      getCodeTable('ethnicity').entries.map((e) => e.code),
      expected,
    );
    assert.equal(describeCode('ethnicity', '01')?.zh, '汉族');
    assert.equal(describeCode('ethnicity', '05')?.zh, '维吾尔族');
    assert.equal(describeCode('ethnicity', '43')?.zh, '乌孜别克族');
    assert.equal(describeCode('ethnicity', '56')?.zh, '基诺族');
    assert.equal(describeCode('ethnicity', '98')?.zh, '外国血统中国籍人士');
  });

  it('marital status matches spec §10.9', () => {
    assert.deepEqual(
      getCodeTable('marital-status').entries.map((e) => e.code),
      ['10', '20', '21', '22', '23', '30', '40', '90'],
    );
  });

  it('relationship contains the class codes of spec §10.4', () => {
    const classes: Record<string, string> = {
      '10': '配偶',
      '20': '子',
      '30': '女',
      '50': '父母',
      '70': '兄弟姐妹',
      '80': '其他',
    };
    for (const [code, zh] of Object.entries(classes))
      assert.equal(describeCode('relationship', code)?.zh, zh);
    assert.ok(isKnownCode('relationship', '40') && isKnownCode('relationship', '60'));
  });

  it('identity-document types match spec §10.3', () => {
    assert.deepEqual(
      getCodeTable('id-document-type').entries.map((e) => e.code),
      ['01', '02', '03', '04', '05', '06', '07', '08', '99'],
    );
  });

  it('blood groups use the two-digit card form (card-format.md §4.8)', () => {
    assert.equal(describeCode('abo-blood-group', '04')?.en, 'AB');
    assert.equal(isKnownCode('abo-blood-group', '4'), false);
    assert.equal(describeCode('rh-blood-group', '01')?.zh, '阴性');
  });

  it('isKnownCode / describeCode compare exact strings', () => {
    assert.equal(isKnownCode('ethnicity', '1'), false);
    assert.equal(isKnownCode('ethnicity', '01'), true);
    assert.equal(describeCode('education', '55'), undefined);
    assert.equal(describeCode('treatment-step', '010101')?.zh, '挂号');
  });

  it('unknown table ids throw a coded error naming the id', () => {
    assert.throws(
      () => getCodeTable('blood-type'),
      (err: unknown) =>
        err instanceof CodesError && err.symbol === 'CODE_TABLE_UNKNOWN' && /blood-type/.test(err.message),
    );
    assert.throws(() => isKnownCode('nope', '01'), CodesError);
  });

  it('four-digit department codes resolve to their subject (spec §10.6 examples)', () => {
    assert.equal(describeDepartment('0300')?.subject.zh, '内科');
    assert.equal(describeDepartment('0300')?.wholeSubject, true);
    assert.equal(describeDepartment('0502')?.subject.zh, '妇产科');
    assert.equal(describeDepartment('0502')?.wholeSubject, false);
    assert.equal(describeDepartment('2900'), undefined);
    assert.equal(describeDepartment('030'), undefined);
  });
});
