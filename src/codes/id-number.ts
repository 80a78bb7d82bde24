// GB 11643-1999 citizen ID number (公民身份号码): structure, check character, 15 → 18 upgrade and a validator
// that reports every problem it finds (platform-interfaces.md §10.8).
import { isPrefecturePlaceholder, lookupProvince, lookupRegion } from './regions.ts';

export interface IdIssue {
  code: string;
  zh: string;
  en: string;
}

export interface IdCheckResult {
  /** No errors (warnings allowed). */
  valid: boolean;
  input: string;
  /** 18 characters, upper-case X; for a (refused) 15-digit input, the 18-digit number to use instead. */
  normalized?: string;
  upgradedFrom15?: boolean;
  /** 'YYYYMMDD' */
  birthDate?: string;
  /** GB/T 2261.1 code from the parity of the sequence code. */
  sex?: '1' | '2';
  region?: { code: string; province?: string; prefecture?: string; county?: string };
  errors: IdIssue[];
  warnings: IdIssue[];
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
/** Births before this are rejected (design choice: no living holder, and catches typos in the century). */
const OLDEST_BIRTH = '18800101';

// Address codes of residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证, 2018): the
// number follows GB 11643 with these address codes. 83 is not a GB/T 2260 province, so it is listed here
// (RHC addition to platform-interfaces.md §10.5, which lists 71/81/82 only).
const RESIDENCE_PERMIT_REGIONS: Record<string, string> = {
  '810000': '香港特别行政区',
  '820000': '澳门特别行政区',
  '830000': '台湾地区',
};

/** Check character over the first 17 digits: Σ digit·weight mod 11 indexes '10X98765432'. */
export function computeCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError(`computeCheckDigit: first17 must be 17 digits, got ${first17.length} characters`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** First-generation 15-digit number → 18 digits: insert '19' before the year, append the check character. */
export function upgradeIdNumber15(id15: string): string {
  if (!/^\d{15}$/.test(id15)) {
    throw new RangeError(`upgradeIdNumber15: id15 must be 15 digits, got ${id15.length} characters`);
  }
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + computeCheckDigit(first17);
}

function issue(code: string, zh: string, en: string): IdIssue {
  return { code, zh, en };
}

function isCalendarDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= daysInMonth;
}

/** Today's date as YYYYMMDD in China Standard Time (UTC+8, no DST): ID numbers carry Chinese calendar dates. */
let lastNow = NaN;
let lastChinaDate = '';
function chinaDate(now: Date): string {
  // bulk validation passes the same `now` for every number: format it once
  if (now.getTime() !== lastNow) {
    lastNow = now.getTime();
    lastChinaDate = new Date(lastNow + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  }
  return lastChinaDate;
}

function checkBirthDate(birth: string, today: Date, errors: IdIssue[]): boolean {
  if (!isCalendarDate(birth)) {
    errors.push(
      issue(
        'ID_BIRTH_DATE_INVALID',
        `出生日期 ${birth} 不是有效日期`,
        `birth date ${birth} is not a calendar date`,
      ),
    );
    return false;
  }
  if (birth < OLDEST_BIRTH) {
    errors.push(
      issue(
        'ID_BIRTH_DATE_TOO_OLD',
        `出生日期 ${birth} 早于 1880-01-01`,
        `birth date ${birth} is before 1880-01-01`,
      ),
    );
    return false;
  }
  const todayYmd = chinaDate(today);
  if (birth > todayYmd) {
    errors.push(
      issue(
        'ID_BIRTH_DATE_FUTURE',
        `出生日期 ${birth} 晚于今天 ${todayYmd}`,
        `birth date ${birth} is after today (${todayYmd})`,
      ),
    );
    return false;
  }
  return true;
}

function checkRegion(code: string, errors: IdIssue[], warnings: IdIssue[]): IdCheckResult['region'] {
  const permit = RESIDENCE_PERMIT_REGIONS[code];
  if (permit) return { code, province: permit };
  const province = lookupProvince(code.slice(0, 2));
  if (!province) {
    errors.push(
      issue(
        'ID_REGION_UNKNOWN_PROVINCE',
        `地址码 ${code} 的省级代码 ${code.slice(0, 2)} 不存在`,
        `address code ${code}: province ${code.slice(0, 2)} does not exist`,
      ),
    );
    return { code };
  }
  const region: NonNullable<IdCheckResult['region']> = { code, province: province.name };
  const exact = lookupRegion(code);
  if (exact?.level === 'county') {
    region.county = exact.name;
    if (exact.prefecture) region.prefecture = exact.prefecture;
    return region;
  }
  if (exact?.level === 'prefecture') {
    if (!isPrefecturePlaceholder(exact.name)) region.prefecture = exact.name;
    return region;
  }
  if (exact?.level === 'province') return region;
  // Numbers keep the address code of birth registration; many of those counties were merged or renamed since.
  const prefecture = lookupRegion(`${code.slice(0, 4)}00`);
  if (prefecture && !isPrefecturePlaceholder(prefecture.name)) region.prefecture = prefecture.name;
  warnings.push(
    issue(
      'ID_REGION_UNKNOWN_COUNTY',
      `地址码 ${code} 不在现行区划代码中（可能为已撤并的县区）`,
      `address code ${code} is not in the current GB/T 2260 list (possibly a merged or renamed county)`,
    ),
  );
  return region;
}

/**
 * Validates a citizen ID number and reports ALL problems found. Surrounding white space is ignored; a
 * lower-case x is accepted with a warning and normalised. `opts.today` decides what "future" means.
 */
export function validateIdNumber(input: string, opts: { today?: Date } = {}): IdCheckResult {
  const result: IdCheckResult = { valid: false, input, errors: [], warnings: [] };
  const { errors, warnings } = result;
  const id = (input ?? '').trim();
  if (id === '') {
    errors.push(issue('ID_EMPTY', '身份证号码为空', 'ID number is empty'));
    return result;
  }
  // the common case (15 digits, or 17 digits and a check character) skips the per-character scan
  const wellFormed = /^(?:\d{15}|\d{17}[\dXx])$/.test(id);
  const chars = wellFormed ? [] : Array.from(id);
  const length = wellFormed ? id.length : chars.length;
  if (length !== 18 && length !== 15) {
    errors.push(
      issue(
        'ID_LENGTH',
        `身份证号码应为18位（或15位），实际 ${length} 位`,
        `ID number must have 18 (or 15) characters, got ${length}`,
      ),
    );
  }
  const is15 = length === 15;
  const lastIndex = length - 1;
  const badPositions = chars
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => !(/^\d$/.test(c) || (i === 17 && lastIndex === 17 && /^[Xx]$/.test(c))))
    .map(({ i }) => i + 1);
  if (badPositions.length > 0) {
    errors.push(
      issue(
        'ID_CHARACTERS',
        `第 ${badPositions.join('、')} 位字符无效（只允许数字，第18位可为 X）`,
        `invalid character at position ${badPositions.join(', ')} (digits only; position 18 may be X)`,
      ),
    );
  }
  if (errors.length > 0 && length !== 18 && length !== 15) return finish(result);

  if (!is15 && id[17] === 'x') {
    warnings.push(
      issue(
        'ID_LOWERCASE_X',
        '校验码应为大写 X，已自动转换',
        "check character must be upper-case 'X'; converted",
      ),
    );
  }
  const digitsOnly = (s: string): boolean => /^\d+$/.test(s);
  const regionCode = id.slice(0, 6);
  const birth = is15 ? `19${id.slice(6, 12)}` : id.slice(6, 14);
  const sequence = is15 ? id.slice(12, 15) : id.slice(14, 17);

  if (digitsOnly(regionCode)) result.region = checkRegion(regionCode, errors, warnings);
  if (digitsOnly(birth) && checkBirthDate(birth, opts.today ?? new Date(), errors)) result.birthDate = birth;
  if (digitsOnly(sequence)) result.sex = Number(sequence[2]) % 2 === 1 ? '1' : '2';

  if (is15) {
    if (digitsOnly(id)) {
      // THE rule for 15-digit numbers (CLI, card and platform alike): refused; `normalized` is the 18-digit
      // number to use instead (not in the message: messages reach logs, ID numbers must not). First-generation ID cards ceased to be valid on 2013-01-01, the card number is the
      // 18-character ID number, and accepting both forms would register one person under two numbers.
      result.normalized = upgradeIdNumber15(id);
      result.upgradedFrom15 = true;
      errors.push(
        issue(
          'ID_FIRST_GENERATION',
          '15位第一代身份证号码已停止使用，请使用对应的18位号码',
          '15-digit first-generation ID numbers are no longer accepted: use the 18-digit number',
        ),
      );
    }
  } else if (digitsOnly(id.slice(0, 17)) && /^[\dXx]$/.test(id[17])) {
    const expected = computeCheckDigit(id.slice(0, 17));
    const given = id[17].toUpperCase();
    if (given !== expected) {
      errors.push(
        issue(
          'ID_CHECK_DIGIT',
          `校验码错误：应为 ${expected}，实际为 ${given}`,
          `check digit wrong: expected ${expected}, found ${given}`,
        ),
      );
    }
    result.normalized = id.slice(0, 17) + given;
  }
  return finish(result);
}

function finish(result: IdCheckResult): IdCheckResult {
  result.valid = result.errors.length === 0;
  return result;
}
