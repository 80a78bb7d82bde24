// The per-workstation agent token: generated on first start, stored with mode 0600 in a 0700 directory,
// compared in constant time. HIS pages present it as `Authorization: Bearer <token>` (WebSocket: ?token=).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const defaultTokenFile = (): string => join(homedir(), '.rhc', 'agent-token');

export function loadOrCreateToken(path: string): { token: string; created: boolean } {
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, 0o600); // tighten a token file others could read
    const token = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(token)) return { token, created: false };
    throw new Error(`令牌文件格式错误 token file is malformed: ${path}`);
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('hex');
  writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
  return { token, created: true };
}

export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
