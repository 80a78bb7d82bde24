// Hostile-input cases against every endpoint of a running province server, enumerated from its own
// /openapi.json (REST) and WSDL (SOAP) plus the two routes those documents do not list (JSON gateway,
// file exchange), and a runner that classifies each answer: refused with a catalogue code, accepted, or
// FAILED (5xx other than the SOAP Fault SOAP 1.1 prescribes, code 9001, an uncoded answer, a leak of
// a local file, a dropped connection). After each batch it asks /api/v1/health: the server must survive.
import { createHmac, randomBytes } from 'node:crypto';
import { ERROR_CATALOGUE } from '../../src/platform/errors.ts';
import { envelopeDigest } from '../../src/platform/api/envelope.ts';
import { sm4EncryptBase64 } from '../../src/platform/domain/secrets.ts';
import { toWireTime } from '../../src/platform/domain/format.ts';
import { sampleOf, stringLeaves, withValue } from './hostile-values.ts';
import type { JsonSchema } from './hostile-values.ts';

export type Binding = 'rest' | 'soap' | 'gateway' | 'exchange';

export interface HostileCase {
  binding: Binding;
  /** Endpoint label: REST path, SOAP operation, gateway method, exchange route. */
  endpoint: string;
  kind: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** false: the payload may legitimately be accepted (SQL text in a free-text field); it must not break anything. */
  mustRefuse: boolean;
}

export type Outcome = 'refused' | 'accepted' | 'failed';

export interface CaseResult {
  binding: Binding;
  endpoint: string;
  kind: string;
  outcome: Outcome;
  status: number;
  code?: string;
  why?: string;
}

export interface HostileSummary {
  tried: number;
  refused: number;
  accepted: number;
  failed: number;
  batches: number;
  survivedBatches: number;
  endpoints: { rest: number; soap: number; gateway: number; exchange: number };
  byKind: Record<string, { tried: number; refused: number; accepted: number; failed: number }>;
  failures: CaseResult[];
}

export interface Credentials {
  /** A valid token of an institution allowed to call every interface it is tried on. */
  token: string;
  /** The server's token-signing key (hex, from settings) — to forge an EXPIRED but well-signed token. */
  tokenKeyHex?: string;
  /** JSON-gateway identity of the same institution. */
  appId: string;
  appSecret: string;
  orgCode: string;
}

export const SQL_PAYLOADS = [
  `' OR '1'='1'; DROP TABLE cards; --`,
  `1 OR 1=1; DELETE FROM residents WHERE 1=1 --`,
  `x%' UNION SELECT token_key FROM settings --`,
];

/**
 * Values the one text rule refuses (src/codes/text-value.ts): whatever field they land in, the answer is a
 * coded refusal — a free-text field that took one would store what the card, the exchange files or a later
 * match cannot carry (issue 13 §6).
 */
export const TEXT_PAYLOADS: Record<string, string> = {
  separator: '刘|六',
  bidi: '王\u202e五',
  'lone-surrogate': '张\ud842',
  'zero-width': '李\u200b四',
  c1: '王\u0085五',
  replacement: '\ufffd',
};

/** Every text-rule payload in every string field. */
function textVariants(sample: unknown): { kind: string; body: unknown }[] {
  return stringLeaves(sample).flatMap((leaf) =>
    Object.entries(TEXT_PAYLOADS).map(([kind, payload]) => ({
      kind: `${kind}:${leaf.join('.')}`,
      body: withValue(sample, leaf, payload),
    })),
  );
}

const CODES = new Set(ERROR_CATALOGUE.map((e) => e.code));
const SOAP_NS = 'urn:rhc:platform:soap:v1';
const ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const JSON_CT = { 'content-type': 'application/json' };
const XML_CT = { 'content-type': 'text/xml; charset=utf-8' };

export const XXE_FILE = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>`;
export const BILLION_LAUGHS =
  `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
  Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
  ).join('') +
  `]>`;

