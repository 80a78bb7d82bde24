import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { checkTextValue, describeTextProblem, type TextProblem } from './text-value.ts';

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
    ['张\ufffd', 'REPLACEMENT_CHARACTER', 2],
    ['李\ue5e5', 'NOT_GB18030', 2],
    ['王\u0085五', 'CONTROL_CHARACTER', 2],
    ['王\n五', 'CONTROL_CHARACTER', 2],
    ['王\u2066五\u2069', 'BIDI_CONTROL', 2],
    ['王\u200d五', 'INVISIBLE_CHARACTER', 2],
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

  it('names the problem and its position in the detail', () => {
    const r = checkTextValue('刘|六');
    assert.ok(!r.ok);
    assert.match(describeTextProblem(r), /竖线.*exchange-file field separator.*FIELD_SEPARATOR, position 2/);
  });

  it('every code point the GB18030 codec (card, exchange files) cannot carry back is refused', () => {
    // one string per plane, encoded and decoded at once; a code point that comes back different is one the
    // card or an exchange file would change, so the rule must refuse it (and only those: GB18030 is a UTF)
    const lost: number[] = [];
    for (let plane = 0; plane <= 0x10; plane++) {
      const cps: number[] = [];
      for (let cp = plane << 16; cp < (plane + 1) << 16; cp++) if (cp < 0xd800 || cp > 0xdfff) cps.push(cp);
      const text = String.fromCodePoint(...cps.filter((c) => c >= 0x20 && c !== 0x7c));
      const back = [...iconv.decode(iconv.encode(text, 'gb18030'), 'gb18030')];
      const sent = [...text];
      assert.equal(back.length, sent.length, `plane ${plane}: characters merged or split`);
      for (let i = 0; i < sent.length; i++) if (back[i] !== sent[i]) lost.push(sent[i]!.codePointAt(0)!);
    }
    assert.ok(lost.length > 0, 'the scan finds the known case');
    for (const cp of lost) {
      const r = checkTextValue(`张${String.fromCodePoint(cp)}`);
      assert.equal(r.ok, false, `U+${cp.toString(16).toUpperCase()} is lost by the codec but accepted`);
    }
  });
});
