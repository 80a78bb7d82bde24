// Masking of personal data for logs and operator screens. Works on code points, so characters outside the
// BMP (𠮷, U+20BB7, a surrogate pair in UTF-16) count as one character and are never split.

/** '11010519491231002X' → '110105********002X': address code and the last 4 stay, birth date is hidden. */
export function maskIdNumber(id: string): string {
  const chars = Array.from(id ?? '');
  const n = chars.length;
  if (n <= 2) return '*'.repeat(n);
  if (n <= 10) return chars[0] + '*'.repeat(n - 2) + chars[n - 1];
  // A 15-digit number ends in its 3-digit sequence code; keeping 4 would reveal a birth-date digit.
  const tail = n === 15 ? 3 : 4;
  return chars.slice(0, 6).join('') + '*'.repeat(n - 6 - tail) + chars.slice(n - tail).join('');
}

// Common two-character (compound) surnames: their second character is part of the surname, not the given
// name, so it stays visible.
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '钟离',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '百里',
  '呼延',
  '万俟',
  '澹台',
  '公冶',
  '太史',
  '申屠',
  '闻人',
  '濮阳',
  '淳于',
  '单于',
  '东郭',
  '赫连',
  '拓跋',
  '司空',
  '左丘',
  '第五',
  '仲孙',
  '羊舌',
]);

/** '张三' → '张*', '欧阳娜娜' → '欧阳**', '𠮷野家' → '𠮷**'. The surname stays; every other character is masked. */
export function maskName(name: string): string {
  const chars = Array.from(name ?? '');
  if (chars.length <= 1) return '*'.repeat(chars.length);
  const keep = chars.length >= 3 && COMPOUND_SURNAMES.has(chars[0] + chars[1]) ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}
