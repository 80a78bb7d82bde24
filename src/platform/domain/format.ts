// Wire formats of platform-interfaces.md §2.3: dates yyyyMMdd, times yyyyMMddHHmmss (China time, UTC+8,
// because that is what terminals send), and list versions yyyyMMdd.nnnn.
const CHINA_OFFSET_MS = 8 * 3600_000;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function toWireTime(d: Date): string {
  const c = new Date(d.getTime() + CHINA_OFFSET_MS);
  return `${c.getUTCFullYear()}${pad(c.getUTCMonth() + 1)}${pad(c.getUTCDate())}${pad(c.getUTCHours())}${pad(c.getUTCMinutes())}${pad(c.getUTCSeconds())}`;
}

export function toWireDate(d: Date): string {
  return toWireTime(d).slice(0, 8);
}

/** Parses yyyyMMddHHmmss (China time); undefined when malformed or not a real calendar time. */
export function parseWireTime(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(utc);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59)
    return undefined;
  return new Date(utc - CHINA_OFFSET_MS);
}

export function isWireDate(s: string): boolean {
  return parseWireTime(`${s}000000`) !== undefined;
}

export function listVersion(date: string, n: number): string {
  return `${date}.${pad(n, 4)}`;
}
