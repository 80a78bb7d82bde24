import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeCheckDigit, upgradeIdNumber15, validateIdNumber } from './id-number.ts';

// Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; S mod 11 indexes '10X98765432'. Hand computations:
//  11010519491231002: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → 'X'
//  61010219900101123: 42+9+0+5+0+8+2+9+54+0+0+9+0+5+8+8+6 = 165; 165 mod 11 = 0 → '1'
//  61010219900101129: as above but the last digit 9·2 = 18 instead of 6 → 177; 177 mod 11 = 1 → '0'
//  11010020171225006: 7+9+0+5+0+0+4+0+6+21+7+18+20+25+0+0+12 = 134; 134 mod 11 = 2 → 'X'
//  44030420000229001: 28+36+0+15+0+16+4+0+0+0+0+18+20+45+0+0+2 = 184; 184 mod 11 = 8 → '4'
//  11010519000229001: 41+2+9+0+0+0+18+20+45+0+0+2 = 137; 137 mod 11 = 5 → '7'
//  11010520250101001: 41+4+0+12+15+0+9+0+5+0+0+2 = 88; 88 mod 11 = 0 → '1'
//  11010518791231001: 41+2+8+42+27+7+18+30+5+0+0+2 = 182; 182 mod 11 = 6 → '6'
//  11019919900101123: 7+9+0+5+72+36+2+9+54+0+0+9+0+5+8+8+6 = 230; 230 mod 11 = 10 → '2'
//  99010519491231002: 167 − (7+9) + (63+81) = 295; 295 mod 11 = 9 → '3'
//  99010519000229001: 63+81+0+5+0+20+2+9+0+0+0+18+20+45+0+0+2 = 265; 265 mod 11 = 1 → '0'

const TODAY = new Date('2025-06-01T12:00:00+08:00');
const codes = (issues: { code: string }[]): string[] => issues.map((i) => i.code).sort();

describe('computeCheckDigit', () => {
  it('matches hand-computed check characters', () => {
    assert.equal(computeCheckDigit('11010519491231002'), 'X');
    assert.equal(computeCheckDigit('61010219900101123'), '1');
    assert.equal(computeCheckDigit('61010219900101129'), '0');
    assert.equal(computeCheckDigit('11010020171225006'), 'X');
    assert.equal(computeCheckDigit('44030420000229001'), '4');
    assert.equal(computeCheckDigit('11019919900101123'), '2');
  });
  it('rejects input that is not 17 digits', () => {
    assert.throws(() => computeCheckDigit('1101051949123100'), RangeError);
    assert.throws(() => computeCheckDigit('1101051949123100A'), RangeError);
  });
});

describe('upgradeIdNumber15', () => {
  it('inserts 19 before the year and appends the check character', () => {
    // 610102 900101 123 → 610102 1990 0101 123 + '1' (S = 165, see above)
    assert.equal(upgradeIdNumber15('610102900101123'), '610102199001011231');
  });
  it('rejects input that is not 15 digits', () => {
    assert.throws(() => upgradeIdNumber15('61010290010112'), RangeError);
  });
});

