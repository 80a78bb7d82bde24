// The one rule for free-text values (names, addresses, institution names) that the online interfaces and
// the exchange files share, so a value accepted online can always be exported (the exchange separates
// fields with `|` and records with line ends) and written to the card in GB18030. Valid text is returned
// NFC-normalised; anything else is refused with the reason, never silently replaced.
//
// GB18030 represents every Unicode scalar value, so "not representable" means what the codec of the card and
// the exchange files (iconv-lite's GB18030) cannot write and read back: unpaired surrogates and U+E5E5 (a
// private-use code point whose bytes decode to another character). text-value.test.ts scans every code
// point through the codec so this list stays exact.

export type TextProblem =
  | 'LONE_SURROGATE'
  | 'REPLACEMENT_CHARACTER'
  | 'NOT_GB18030'
  | 'CONTROL_CHARACTER'
  | 'BIDI_CONTROL'
  | 'INVISIBLE_CHARACTER'
  | 'FIELD_SEPARATOR'
  | 'MARKUP_CHARACTER';

export type TextCheck =
  { ok: true; value: string } | { ok: false; problem: TextProblem; position: number; zh: string; en: string };

// Each rule: the characters it refuses and what to tell the clerk. Order decides which problem is named first.
const RULES: readonly { problem: TextProblem; pattern: RegExp; zh: string; en: string }[] = [
  {
    problem: 'LONE_SURROGATE',
    pattern: /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
    zh: '含有无法编码的残缺字符（请重新输入该字）',
    en: 'contains a broken character (an unpaired UTF-16 surrogate): type the character again',
  },
  {
    problem: 'REPLACEMENT_CHARACTER',
    // U+FFFD is what a broken character became on its way here (a bad decode upstream)
    pattern: /\ufffd/,
    zh: '含有残缺字符“\ufffd”（来源数据编码错误），请重新输入该字',
    en: 'contains U+FFFD (a character damaged by a bad decode upstream): type the character again',
  },
  {
    problem: 'NOT_GB18030',
    pattern: /\ue5e5/,
    zh: '含有无法以GB18030写入卡片或交换文件的字符，请改用标准汉字',
    en: 'contains a character GB18030 cannot carry to the card or the exchange files: use a standard character',
  },
  {
    problem: 'CONTROL_CHARACTER',
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    pattern: /[\u0000-\u001f\u007f-\u009f]/,
    zh: '含有控制字符（换行、制表符等），请删除',
    en: 'contains a control character (line break, tab, C1 control): remove it',
  },
  {
    problem: 'BIDI_CONTROL',
    pattern: /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
    zh: '含有文字方向控制符（通常来自复制粘贴），请删除后重新输入',
    en: 'contains a text-direction control (usually from copy and paste): retype the value',
  },
  {
    problem: 'INVISIBLE_CHARACTER',
    pattern: /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/,
    zh: '含有不可见字符（零宽字符），请删除后重新输入',
    en: 'contains an invisible (zero-width) character: retype the value',
  },
  {
    problem: 'FIELD_SEPARATOR',
    pattern: /\|/,
    zh: '不能含有竖线“|”（交换文件的分隔符）',
    en: 'must not contain "|" (the exchange-file field separator)',
  },
  {
    problem: 'MARKUP_CHARACTER',
    pattern: /[<>&"']/,
    zh: '不能含有 < > & " \' 字符',
    en: 'must not contain < > & " \'',
  },
];

// one pass over the value for the common (valid) case; the rules are walked only to name a problem
const ANY = new RegExp(RULES.map((r) => r.pattern.source).join('|'));

/** Checks a free-text value; valid values come back NFC-normalised. */
export function checkTextValue(input: string): TextCheck {
  if (!ANY.test(input)) return { ok: true, value: input.normalize('NFC') };
  for (const rule of RULES) {
    const m = rule.pattern.exec(input);
    if (m) return { ok: false, problem: rule.problem, position: m.index + 1, zh: rule.zh, en: rule.en };
  }
  return { ok: true, value: input.normalize('NFC') };
}

/** "zh / en (PROBLEM at position N)" — the detail of a refusal, the same online and in exchange reports. */
export function describeTextProblem(c: Extract<TextCheck, { ok: false }>): string {
  return `${c.zh} / ${c.en} (${c.problem}, position ${c.position})`;
}
