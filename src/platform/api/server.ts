// The province platform HTTP server: REST + OpenAPI + docs page, SOAP + WSDL, envelope bindings, one
// error handler mapping every failure to the catalogue (Medplum's "one global error handler" habit).
import fastifySwagger from '@fastify/swagger';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import fastJson from 'fast-json-stringify';
import { z } from 'zod';
import { PUBLISHED_ERRORS } from '../errors.ts';
import { registerCodes } from './codes.ts';
import type { PlatformService } from '../domain/service.ts';
import { randomBytes } from 'node:crypto';
import { docsPageCsp, docsPageHtml } from './docs-page.ts';
import {
  DEFAULT_HTTP_LIMITS,
  applyConnectionLimits,
  fastifyLimitOptions,
  type HttpLimits,
} from './http-limits.ts';
import { httpStatusOf, toProblem } from './problems.ts';
import { API_PREFIX, registerRest } from './rest.ts';
import { registerSoap } from './soap.ts';
import { registerGateway, soapInvokeHandler } from './envelope.ts';
import { exchangeRoutes } from '../exchange/http.ts';
import type { Clock } from '../../base/runtime.ts';

export interface ServerOptions {
  /** The clock of the service (timestamp windows of the envelope bindings). */
  clock: Clock;
  /** Request body cap in bytes (JSON and XML). */
  bodyLimit?: number;
  logger?: boolean;
  /** Accept `enc_type: NONE` on the JSON gateway (loopback / test deployments only). */
  allowPlainGateway?: boolean;
  /** Public base URL (e.g. https://rhc.example.org) written into the WSDL; default from the Host header. */
  publicUrl?: string;
  /**
   * Check every response against its zod schema before sending (default true: the tests' contract check).
   * The production server turns it off: responses are then written by fast-json-stringify compiled from
   * the same schema (only the documented fields leave the server), without a zod pass per response.
   */
  validateResponses?: boolean;
  /** Deadlines and connection caps (defaults: DEFAULT_HTTP_LIMITS). */
  httpLimits?: Partial<HttpLimits>;
}

/** Response serializer without a per-response zod pass: fast-json-stringify over the schema's JSON Schema. */
function fastSerializerCompiler({ schema }: { schema: unknown }): (data: unknown) => string {
  try {
    const json = z.toJSONSchema(schema as z.ZodType, { io: 'output', target: 'draft-7' });
    return fastJson(json as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
  } catch {
    return (data) => JSON.stringify(data);
  }
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export async function buildServer(svc: PlatformService, opts: ServerOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...opts.httpLimits };
  const app = Fastify({
    ...fastifyLimitOptions(limits),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // request logs carry method, path and status only; bodies (with identifiers) are never logged
    logger: opts.logger
      ? { level: 'info', serializers: { req: (r) => ({ method: r.method, url: r.url.split('?')[0] }) } }
      : false,
    ajv: undefined,
  });
  applyConnectionLimits(app.server, limits);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(
    opts.validateResponses === false ? (fastSerializerCompiler as never) : serializerCompiler,
  );

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    // answers carry personal data unless a route says otherwise (public code tables, WSDL, docs)
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const p = toProblem(err);
    if (p.internal) req.log.error({ err: p.internal, reqId: req.id }, 'internal error');
    const status = httpStatusOf(err, p);
    if (p.retryAfterSeconds !== undefined) void reply.header('retry-after', String(p.retryAfterSeconds));
    void reply
      .code(status)
      .type('application/problem+json')
      .send({
        type: `urn:rhc:result:${p.entry.code}`,
        title: p.entry.en,
        status,
        code: p.entry.code,
        name: p.entry.symbol,
        zh: p.entry.zh,
        detail: p.detail,
        ...(p.field ? { field: p.field } : {}),
        requestId: req.id,
      });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .type('application/problem+json')
      .send({
        type: 'urn:rhc:result:1003',
        title: 'unknown business code',
        status: 404,
        code: '1003',
        name: 'UNKNOWN_BUSINESS_CODE',
        zh: '未知的业务代码',
        detail: `no such resource: ${req.method} ${req.url.split('?')[0]}`,
        requestId: req.id,
      });
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'RHC 省级居民健康卡管理平台 / province card-management platform',
        description:
          'The ten card-platform interfaces (platform-interfaces.md §4). Errors are `application/problem+json` with `code` from docs/errors.md.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'token from RHC_C0001 (15 min)' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  await registerRest(app, svc);
  await registerCodes(app); // public code tables for the consoles (labels from one source)
  await registerSoap(app, svc, {
    invoke: soapInvokeHandler(svc, opts.clock),
    ...(opts.publicUrl ? { publicUrl: `${opts.publicUrl}/soap/rhc` } : {}),
  });
  await registerGateway(app, svc, { clock: opts.clock, allowPlain: opts.allowPlainGateway ?? false });
  await app.register(exchangeRoutes, { svc, clock: opts.clock }); // city ↔ province file exchange (src/platform/exchange)

  app.get(`${API_PREFIX}/health`, { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => ({
    ...app.swagger(),
    'x-rhc-result-codes': PUBLISHED_ERRORS,
  }));
  app.get('/docs', { schema: { hide: true } }, async (_req, reply) => {
    const nonce = randomBytes(16).toString('base64');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', docsPageCsp(nonce))
      .send(docsPageHtml('RHC 省级卡管平台接口文档 / Province platform API', nonce));
  });
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/docs'));

  return app;
}