describe('validateIdNumber', () => {
  it('accepts the spec examples and derives birth date, sex and region', () => {
    const r = validateIdNumber('11010519491231002X', { today: TODAY });
    assert.equal(r.valid, true);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.normalized, '11010519491231002X');
    assert.equal(r.birthDate, '19491231');
    assert.equal(r.sex, '2'); // sequence 002: even → female
    assert.deepEqual(r.region, { code: '110105', province: '北京市', county: '朝阳区' });
    assert.equal(validateIdNumber('11010020171225006X', { today: TODAY }).valid, true);
    const male = validateIdNumber('610102199001011231', { today: TODAY });
    assert.equal(male.valid, true);
    assert.equal(male.sex, '1'); // sequence 123: odd → male
    assert.deepEqual(male.region, {
      code: '610102',
      province: '陕西省',
      prefecture: '西安市',
      county: '新城区',
    });
    assert.equal(validateIdNumber('610102199001011290', { today: TODAY }).valid, true);
  });

  it('ID_CHECK_DIGIT names the expected digit', () => {
    const r = validateIdNumber('110105194912310021', { today: TODAY });
    assert.equal(r.valid, false);
    assert.deepEqual(codes(r.errors), ['ID_CHECK_DIGIT']);
    assert.match(r.errors[0].en, /expected X, found 1/);
    assert.match(r.errors[0].zh, /应为 X/);
  });

  it('ID_EMPTY for empty or blank input', () => {
    assert.deepEqual(codes(validateIdNumber('').errors), ['ID_EMPTY']);
    assert.deepEqual(codes(validateIdNumber('   ').errors), ['ID_EMPTY']);
  });

  it('ID_LENGTH for lengths other than 15 and 18', () => {
    const r = validateIdNumber('1101051949123100');
    assert.deepEqual(codes(r.errors), ['ID_LENGTH']);
    assert.match(r.errors[0].en, /got 16/);
    assert.deepEqual(codes(validateIdNumber('11010519491231002XX').errors), ['ID_CHARACTERS', 'ID_LENGTH']);
  });

  it('ID_CHARACTERS names the position and still checks the other parts', () => {
    const r = validateIdNumber('11010519491231A02X', { today: TODAY });
    assert.deepEqual(codes(r.errors), ['ID_CHARACTERS']);
    assert.match(r.errors[0].en, /position 15/);
    assert.equal(r.birthDate, '19491231');
    assert.equal(r.normalized, undefined);
    assert.equal(r.sex, undefined);
    // X anywhere but the last position is invalid
    assert.deepEqual(codes(validateIdNumber('X10105194912310021').errors), ['ID_CHARACTERS']);
    // 15-digit numbers have no check character
    assert.deepEqual(codes(validateIdNumber('61010290010112X').errors), ['ID_CHARACTERS']);
  });

  it('leap days: 2000-02-29 is valid, 1900-02-29 is not', () => {
    const leap = validateIdNumber('440304200002290014', { today: TODAY });
    assert.equal(leap.valid, true);
    assert.equal(leap.birthDate, '20000229');
    const notLeap = validateIdNumber('110105190002290017', { today: TODAY });
    assert.deepEqual(codes(notLeap.errors), ['ID_BIRTH_DATE_INVALID']);
    assert.equal(notLeap.birthDate, undefined);
  });

  it('ID_BIRTH_DATE_INVALID for impossible months and days', () => {
    // month 13 and 31 April; the check character no longer matches either, so only presence is asserted
    assert.ok(
      codes(validateIdNumber('610102199013011231', { today: TODAY }).errors).includes(
        'ID_BIRTH_DATE_INVALID',
      ),
    );
    assert.ok(
      codes(validateIdNumber('610102199004311231', { today: TODAY }).errors).includes(
        'ID_BIRTH_DATE_INVALID',
      ),
    );
  });

  it('ID_BIRTH_DATE_FUTURE depends on the injected today (China time)', () => {
    const id = '110105202501010011';
    const before = validateIdNumber(id, { today: new Date('2024-12-31T23:59:00+08:00') });
    assert.deepEqual(codes(before.errors), ['ID_BIRTH_DATE_FUTURE']);
    // 2024-12-31T16:00Z is already 2025-01-01 in Beijing
    assert.equal(validateIdNumber(id, { today: new Date('2024-12-31T16:00:00Z') }).valid, true);
  });

  it('ID_BIRTH_DATE_TOO_OLD before 1880', () => {
    assert.deepEqual(codes(validateIdNumber('110105187912310016', { today: TODAY }).errors), [
      'ID_BIRTH_DATE_TOO_OLD',
    ]);
  });

  it('ID_REGION_UNKNOWN_PROVINCE is an error', () => {
    const r = validateIdNumber('990105194912310023', { today: TODAY });
    assert.deepEqual(codes(r.errors), ['ID_REGION_UNKNOWN_PROVINCE']);
    assert.deepEqual(r.region, { code: '990105' });
  });

  it('ID_REGION_UNKNOWN_COUNTY under a known province is only a warning', () => {
    const r = validateIdNumber('110199199001011232', { today: TODAY });
    assert.equal(r.valid, true);
    assert.deepEqual(codes(r.warnings), ['ID_REGION_UNKNOWN_COUNTY']);
    assert.equal(r.region?.province, '北京市');
    assert.equal(r.region?.county, undefined);
  });

  it('ID_LOWERCASE_X is accepted with a warning and normalised', () => {
    const r = validateIdNumber('11010519491231002x', { today: TODAY });
    assert.equal(r.valid, true);
    assert.deepEqual(codes(r.warnings), ['ID_LOWERCASE_X']);
    assert.equal(r.normalized, '11010519491231002X');
    assert.equal(r.input, '11010519491231002x');
  });

  it('reports all problems, not just the first', () => {
    const r = validateIdNumber('99010519000229001X', { today: TODAY });
    assert.deepEqual(codes(r.errors), [
      'ID_BIRTH_DATE_INVALID',
      'ID_CHECK_DIGIT',
      'ID_REGION_UNKNOWN_PROVINCE',
    ]);
    assert.match(r.errors.find((e) => e.code === 'ID_CHECK_DIGIT')!.en, /expected 0/);
  });

  it('refuses 15-digit numbers, naming the 18-digit number to use (the one rule, issue 13 §7)', () => {
    const r = validateIdNumber('610102900101123', { today: TODAY });
    assert.equal(r.valid, false);
    assert.deepEqual(codes(r.errors), ['ID_FIRST_GENERATION']);
    assert.equal(r.normalized, '610102199001011231', 'the number to use instead');
    assert.equal(r.upgradedFrom15, true);
    assert.equal(r.normalized, '610102199001011231');
    assert.equal(r.birthDate, '19900101');
    assert.equal(r.sex, '1');
    const badDate = validateIdNumber('610102900230123', { today: TODAY });
    assert.deepEqual(codes(badDate.errors), ['ID_BIRTH_DATE_INVALID', 'ID_FIRST_GENERATION']);
  });

  it('accepts residence-permit address codes of Hong Kong, Macao and Taiwan residents', () => {
    // 83000019900101123: 56+27+0+0+0+0+2+9+54+0+0+9+0+5+8+8+6 = 184; 184 mod 11 = 8 → '4'
    const r = validateIdNumber('830000199001011234', { today: TODAY });
    assert.equal(r.valid, true, JSON.stringify(r.errors));
    assert.equal(r.region?.province, '台湾地区');
  });
});
