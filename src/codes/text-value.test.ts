import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTextValue, type TextProblem } from './text-value.ts';

describe('free-text values (names, addresses) shared by online interfaces and exchange files', () => {
  it('accepts Chinese names outside the BMP and minority names, NFC-normalised', () => {
    assert.deepEqual(checkTextValue('𠮷野堃'), { ok: true, value: '𠮷野堃' });
    assert.deepEqual(checkTextValue('买买提·艾力'), { ok: true, value: '买买提·艾力' });
    // e + combining acute → é (one code point), so the same name always compares equal
    assert.deepEqual(checkTextValue('Ame\u0301lie'), { ok: true, value: 'Amélie' });
  });

  const refused: [string, TextProblem, number][] = [
    ['张\ud842', 'LONE_SURROGATE', 2],
    ['\udfb7李', 'LONE_SURROGATE', 1],
    ['王\u0085五', 'CONTROL_CHARACTER', 2],
    ['王\t五', 'CONTROL_CHARACTER', 2],
    ['\u202e三张', 'BIDI_CONTROL', 1],
    ['李\u200b四', 'INVISIBLE_CHARACTER', 2],
    ['\ufeff赵六', 'INVISIBLE_CHARACTER', 1],
    ['刘|六', 'FIELD_SEPARATOR', 2],
    ['<b>陈</b>', 'MARKUP_CHARACTER', 1],
  ];
  for (const [input, problem, position] of refused) {
    it(`refuses ${JSON.stringify(input)} as ${problem} at ${position}`, () => {
      const r = checkTextValue(input);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.problem, problem);
      assert.equal(!r.ok && r.position, position);
      assert.ok(!r.ok && r.zh.length > 0 && r.en.length > 0);
    });
  }
});
