// The one rule for free-text values (names, addresses, institution names) that the online interfaces and
// the exchange files share, so a value accepted online can always be exported (the exchange separates
// fields with `|` and records with line ends) and written to the card in GB18030. Valid text is returned
// NFC-normalised; anything else is refused with the reason, never silently replaced.

export type TextProblem =
  | 'LONE_SURROGATE'
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

/** Checks a free-text value; valid values come back NFC-normalised. */
export function checkTextValue(input: string): TextCheck {
  for (const rule of RULES) {
    const m = rule.pattern.exec(input);
    if (m) return { ok: false, problem: rule.problem, position: m.index + 1, zh: rule.zh, en: rule.en };
  }
  return { ok: true, value: input.normalize('NFC') };
}
