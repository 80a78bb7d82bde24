// OpenAPI 3.0 description of the agent, generated from the route table (one source for routing and docs).
import { readerErrors } from '../../reader/errors.ts';
import { agentErrors } from './errors.ts';
import { ROUTES } from './routes.ts';

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'symbol', 'zh', 'en'],
      properties: {
        code: {
          type: 'integer',
          description:
            'Reader error code (card-format.md §8.6, 101–113; RHC device codes 120–127) or agent code 130–149 (x-rhc-error-codes, docs/errors.md)',
        },
        symbol: { type: 'string' },
        zh: { type: 'string' },
        en: { type: 'string' },
        sw: { type: 'string', description: 'Last status word (hex) when a card or SAM answered' },
        field: { type: 'string' },
        detail: { type: 'string' },
      },
    },
  },
};

const valuesSchema = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Element/field key → value in the §8.1 string representation',
};

const bodies: Record<string, object> = {
  PersonalDetails: {
    type: 'object',
    properties: {
      holder: valuesSchema,
      validity: valuesSchema,
      addresses: valuesSchema,
      contacts: valuesSchema,
      occupation: valuesSchema,
      documents: valuesSchema,
      photoJpegBase64: { type: 'string', format: 'byte' },
    },
  },
  BasicHealth: {
    type: 'object',
    properties: {
      clinical: valuesSchema,
      special: valuesSchema,
      allergies: { type: 'array', items: valuesSchema },
      immunizations: { type: 'array', items: valuesSchema },
    },
  },
  Record: valuesSchema,
};

/** Every code the agent answers with: the reader's (card side) and its own (HTTP guards). */
const errorEntries = [...readerErrors.entries, ...agentErrors.entries];

export function buildOpenApi(serverUrl: string): object {
  const paths: Record<string, Record<string, object>> = {};
  const security = [{ token: [] }];
  const responses = (ok: object) => ({
    200: { description: 'OK', content: { 'application/json': { schema: ok } } },
    default: {
      description: 'Coded error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  });
  for (const r of ROUTES) {
    const parameters = [
      ...[...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema:
          m[1] === 'slot'
            ? { type: 'integer', minimum: 1 }
            : { type: 'string', enum: ['inpatient', 'outpatient'] },
      })),
      ...(r.query ?? []).map((q) => ({
        name: q.name,
        in: 'query',
        required: false,
        description: q.en,
        schema: { type: 'string', ...(q.values ? { enum: q.values } : {}) },
      })),
    ];
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: `${r.zh} — ${r.en}`,
      security,
      parameters,
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: `#/components/schemas/${r.body}` } } },
            },
          }
        : {}),
      responses: responses({ type: 'object' }),
    };
  }
  paths['/status'] = {
    get: {
      operationId: 'status',
      summary: '读卡器状态 — reader, card presence, SAM number, queue length',
      security,
      responses: responses({ type: 'object' }),
    },
  };
  paths['/sam/verify-pin'] = {
    post: {
      operationId: 'verifySamPin',
      summary: '校验 SAM PIN — verify the SAM PIN (after a SAM_PIN_WRONG error)',
      security,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', required: ['pin'], properties: { pin: { type: 'string' } } },
          },
        },
      },
      responses: responses({ type: 'object' }),
    },
  };
  paths['/events'] = {
    get: {
      operationId: 'events',
      summary: '插拔卡事件（WebSocket，?token=…） — card insert/remove events over WebSocket',
      parameters: [{ name: 'token', in: 'query', required: true, schema: { type: 'string' } }],
      responses: {
        101: {
          description: 'WebSocket: messages {type: "hello" | "card-inserted" | "card-removed", reader, at}',
        },
      },
    },
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'RHC 读卡代理 Reader Agent',
      version: '1',
      description:
        '本机读卡代理：浏览器 HIS 通过 127.0.0.1 调用居民健康卡读写。Local reader agent for browser-based HIS. ' +
        'Every card call needs `Authorization: Bearer <workstation token>`; browser origins must be allow-listed. ' +
        `Error codes: ${errorEntries.map((e) => `${e.code} ${e.symbol}`).join(', ')}.`,
    },
    'x-rhc-error-codes': errorEntries.map(({ code, symbol, http, zh, en, staff, integrator }) => ({
      code: Number(code),
      symbol,
      http,
      zh,
      en,
      staff,
      integrator,
    })),
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: errorSchema, ...bodies },
    },
    paths,
  };
}
