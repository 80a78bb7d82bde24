// Organisation codes: GB 11714-1997 组织机构代码 (8 characters + check character, written `12345678-8`) and
// GB 32100-2015 统一社会信用代码 (18 characters, positions 9–17 an embedded GB 11714 code). The check
// characters are public formulas; the platform refuses a code whose check character is wrong.

const GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
/** GB 32100 alphabet: digits and upper-case letters without I, O, S, V, Z. */
const GB32100_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export type OrgCodeKind = 'gb11714' | 'gb32100';

export type OrgCodeCheck =
  | { valid: true; kind: OrgCodeKind; /** the GB 11714 code, `12345678-8` form */ organisationCode: string }
  | { valid: false; kind?: OrgCodeKind; zh: string; en: string };

/** GB 11714 check character over the 8-character body (digits, A=10 … Z=35): 11 − Σ mod 11; 10 → X, 11 → 0. */
export function gb11714CheckChar(body: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body))
    throw new RangeError(`GB 11714 body must be 8 digits or upper-case letters`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body[i]!, 36) * GB11714_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** The GB 11714 code `body-check` of an 8-character body (for demo data, fixtures and generators). */
export function gb11714Code(body: string): string {
  return `${body}-${gb11714CheckChar(body)}`;
}

/** GB 32100 check character over the first 17 characters: weights 3^i mod 31, 31 − Σ mod 31 (31 → 0). */
export function gb32100CheckChar(first17: string): string {
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    const value = GB32100_CHARS.indexOf(first17[i] ?? '');
    if (value < 0)
      throw new RangeError(`GB 32100 character ${first17[i]} at position ${i + 1} is not allowed`);
    sum += value * weight;
    weight = (weight * 3) % 31;
  }
  return GB32100_CHARS[(31 - (sum % 31)) % 31]!;
}

function refusal(kind: OrgCodeKind | undefined, zh: string, en: string): OrgCodeCheck {
  return kind ? { valid: false, kind, zh, en } : { valid: false, zh, en };
}

function checkGb11714(code: string): OrgCodeCheck {
  const m = /^([0-9A-Z]{8})-?([0-9X])$/.exec(code);
  if (!m) {
    return refusal(
      'gb11714',
      '组织机构代码应为8位数字或大写字母加1位校验码（如 12345678-8）',
      'a GB 11714 code is 8 digits or upper-case letters and a check character (12345678-8)',
    );
  }
  const expected = gb11714CheckChar(m[1]!);
  if (m[2] !== expected) {
    return refusal(
      'gb11714',
      `组织机构代码校验码错误：应为 ${expected}`,
      `GB 11714 check character is wrong: expected ${expected}`,
    );
  }
  return { valid: true, kind: 'gb11714', organisationCode: `${m[1]}-${m[2]}` };
}

function checkGb32100(code: string): OrgCodeCheck {
  if (!new RegExp(`^[${GB32100_CHARS}]{18}$`).test(code)) {
    return refusal(
      'gb32100',
      '统一社会信用代码应为18位数字或大写字母（不含 I、O、S、V、Z）',
      'a GB 32100 code is 18 digits or upper-case letters (no I, O, S, V, Z)',
    );
  }
  const expected = gb32100CheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    return refusal(
      'gb32100',
      `统一社会信用代码校验码错误：应为 ${expected}`,
      `GB 32100 check character is wrong: expected ${expected}`,
    );
  }
  const embedded = checkGb11714(code.slice(8, 17));
  if (!embedded.valid) {
    return refusal(
      'gb32100',
      `统一社会信用代码中的组织机构代码无效：${embedded.zh}`,
      `the organisation code inside the GB 32100 code is invalid: ${embedded.en}`,
    );
  }
  return { valid: true, kind: 'gb32100', organisationCode: embedded.organisationCode };
}

/** Checks a GB 11714 (`12345678-8` or `123456789`) or GB 32100 (18 characters) organisation code. */
export function checkOrgCode(input: string): OrgCodeCheck {
  const code = input.trim();
  if (code.length === 18) return checkGb32100(code);
  if (code.length === 9 || code.length === 10) return checkGb11714(code);
  return refusal(
    undefined,
    `机构代码长度应为10位（12345678-8）或18位（统一社会信用代码），实际 ${code.length} 位`,
    `an organisation code has 10 characters (12345678-8) or 18 (unified social credit code), got ${code.length}`,
  );
}
