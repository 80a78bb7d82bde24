// REST binding: POST /api/v1/… per interface (JSON bodies only — identifiers never in URLs), bearer
// tokens from RHC_C0001, problem responses with the catalogue code.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { INTERFACES, SESSION_OPERATIONS } from '../contracts.ts';
import type { PlatformService } from '../domain/service.ts';
import type { Caller } from '../domain/institutions/index.ts';

export const API_PREFIX = '/api/v1';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : undefined;
}

export async function registerRest(app: FastifyInstance, svc: PlatformService): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const def of INTERFACES) {
    const needsToken = def.code !== 'RHC_C0001';
    r.route({
      method: 'POST',
      url: `${API_PREFIX}${def.path}`,
      schema: {
        operationId: def.op,
        summary: `${def.code} ${def.zh}`,
        description: `${def.op} — SOAP operation of the same name at /soap/rhc. ${needsToken ? 'Requires `Authorization: Bearer <token>` from RHC_C0001.' : 'Returns the short-lived token.'}`,
        tags: ['RHC'],
        body: def.req,
        response: { 200: def.res },
        ...(needsToken ? { security: [{ bearer: [] }] } : {}),
      },
      preValidation: needsToken
        ? async (req: FastifyRequest) => {
            req.caller = await svc.registry.callerFromToken(bearer(req));
          }
        : undefined,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const out = await svc.dispatch(def.code, req.caller, req.body, { source: req.ip });
        reply.header('cache-control', 'no-store');
        return out as never;
      },
    });
  }
  for (const def of SESSION_OPERATIONS)
    r.route({
      method: 'POST',
      url: `${API_PREFIX}${def.path}`,
      schema: {
        operationId: def.op,
        summary: def.zh,
        description: `${def.op} — SOAP operation of the same name. Requires \`Authorization: Bearer <token>\`.`,
        tags: ['RHC'],
        body: def.req,
        response: { 200: def.res },
        security: [{ bearer: [] }],
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        reply.header('cache-control', 'no-store');
        return (await svc.session(def.code, bearer(req))) as never;
      },
    });
}
