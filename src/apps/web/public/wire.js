// Wire formats of platform-interfaces.md §2.3 seen from the browser: times yyyyMMddHHmmss and dates
// yyyyMMdd in China time (UTC+8, whatever the workstation's time zone), request serial numbers, and the
// masking of personal identifiers in lists (same rules as src/codes/masking.ts: ID number keeps the
// 6-digit region and the last 4, a name keeps the surname).

const CHINA_OFFSET_MS = 8 * 3600_000;
const pad = (n, w = 2) => String(n).padStart(w, '0');

export function toWireTime(date) {
  const c = new Date(date.getTime() + CHINA_OFFSET_MS);
  return `${c.getUTCFullYear()}${pad(c.getUTCMonth() + 1)}${pad(c.getUTCDate())}${pad(c.getUTCHours())}${pad(c.getUTCMinutes())}${pad(c.getUTCSeconds())}`;
}

export function toWireDate(date) {
  return toWireTime(date).slice(0, 8);
}

/** yyyyMMddHHmmss (China time) → Date; undefined when malformed. */
export function parseWireTime(value) {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value ?? '');
  if (!m) return undefined;
  const [y, mo, d, hh, mi, ss] = m.slice(1).map(Number);
  return new Date(Date.UTC(y, mo - 1, d, hh, mi, ss) - CHINA_OFFSET_MS);
}

/** <input type=date> value (yyyy-MM-dd) → yyyyMMdd; '' stays ''. */
export function inputDateToWire(value) {
  return value ? value.replaceAll('-', '') : '';
}

/** yyyyMMdd → yyyy-MM-dd for an <input type=date>. */
export function wireDateToInput(value) {
  return /^\d{8}$/.test(value ?? '') ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` : '';
}

/** yyyyMMdd or yyyyMMddHHmmss → readable yyyy-MM-dd[ HH:mm:ss]. */
export function showWire(value) {
  if (/^\d{14}$/.test(value ?? ''))
    return `${wireDateToInput(value.slice(0, 8))} ${value.slice(8, 10)}:${value.slice(10, 12)}:${value.slice(12)}`;
  if (/^\d{8}$/.test(value ?? '')) return wireDateToInput(value);
  return value ?? '';
}

/** serialNo / alterNo: unique per institution (idempotency key, an ≤ 32). */
export function newSerialNo(prefix, date, random) {
  const bytes = random(6);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${prefix}-${toWireTime(date)}-${hex}`.slice(0, 32);
}

export function maskIdNumber(id) {
  const chars = Array.from(id ?? '');
  const n = chars.length;
  if (n <= 2) return '*'.repeat(n);
  if (n <= 10) return chars[0] + '*'.repeat(n - 2) + chars[n - 1];
  const tail = n === 15 ? 3 : 4;
  return chars.slice(0, 6).join('') + '*'.repeat(n - 6 - tail) + chars.slice(n - tail).join('');
}

export function maskName(name) {
  const chars = Array.from(name ?? '');
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 1);
}
