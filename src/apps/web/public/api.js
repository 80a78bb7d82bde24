// The platform's REST binding (/api/v1, OpenAPI at /openapi.json) from the browser: sign-in with
// RHC_C0001, bearer calls, and errors as { code, name, zh, en, field } from the problem responses.
// The token lives in sessionStorage only (gone when the tab closes); the password never leaves the page.
import { passwordDigest } from './sm3.js';
import { parseWireTime, toWireTime } from './wire.js';

export const API = '/api/v1';
const SESSION_KEY = 'rhc.console.session';
const LAST_AUTH_KEY = 'rhc.console.lastAuthTime';

export class ApiError extends Error {
  constructor(p) {
    super(`${p.code} ${p.en}`);
    this.code = p.code;
    this.name = p.name ?? 'ApiError';
    this.zh = p.zh;
    this.en = p.en;
    this.field = p.field;
    this.detail = p.detail;
  }
}

const NETWORK = { code: '0000', name: 'NETWORK' };

export function createApi({ fetchFn, storage, now = () => new Date() }) {
  /** Workstation clock minus server clock (ms), from the Date header: RHC_C0001 allows only ±300 s. */
  let clockSkew = 0;

  const serverNow = () => new Date(now().getTime() - clockSkew);

  async function request(path, body, token) {
    let res;
    try {
      res = await fetchFn(`${API}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (_err) {
      throw Object.assign(new ApiError({ ...NETWORK, zh: '', en: '' }), { network: true });
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok)
      throw new ApiError({
        code: data.code ?? String(res.status),
        name: data.name,
        zh: data.zh ?? '',
        en: data.title ?? '',
        field: data.field,
        detail: data.detail,
      });
    return data;
  }

  async function syncClock() {
    try {
      const res = await fetchFn(`${API}/health`, { cache: 'no-store' });
      const date = Date.parse(res.headers.get('date') ?? '');
      if (Number.isFinite(date)) clockSkew = now().getTime() - date;
    } catch (_err) {
      clockSkew = 0; // the sign-in itself will report the network error
    }
  }

  /** msgCreateTime strictly newer than the last accepted one (the platform's replay guard). */
  function nextAuthTime() {
    const time = toWireTime(serverNow());
    const last = parseWireTime(storage.getItem(LAST_AUTH_KEY) ?? '');
    if (last && time <= toWireTime(last)) return toWireTime(new Date(last.getTime() + 1000));
    return time;
  }

  return {
    session() {
      const raw = storage.getItem(SESSION_KEY);
      return raw ? JSON.parse(raw) : undefined;
    },
    async signIn({ orgCode, userName, password, termId }) {
      await syncClock();
      const msgCreateTime = nextAuthTime();
      const out = await request('/auth/token', {
        orgCode,
        termId,
        userName,
        msgCreateTime,
        pwdDigest: passwordDigest(password, msgCreateTime),
        clientVersion: 'rhc-web-console/1',
      });
      storage.setItem(LAST_AUTH_KEY, msgCreateTime);
      const session = {
        token: out.token,
        expiresAt: out.expiresAt,
        orgName: out.orgName,
        orgCode,
        userName,
        termId,
        regionCode: out.regionCode,
        allowedCodes: out.allowedCodes,
        blacklistVersion: out.blacklistVersion,
        whitelistVersion: out.whitelistVersion,
      };
      storage.setItem(SESSION_KEY, JSON.stringify(session));
      return session;
    },
    /** Revokes the token at the platform (best effort: offline, the token still dies at expiry), then forgets it. */
    async signOut() {
      const s = this.session();
      storage.removeItem(SESSION_KEY);
      if (s?.token) await request('/auth/sign-out', {}, s.token).catch(() => undefined);
    },
    /** Sliding session: a fresh token for the current one before it expires. */
    async renew() {
      const s = this.session();
      if (!s) return undefined;
      const out = await request('/auth/renew', {}, s.token);
      const next = { ...s, token: out.token, expiresAt: out.expiresAt };
      storage.setItem(SESSION_KEY, JSON.stringify(next));
      return next;
    },
    async call(path, body) {
      const s = this.session();
      return request(path, body, s?.token);
    },
    serverNow,
  };
}
