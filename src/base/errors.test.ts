import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodedError, catalogues, defineCatalogue, isCodedError } from './errors.ts';

const row = (code: string, symbol: string) =>
  [code, symbol, 400, '中文', 'english', '请重试', 'fix it'] as const;

test('a catalogue gives entries by symbol and code, and registers itself', () => {
  const c = defineCatalogue('t-one', [9100, 9109], [row('0000', 'OK'), row('9101', 'BAD')]);
  assert.equal(c.entry('BAD').code, '9101');
  assert.equal(c.byCode('9101')?.symbol, 'BAD');
  assert.equal(c.entry('OK').layer, 't-one');
  assert.ok(c.has('BAD'));
  assert.ok(!c.has('NOPE'));
  assert.ok(catalogues().includes(c));
});

test('a catalogue refuses codes outside its range, duplicates and overlapping ranges', () => {
  assert.throws(() => defineCatalogue('t-two', [9200, 9209], [row('9210', 'X')]), /outside/);
  assert.throws(
    () => defineCatalogue('t-three', [9300, 9309], [row('9301', 'X'), row('9302', 'X')]),
    /duplicate/,
  );
  defineCatalogue('t-four', [9400, 9409], [row('9401', 'X')]);
  assert.throws(() => defineCatalogue('t-five', [9405, 9419], [row('9415', 'Y')]), /overlaps t-four/);
});

test('a coded error carries its entry, field and detail, and serialises without the cause', () => {
  const c = defineCatalogue('t-six', [9600, 9609], [row('9601', 'BAD_FIELD')]);
  const e = new CodedError(c.entry('BAD_FIELD'), {
    field: 'name',
    detail: 'too long',
    cause: new Error('x'),
  });
  assert.equal(e.code, '9601');
  assert.equal(e.symbol, 'BAD_FIELD');
  assert.match(e.message, /^\[9601\] 中文 \/ english \(field name; too long\)$/);
  assert.deepEqual(e.toJSON(), {
    code: '9601',
    symbol: 'BAD_FIELD',
    zh: '中文',
    en: 'english',
    field: 'name',
    detail: 'too long',
  });
  assert.ok(isCodedError(e, 'BAD_FIELD'));
  assert.ok(!isCodedError(new Error('plain')));
});
