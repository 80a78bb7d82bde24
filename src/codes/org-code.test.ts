import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOrgCode, gb11714CheckChar, gb32100CheckChar } from './org-code.ts';

describe('organisation codes (GB 11714, GB 32100)', () => {
  it('GB 11714: the standard example D2143569-X, with or without the hyphen', () => {
    assert.equal(gb11714CheckChar('D2143569'), 'X');
    assert.deepEqual(checkOrgCode('D2143569-X'), {
      valid: true,
      kind: 'gb11714',
      organisationCode: 'D2143569-X',
    });
    assert.deepEqual(checkOrgCode('D2143569X'), {
      valid: true,
      kind: 'gb11714',
      organisationCode: 'D2143569-X',
    });
  });

  it('GB 11714: a wrong check character is refused and the right one named', () => {
    const r = checkOrgCode('D2143569-1');
    assert.equal(r.valid, false);
    assert.match(r.valid ? '' : r.zh, /应为 X/);
  });

  it('GB 11714: a check value of 11 is written 0', () => {
    // body 00000001: Σ = 2 → 11 − 2 = 9; body 00000000: Σ = 0 → 11 → '0'
    assert.equal(gb11714CheckChar('00000000'), '0');
    assert.equal(gb11714CheckChar('00000001'), '9');
  });

  it('GB 32100: a published code checks, and its embedded GB 11714 code is returned', () => {
    assert.equal(gb32100CheckChar('91350100M000100Y4'), '3');
    assert.deepEqual(checkOrgCode('91350100M000100Y43'), {
      valid: true,
      kind: 'gb32100',
      organisationCode: 'M000100Y-4',
    });
    assert.equal(checkOrgCode('91350100M000100Y44').valid, false);
    assert.equal(checkOrgCode('91350100M00O100Y43').valid, false); // O is not in the alphabet
  });

  it('other lengths and lower-case letters are refused with a reason', () => {
    for (const bad of ['', '1234', 'd2143569-x', '12345678901234567890']) {
      const r = checkOrgCode(bad);
      assert.equal(r.valid, false, bad);
      assert.ok(!r.valid && r.zh.length > 0 && r.en.length > 0);
    }
  });
});