/** A token in the platform's format (base64url claims . HMAC-SM3) that expired an hour ago. */
export function expiredToken(keyHex: string, orgCode: string): string {
  const claims = {
    i: 1,
    c: orgCode,
    r: 'province',
    g: '610000',
    u: 'admin',
    t: 'HOSTILE',
    e: Math.floor(Date.now() / 1000) - 3600,
    n: randomBytes(6).toString('hex'),
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = createHmac('sm3', Buffer.from(keyHex, 'hex')).update(body).digest('base64url');
  return `${body}.${sig}`;
}

function forgedToken(valid: string): string {
  const [body] = valid.split('.');
  return `${body}.${randomBytes(32).toString('base64url')}`;
}

function tokenVariants(c: Credentials): [string, string | undefined][] {
  return [
    ['token-missing', undefined],
    ['token-forged', forgedToken(c.token)],
    ['token-garbage', `'; DROP TABLE institutions; --.x`],
    ['token-oversize', 'A'.repeat(4096) + '.B'],
    ...(c.tokenKeyHex
      ? ([['token-expired', expiredToken(c.tokenKeyHex, c.orgCode)]] as [string, string][])
      : []),
  ];
}

// ---------- enumeration ----------

export interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        security?: unknown[];
        requestBody?: { content?: Record<string, { schema: JsonSchema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface RestEndpoint {
  path: string;
  operationId: string;
  needsToken: boolean;
  schema: JsonSchema;
}

export function restEndpoints(doc: OpenApiDoc): RestEndpoint[] {
  const out: RestEndpoint[] = [];
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      if (method !== 'post') continue;
      out.push({
        path,
        operationId: op.operationId ?? path,
        needsToken: Array.isArray(op.security) && op.security.length > 0,
        schema: op.requestBody?.content?.['application/json']?.schema ?? {},
      });
    }
  return out;
}

/** Operation names of the WSDL's portType (each once). */
export function soapOperations(wsdl: string): string[] {
  return [...new Set([...wsdl.matchAll(/<wsdl:operation name="([A-Za-z0-9_]+)"/g)].map((m) => m[1]!))];
}

// ---------- case builders ----------

function toXmlElements(x: unknown, name: string): string {
  if (Array.isArray(x)) return x.map((v) => toXmlElements(v, name)).join('');
  if (x && typeof x === 'object')
    return `<${name}>${Object.entries(x)
      .map(([k, v]) => toXmlElements(v, k))
      .join('')}</${name}>`;
  const s = String(x).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<${name}>${s}</${name}>`;
}

export function soapEnvelope(op: string, payload: unknown, token?: string, prolog = ''): string {
  const inner = payload && typeof payload === 'object' ? toXmlElements(payload, 'x').slice(3, -4) : '';
  return (
    `${prolog || '<?xml version="1.0" encoding="utf-8"?>'}<soap:Envelope xmlns:soap="${ENV_NS}">` +
    (token
      ? `<soap:Header><RhcAuth xmlns="${SOAP_NS}"><token>${token}</token></RhcAuth></soap:Header>`
      : '') +
    `<soap:Body><${op}Request xmlns="${SOAP_NS}">${inner}</${op}Request></soap:Body></soap:Envelope>`
  );
}

function sqlVariants(sample: unknown): { field: string; payload: string; body: unknown }[] {
  const out: { field: string; payload: string; body: unknown }[] = [];
  for (const leaf of stringLeaves(sample))
    for (const payload of SQL_PAYLOADS)
      out.push({ field: leaf.join('.'), payload, body: withValue(sample, leaf, payload) });
  return out;
}

const OVERSIZE = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes) });

export function restCases(doc: OpenApiDoc, c: Credentials, bodyLimit: number): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const ep of restEndpoints(doc)) {
    const auth: Record<string, string> = ep.needsToken ? { authorization: `Bearer ${c.token}` } : {};
    const sample = sampleOf(ep.schema, doc);
    const add = (
      kind: string,
      headers: Record<string, string>,
      body: string | undefined,
      mustRefuse = true,
    ) =>
      cases.push({
        binding: 'rest',
        endpoint: ep.path,
        kind,
        method: 'POST',
        path: ep.path,
        headers,
        ...(body !== undefined ? { body } : {}),
        mustRefuse,
      });
    add('json-malformed', { ...JSON_CT, ...auth }, '{"cardNo": "61010');
    add('json-empty', { ...JSON_CT, ...auth }, '');
    add('json-not-object', { ...JSON_CT, ...auth }, '[1,2,3]');
    add('json-deep-nesting', { ...JSON_CT, ...auth }, '['.repeat(20000) + ']'.repeat(20000));
    add(
      'json-proto-pollution',
      { ...JSON_CT, ...auth },
      '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
    );
    // only where the body has strings to poison (the session operations take an empty body)
    const nul = JSON.stringify(withAllStrings(sample, 'A\u0000B'));
    if (nul !== JSON.stringify(sample)) add('json-nul-bytes', { ...JSON_CT, ...auth }, nul);
    add(
      'json-unknown-field',
      { ...JSON_CT, ...auth },
      JSON.stringify({ ...(sample as object), injected: "'; --" }),
    );
    add('content-type-wrong', { 'content-type': 'text/plain', ...auth }, JSON.stringify(sample));
    add('content-type-xml', { 'content-type': 'application/xml', ...auth }, `${XXE_FILE}<r>&x;</r>`);
    add('content-type-missing', { ...auth }, JSON.stringify(sample));
    add('body-oversize', { ...JSON_CT, ...auth }, OVERSIZE(bodyLimit + 1024));
    if (ep.needsToken)
      for (const [kind, tok] of tokenVariants(c))
        add(kind, { ...JSON_CT, ...(tok ? { authorization: `Bearer ${tok}` } : {}) }, JSON.stringify(sample));
    for (const v of sqlVariants(sample))
      add(`sql-in-field:${v.field}`, { ...JSON_CT, ...auth }, JSON.stringify(v.body), false);
    for (const v of textVariants(sample))
      add(`text-rule:${v.kind}`, { ...JSON_CT, ...auth }, JSON.stringify(v.body));
  }
  return cases;
}

function withAllStrings(x: unknown, value: string): unknown {
  return stringLeaves(x).reduce((acc, leaf) => withValue(acc, leaf, value), x);
}

export function soapCases(doc: OpenApiDoc, wsdl: string, c: Credentials, bodyLimit: number): HostileCase[] {
  const schemas = new Map(restEndpoints(doc).map((e) => [e.operationId, e]));
  const cases: HostileCase[] = [];
  for (const op of soapOperations(wsdl)) {
    const ep = schemas.get(op);
    const sample =
      op === 'invoke'
        ? {
            header: `<request><msgGuid>${'a'.repeat(32)}</msgGuid><businessCode>RHC_C0003</businessCode><msgCreateTime>${toWireTime(new Date())}</msgCreateTime><orgCode>${c.orgCode}</orgCode><termId>T1</termId><token>${c.token}</token><stdVerCode>1.0</stdVerCode></request>`,
            body: '<request><cardNo>610102199001011231</cardNo><chipSerial>A1B2C3D4E5</chipSerial></request>',
          }
        : ep
          ? sampleOf(ep.schema, doc)
          : {};
    const needsToken = op !== 'AuthenticateInstitution' && op !== 'invoke';
    const tok = needsToken ? c.token : undefined;
    const add = (kind: string, body: string, headers: Record<string, string> = XML_CT, mustRefuse = true) =>
      cases.push({
        binding: 'soap',
        endpoint: op,
        kind,
        method: 'POST',
        path: '/soap/rhc',
        headers: { ...headers, soapaction: `${SOAP_NS}/${op}` },
        body,
        mustRefuse,
      });
    const good = soapEnvelope(op, sample, tok);
    add('xml-malformed', good.slice(0, Math.floor(good.length / 2)));
    add('xml-empty', '');
    add('xml-not-soap', '<request><cardNo>1</cardNo></request>');
    add('xxe-external-file', soapEnvelope(op, { cardNo: '&x;' }, tok, XXE_FILE).replace('&amp;x;', '&x;'));
    add(
      'xxe-parameter-entity',
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]>` +
        good.replace(/^<\?xml[^>]*\?>/, ''),
    );
    add(
      'billion-laughs',
      BILLION_LAUGHS + good.replace(/^<\?xml[^>]*\?>/, '').replace('<soap:Body>', '<soap:Body>&lol9;'),
    );
    add('xml-unknown-operation', soapEnvelope(`${op}Evil`, sample, tok));
    add('content-type-json', JSON.stringify(sample), JSON_CT);
    add('content-type-missing', good, {});
    add('content-type-text-plain', good, { 'content-type': 'text/plain' });
    add('body-oversize', soapEnvelope(op, { pad: 'x'.repeat(bodyLimit + 1024) }, tok));
    if (needsToken)
      for (const [kind, t] of tokenVariants(c))
        add(kind, soapEnvelope(op, sample, t && t.replace(/[<>&]/g, '')));
    if (op === 'invoke') {
      const s = sample as { header: string; body: string };
      add(
        'invoke-header-xxe',
        soapEnvelope(op, { header: `${XXE_FILE}<request>&x;</request>`, body: s.body }),
      );
      add(
        'invoke-header-billion-laughs',
        soapEnvelope(op, { header: `${BILLION_LAUGHS}<request>&lol9;</request>`, body: s.body }),
      );
      add('invoke-header-malformed', soapEnvelope(op, { header: '<request><msgGuid>', body: s.body }));
      add(
        'invoke-body-xxe',
        soapEnvelope(op, { header: s.header, body: `${XXE_FILE}<request><cardNo>&x;</cardNo></request>` }),
      );
      for (const p of SQL_PAYLOADS)
        add(
          'sql-in-field:invoke.body.cardNo',
          soapEnvelope(op, { header: s.header, body: `<request><cardNo>${escape(p)}</cardNo></request>` }),
          XML_CT,
          false,
        );
    } else {
      for (const v of sqlVariants(sample))
        add(`sql-in-field:${v.field}`, soapEnvelope(op, v.body, tok), XML_CT, false);
    }
  }
  return cases;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** JSON envelope binding: well-formed, correctly signed and SM4-encrypted envelopes carrying hostile bodies. */
export function gatewayCases(doc: OpenApiDoc, c: Credentials, bodyLimit: number): HostileCase[] {
  const path = '/api/v1/gateway';
  const byOp = new Map(restEndpoints(doc).map((e) => [e.operationId, e]));
  const methods: [string, string][] = [
    ['RHC_C0002', 'VerifyIdNumber'],
    ['RHC_C0003', 'VerifyCard'],
    ['RHC_C0004', 'SyncCardIssuance'],
    ['RHC_C0005', 'SyncCardStatus'],
  ];
  const cases: HostileCase[] = [];
  const envelope = (method: string, biz: unknown, over: Record<string, string> = {}) => {
    const fields: Record<string, string> = {
      app_id: c.appId,
      term_id: 'HOSTILE',
      method,
      version: '1.0',
      timestamp: toWireTime(new Date()),
      digest_type: 'SM3',
      enc_type: 'SM4',
      token: c.token,
      biz_content: sm4EncryptBase64(c.appSecret, typeof biz === 'string' ? biz : JSON.stringify(biz)),
      ...over,
    };
    return JSON.stringify({ ...fields, digest: envelopeDigest(fields, c.appSecret) });
  };
  const add = (endpoint: string, kind: string, body: string, headers = JSON_CT, mustRefuse = true) =>
    cases.push({ binding: 'gateway', endpoint, kind, method: 'POST', path, headers, body, mustRefuse });
  add('gateway', 'json-malformed', '{"app_id":');
  add('gateway', 'json-empty', '');
  add('gateway', 'content-type-wrong', 'app_id=1', { 'content-type': 'application/x-www-form-urlencoded' });
  add('gateway', 'body-oversize', OVERSIZE(bodyLimit + 1024));
  add('gateway', 'fields-missing', JSON.stringify({ app_id: c.appId }));
  add('gateway', 'app-id-unknown', envelope('RHC_C0003', {}, { app_id: 'NO-SUCH-APP' }));
  add('gateway', 'app-id-sql', envelope('RHC_C0003', {}, { app_id: `' OR 1=1 --` }));
  add(
    'gateway',
    'digest-forged',
    envelope('RHC_C0003', {}).replace(/"digest":"[0-9A-F]{4}/, '"digest":"0000'),
  );
  add('gateway', 'timestamp-stale', envelope('RHC_C0003', {}, { timestamp: '20200101000000' }));
  add('gateway', 'method-unknown', envelope("RHC_C0003' OR '1'='1", {}));
  add('gateway', 'biz-not-sm4', envelope('RHC_C0003', {}, { biz_content: 'bm90IGVuY3J5cHRlZA==' }));
  add('gateway', 'biz-not-json', envelope('RHC_C0003', '{"cardNo":'));
  add('gateway', 'enc-none-refused', envelope('RHC_C0003', {}, { enc_type: 'NONE', biz_content: '{}' }));
  for (const [method, op] of methods) {
    const ep = byOp.get(op);
    if (!ep) continue;
    const sample = sampleOf(ep.schema, doc);
    for (const [kind, tok] of tokenVariants(c))
      add(method, kind, envelope(method, sample, tok ? { token: tok } : { token: '' }));
    for (const v of sqlVariants(sample))
      add(method, `sql-in-field:${v.field}`, envelope(method, v.body), JSON_CT, false);
  }
  return cases;
}

/** File-exchange routes (not in the OpenAPI document): auth, traversal and injection in names. */
export function exchangeCases(c: Credentials): HostileCase[] {
  const octets = { 'content-type': 'application/octet-stream' };
  const sqlText = encodeURIComponent("' OR 1=1 --");
  // Each route: a valid request (sent with every token variant) and its injection cases (sent with a valid token).
  const routes: {
    endpoint: string;
    method: 'GET' | 'PUT';
    valid: { path: string; headers?: Record<string, string>; body?: string };
    attacks: [kind: string, path: string, body?: string][];
  }[] = [
    {
      endpoint: 'PUT /api/v1/exchange/files/:name',
      method: 'PUT',
      valid: { path: '/api/v1/exchange/files/KXX_610100_20260601_0001.txt', headers: octets, body: 'x' },
      attacks: [
        ['path-traversal', '/api/v1/exchange/files/..%2F..%2F..%2Fetc%2Fpasswd', 'x'],
        ['name-sql', `/api/v1/exchange/files/${encodeURIComponent("KXX' OR '1'='1")}`, 'x'],
        [
          'name-garbage-content',
          '/api/v1/exchange/files/KXX_610100_20260601_0001.txt',
          '\u0000\u0001garbage\r\n'.repeat(100),
        ],
      ],
    },
    {
      endpoint: 'GET /api/v1/exchange/lists/:type',
      method: 'GET',
      valid: { path: '/api/v1/exchange/lists/SHMD' },
      attacks: [
        ['type-sql', `/api/v1/exchange/lists/${encodeURIComponent("SHMD' OR 1=1 --")}`],
        ['have-sql', `/api/v1/exchange/lists/SHMD?have=${sqlText}`],
      ],
    },
    {
      endpoint: 'GET /api/v1/exchange/status',
      method: 'GET',
      valid: { path: '/api/v1/exchange/status?type=KXX' },
      attacks: [['type-sql', `/api/v1/exchange/status?type=${encodeURIComponent("KXX' OR 1=1 --")}`]],
    },
  ];
  const bearer = (tok: string | undefined): Record<string, string> =>
    tok ? { authorization: `Bearer ${tok}` } : {};
  return routes.flatMap((r) => {
    const headers = r.valid.headers ?? {};
    const one = (kind: string, path: string, tok: string | undefined, body?: string): HostileCase => ({
      binding: 'exchange',
      endpoint: r.endpoint,
      kind,
      method: r.method,
      path,
      headers: { ...headers, ...bearer(tok) },
      ...(body !== undefined ? { body } : {}),
      mustRefuse: true,
    });
    return [
      ...tokenVariants(c).map(([kind, tok]) => one(kind, r.valid.path, tok, r.valid.body)),
      ...r.attacks.map(([kind, path, body]) => one(kind, path, c.token, body)),
    ];
  });
}

// ---------- classification and running ----------

function faultCode(xml: string): { code?: string; faultcode?: string } {
  const code = /<(?:\w+:)?code>(\d{4})<\/(?:\w+:)?code>/.exec(xml)?.[1];
  const faultcode = /<faultcode>([^<]+)<\/faultcode>/.exec(xml)?.[1];
  return { ...(code ? { code } : {}), ...(faultcode ? { faultcode } : {}) };
}

export function classify(k: HostileCase, status: number, text: string): CaseResult {
  const base = { binding: k.binding, endpoint: k.endpoint, kind: k.kind, status };
  const fail = (why: string, code?: string): CaseResult => ({
    ...base,
    outcome: 'failed',
    why,
    ...(code ? { code } : {}),
  });
  if (/root:x?:0:0:/.test(text)) return fail('local file content in the answer');
  let code: string | undefined;
  let ok = false;
  if (k.binding === 'soap' && text.includes('Envelope')) {
    const f = faultCode(text);
    code = f.code;
    // the envelope binding (invoke) answers 200 with its own <response><resultCode> inside <return>
    const inner = /(?:<|&lt;)resultCode(?:>|&gt;)(\d{4})(?:<|&lt;)/.exec(text)?.[1];
    if (status === 200 && !f.faultcode && inner && inner !== '0000') code = inner;
    else if (status === 200 && !f.faultcode) ok = true;
    else if (status !== 500 || !f.faultcode)
      return fail(`SOAP status ${status} without a proper Fault`, code);
    else if (f.faultcode !== 'soap:Client' && code !== '9002')
      return fail(`server-side fault ${f.faultcode}`, code);
  } else {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // non-JSON answer: only plain success bodies (list files) may be non-JSON
    }
    if (k.binding === 'gateway' && status === 200 && typeof body.result_code === 'string') {
      code = body.result_code;
      ok = code === '0000';
    } else if (status >= 200 && status < 300) ok = true;
    else code = typeof body.code === 'string' ? body.code : undefined;
    if (!ok && status >= 500) return fail(`HTTP ${status}`, code);
  }
  if (ok) return k.mustRefuse ? fail('hostile input accepted') : { ...base, outcome: 'accepted' };
  if (!code || !CODES.has(code)) return fail(`refusal without a catalogue code (HTTP ${status})`, code);
  if (code === '9001') return fail('internal error (9001)', code);
  return { ...base, outcome: 'refused', code };
}

export async function runHostile(
  baseUrl: string,
  cases: HostileCase[],
  o: { onBatch?: (endpoint: string, healthy: boolean) => void; timeoutMs?: number } = {},
): Promise<{ results: CaseResult[]; summary: HostileSummary }> {
  const results: CaseResult[] = [];
  let batches = 0;
  let survived = 0;
  const groups = new Map<string, HostileCase[]>();
  for (const k of cases) {
    const key = `${k.binding} ${k.endpoint}`;
    groups.set(key, [...(groups.get(key) ?? []), k]);
  }
  for (const [key, group] of groups) {
    for (const k of group) {
      try {
        const res = await fetch(`${baseUrl}${k.path}`, {
          method: k.method,
          headers: k.headers,
          // a string body makes fetch add text/plain; bytes go without a content type
          ...(k.body !== undefined
            ? { body: 'content-type' in k.headers ? k.body : Buffer.from(k.body) }
            : {}),
          signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
        });
        results.push(classify(k, res.status, await res.text()));
      } catch (err) {
        results.push({
          binding: k.binding,
          endpoint: k.endpoint,
          kind: k.kind,
          status: 0,
          outcome: 'failed',
          why: `no answer: ${(err as Error).message}`,
        });
      }
    }
    batches++;
    let healthy = false;
    try {
      healthy =
        (await fetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(5000) })).status === 200;
    } catch {
      healthy = false;
    }
    if (healthy) survived++;
    o.onBatch?.(key, healthy);
  }
  return { results, summary: summarise(results, batches, survived) };
}

export function summarise(results: CaseResult[], batches: number, survivedBatches: number): HostileSummary {
  const byKind: HostileSummary['byKind'] = {};
  const endpoints = {
    rest: new Set<string>(),
    soap: new Set<string>(),
    gateway: new Set<string>(),
    exchange: new Set<string>(),
  };
  for (const r of results) {
    const kind = r.kind.startsWith('sql-in-field:') ? 'sql-in-field' : r.kind;
    const k = (byKind[kind] ??= { tried: 0, refused: 0, accepted: 0, failed: 0 });
    k.tried++;
    k[r.outcome]++;
    endpoints[r.binding].add(r.endpoint);
  }
  return {
    tried: results.length,
    refused: results.filter((r) => r.outcome === 'refused').length,
    accepted: results.filter((r) => r.outcome === 'accepted').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    batches,
    survivedBatches,
    endpoints: {
      rest: endpoints.rest.size,
      soap: endpoints.soap.size,
      gateway: endpoints.gateway.size,
      exchange: endpoints.exchange.size,
    },
    byKind,
    failures: results.filter((r) => r.outcome === 'failed'),
  };
}
