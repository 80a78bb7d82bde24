// The console's browser modules and static serving, without a browser: SM3 against the standard's
// examples and node:crypto, the request bodies every page builds against the platform's own schemas
// (contracts.ts) and OpenAPI paths, dictionary completeness, wire formats, masking, and the plugin's
// headers and path handling.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_CSP, registerConsole } from '../src/apps/web/index.ts';
import { getCodeTable, maskIdNumber as platformMaskId } from '../src/codes/index.ts';
import { seededRandom } from '../src/base/runtime.ts';
import { INTERFACES } from '../src/platform/contracts.ts';
import { passwordDigest as platformDigest, sm3Hex as platformSm3 } from '../src/platform/domain/secrets.ts';
import { sqliteTarget, usePlatform } from '../testkit/platform/suite.ts';

// Browser modules have no type declarations: loaded through a computed URL (typed as any on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (name: string): Promise<any> =>
  import(new URL(`../src/apps/web/public/${name}`, import.meta.url).href);

describe('console: SM3 in the browser module', () => {
  test('GB/T 32905-2016 appendix A examples', async () => {
    const { sm3Hex } = await load('sm3.js');
    assert.equal(sm3Hex('abc'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    assert.equal(
      sm3Hex('abcd'.repeat(16)),
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  test('equals node:crypto sm3 across block boundaries and UTF-8', async () => {
    const { sm3Hex } = await load('sm3.js');
    for (const s of [
      '',
      'a',
      'x'.repeat(55),
      'x'.repeat(56),
      'x'.repeat(63),
      'x'.repeat(64),
      'y'.repeat(200),
      '密码Ω',
    ])
      assert.equal(sm3Hex(s), createHash('sm3').update(s, 'utf8').digest('hex'), `length ${s.length}`);
  });

  test('pwdDigest equals the platform rule SM3(SM3(password) ‖ msgCreateTime)', async () => {
    const { passwordDigest } = await load('sm3.js');
    assert.equal(
      passwordDigest('demo-0a1b2c3d4e', '20260601100000'),
      platformDigest(platformSm3('demo-0a1b2c3d4e'), '20260601100000'),
    );
  });
});

describe('console: wire formats and masking', () => {
  test('times are China time whatever the workstation zone', async () => {
    const w = await load('wire.js');
    assert.equal(w.toWireTime(new Date('2026-06-01T16:30:05Z')), '20260602003005');
    assert.equal(w.toWireDate(new Date('2026-12-31T16:00:00Z')), '20270101');
    assert.equal(w.inputDateToWire('2026-06-01'), '20260601');
    assert.equal(w.wireDateToInput('20260601'), '2026-06-01');
    assert.equal(w.showWire('20260601093000'), '2026-06-01 09:30:00');
    assert.equal(w.parseWireTime('20260602003005')?.toISOString(), '2026-06-01T16:30:05.000Z');
    assert.equal(w.parseWireTime('2026-06-02'), undefined);
  });

  test('ID masking matches the codes layer; names keep only the first character', async () => {
    const w = await load('wire.js');
    for (const id of ['610102199001011231', '61010219900101123X', '610102900101123', 'E12345678', 'AB'])
      assert.equal(w.maskIdNumber(id), platformMaskId(id), id);
    assert.equal(w.maskName('张三丰'), '张**');
    assert.equal(w.maskName('李'), '*');
  });

  test('serial numbers fit an ≤ 32 and differ by randomness', async () => {
    const w = await load('wire.js');
    const r = seededRandom(1);
    const a = w.newSerialNo('OP', new Date('2026-06-01T02:00:00Z'), (n: number) => r.bytes(n));
    const b = w.newSerialNo('OP', new Date('2026-06-01T02:00:00Z'), (n: number) => r.bytes(n));
    assert.match(a, /^OP-20260601100000-[0-9a-f]{12}$/);
    assert.ok(a.length <= 32);
    assert.notEqual(a, b);
  });
});

describe('console: sign-in from the browser module', () => {
  test('sends pwdDigest (never the password), keeps msgCreateTime strictly increasing, stores the token in the given storage', async () => {
    const { createApi } = await load('api.js');
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
    const sent: Record<string, string>[] = [];
    const serverTime = 'Mon, 01 Jun 2026 02:00:00 GMT';
    const urls: string[] = [];
    const fetchFn = async (url: string, init?: { body?: string }) => {
      if (url.endsWith('/health')) return new Response('{"ok":true}', { headers: { date: serverTime } });
      urls.push(url);
      if (!url.endsWith('/auth/token'))
        return new Response(
          JSON.stringify({ token: `tok${urls.length}`, expiresAt: '20260601103000', signedOut: true }),
        );
      sent.push(JSON.parse(init!.body!));
      return new Response(
        JSON.stringify({
          token: `tok${sent.length}`,
          expiresAt: '20260601101500',
          orgName: 'X',
          regionCode: '610100',
          allowedCodes: [],
        }),
      );
    };
    // the workstation clock is 2 hours fast: the platform's Date header wins
    const api = createApi({ fetchFn, storage, now: () => new Date('2026-06-01T04:00:00.400Z') });
    await api.signIn({ orgCode: '61000000-8', userName: 'admin', password: 'pw-secret', termId: 'T1' });
    await api.signIn({ orgCode: '61000000-8', userName: 'admin', password: 'pw-secret', termId: 'T1' });
    assert.deepEqual(
      sent.map((b) => b.msgCreateTime),
      ['20260601100000', '20260601100001'],
    );
    for (const b of sent) {
      assert.ok(!JSON.stringify(b).includes('pw-secret'));
      assert.equal(b.pwdDigest, platformDigest(platformSm3('pw-secret'), b.msgCreateTime));
    }
    assert.equal(api.session().token, 'tok2');
    // renewing replaces the token; signing out revokes it at the platform, then forgets it
    const renewed = await api.renew();
    assert.equal(renewed.token, 'tok3');
    assert.equal(api.session().token, 'tok3');
    await api.signOut();
    assert.equal(api.session(), undefined);
    assert.deepEqual(urls.slice(-2), ['/api/v1/auth/renew', '/api/v1/auth/sign-out']);
  });
});

describe('console: dictionaries', () => {
  test('zh-CN and en have the same keys and no empty text', async () => {
    const { MESSAGES } = await load('i18n.js');
    const zh = Object.keys(MESSAGES['zh-CN']).sort();
    const en = Object.keys(MESSAGES.en).sort();
    assert.deepEqual(
      zh.filter((k) => !en.includes(k)),
      [],
      'keys missing in en',
    );
    assert.deepEqual(
      en.filter((k) => !zh.includes(k)),
      [],
      'keys missing in zh-CN',
    );
    for (const k of zh) assert.ok(MESSAGES['zh-CN'][k] && MESSAGES.en[k], k);
  });

  test('national code labels are not copied into the dictionaries: they come from the code tables', async () => {
    const { MESSAGES, CODE_TABLES } = await load('i18n.js');
    const prefixes = Object.keys(CODE_TABLES);
    assert.deepEqual(prefixes.sort(), ['opType', 'reason', 'status']);
    for (const table of Object.values(CODE_TABLES) as string[]) assert.ok(getCodeTable(table).entries.length);
    const copies = Object.keys(MESSAGES['zh-CN']).filter((k) => prefixes.includes(k.split('.')[0]!));
    assert.deepEqual(copies, [], 'hard-coded code labels in i18n.js');
  });

  test('every label, hint, option and title a page uses is in both dictionaries (code labels from the tables)', async () => {
    const { MESSAGES, CODE_TABLES, addCodeLabels } = await load('i18n.js');
    for (const [prefix, table] of Object.entries(CODE_TABLES as Record<string, string>))
      addCodeLabels(prefix, getCodeTable(table).entries); // what the console loads from /api/v1/codes
    const { PAGES } = await load('pages.js');
    const used: string[] = [];
    for (const p of PAGES) {
      used.push(`page.${p.id}.title`, `page.${p.id}.intro`, `nav.${p.id}`);
      for (const f of p.fields) {
        used.push(f.label);
        if (f.hint) used.push(f.hint);
        if (f.type === 'select') for (const v of f.values) used.push(`${f.prefix}.${v}`);
      }
    }
    for (const lang of ['zh-CN', 'en'])
      assert.deepEqual(
        used.filter((k) => !(k in MESSAGES[lang])),
        [],
        lang,
      );
  });
});

/** Hand-filled form values per page (what an operator would type), in form-value shape. */
const FORM_VALUES: Record<string, Record<string, unknown>> = {
  verifyId: { idType: '01', idNo: '610102199001011231', name: '张三', sex: '1', birthDate: '19900101' },
  verifyCard: { cardNo: '610102199001011231', chipSerial: 'A1B2C3D4E5', securityCode: '123' },
  issuance: {
    holder: { idType: '01', idNo: '610102199001011231', name: '张三', sex: '1', birthDate: '19900101' },
    card: {
      chipSerial: 'A1B2C3D4E5',
      cardType: '1',
      specVersion: '0100',
      issuerOrgName: '西安市卫生健康委员会',
      issuerOrgCode: '6101000000000000000001',
      issueDate: '20260601',
      validUntil: '20360601',
      appCityCode: '610100',
      cardForm: '1',
    },
    issuePoint: '45075129-0',
  },
  status: {
    cardNo: '610102199001011231',
    chipSerial: 'A1B2C3D4E5',
    action: 'lost',
    oldStatus: '30',
    reasonCode: '02',
  },
  replacement: {
    type: '1',
    cardNo: '610102199001011231',
    oldChipSerial: 'A1B2C3D4E5',
    newChipSerial: 'B1B2C3D4E5',
    newValidUntil: '20360601',
    reasonCode: '02',
  },
  lists: { listType: 'B', haveVersion: '20260601.0003' },
  statistics: { groupBy: 'op', regionCode: '6101', startDate: '20260101', endDate: '20260630' },
  resident: { idType: '01', idNo: '610102199001011231', changes: { phone1: '029-88886666' } },
  card: { cardNo: '610102199001011231', chipSerial: 'A1B2C3D4E5', changes: { validUntil: '20400101' } },
};

describe('console: pages build requests the platform accepts', () => {
  const { server } = usePlatform(sqliteTarget(), { server: {} });
  let app: FastifyInstance;
  let openapi: { paths: Record<string, { post?: { summary?: string } }> };

  before(async () => {
    app = server.app;
    await registerConsole(app);
    openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });

  test('each page posts to the OpenAPI path of its business code', async () => {
    const { PAGES } = await load('pages.js');
    assert.equal(PAGES.length, 9, 'interfaces 2–10 (1 is the sign-in)');
    for (const page of PAGES) {
      const op = openapi.paths[`/api/v1${page.path}`]?.post;
      assert.ok(op, `${page.path} missing from /openapi.json`);
      assert.match(op.summary ?? '', new RegExp(`^${page.code} `), page.id);
    }
    assert.ok(openapi.paths['/api/v1/auth/token']?.post, 'sign-in path');
  });

  test("each page's body validates against the interface schema of contracts.ts", async () => {
    const { PAGES } = await load('pages.js');
    const ctx = {
      session: { userName: 'admin', orgCode: '45075129-0', orgName: '演示医院', regionCode: '610102' },
      now: () => new Date('2026-06-01T02:00:00Z'),
      wireNow: () => '20260601100000',
      serialNo: (prefix: string) => `${prefix}-20260601100000-0a0b0c0d0e0f`,
      listVersion: () => undefined,
    };
    for (const page of PAGES) {
      const def = INTERFACES.find((i) => i.code === page.code)!;
      const body = page.build(structuredClone(FORM_VALUES[page.id]), ctx);
      const r = def.req.safeParse(body);
      assert.ok(r.success, `${page.id}: ${JSON.stringify(r.error?.issues)}`);
    }
  });

  test('status actions map to the §5.2 transitions and the card number defaults to the ID number', async () => {
    const { PAGES, STATUS_ACTIONS } = await load('pages.js');
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(STATUS_ACTIONS).map(([k, v]) => [
          k,
          `${(v as { from: string }).from}>${(v as { to: string }).to}`,
        ]),
      ),
      { lost: '30>40', found: '40>30', freeze: '30>50', unfreeze: '50>30', cancel: '30>90' },
    );
    const issuance = PAGES.find((pg: { id: string }) => pg.id === 'issuance');
    const body = issuance.build(structuredClone(FORM_VALUES.issuance), {
      session: { userName: 'admin' },
      wireNow: () => '20260601100000',
      serialNo: () => 'OP-1',
    });
    assert.equal(body.card.cardNo, '610102199001011231');
  });

  test('static files: CSP, types, redirect, nothing outside public/', async () => {
    const root = await app.inject({ method: 'GET', url: '/console' });
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/console/');
    const html = await app.inject({ method: 'GET', url: '/console/' });
    assert.equal(html.statusCode, 200);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.equal(html.headers['content-security-policy'], CONSOLE_CSP);
    assert.match(html.body, /<html lang="zh-CN">/);
    const js = await app.inject({ method: 'GET', url: '/console/app.js' });
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    for (const bad of [
      '/console/..%2Fconsole.ts',
      '/console/%2e%2e%2fconsole.ts',
      '/console/nope.js',
      '/console/README.md',
    ])
      assert.equal((await app.inject({ method: 'GET', url: bad })).statusCode, 404, bad);
    // the console adds nothing to the API description
    assert.ok(!Object.keys(openapi.paths).some((k) => k.startsWith('/console')));
  });
});
