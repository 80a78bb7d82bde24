// SOAP 1.1 document/literal binding at /soap/rhc (WSDL at ?wsdl): one typed operation per interface,
// served with fast-xml-parser (no DTDs, size cap of the HTTP layer), same service and codes as REST;
// failures are SOAP Faults whose detail carries the catalogue code.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INTERFACES, SESSION_OPERATIONS } from '../contracts.ts';
import type { Caller } from '../domain/institutions/index.ts';
import type { PlatformService } from '../domain/service.ts';
import { RhcError } from '../errors.ts';
import { toProblem } from './problems.ts';
import type { Problem } from './problems.ts';
import { parseInput } from './validation.ts';
import { INVOKE_OP, SOAP_NS, SOAP_PATH, buildWsdl, jsonSchemas } from './wsdl.ts';
import { coerce, escapeXml, parseUntrustedXml, toXml } from './xml.ts';

const ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

export type InvokeHandler = (header: string, body: string, source?: string) => Promise<string>;

function envelope(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${ENV_NS}" xmlns:tns="${SOAP_NS}"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
}

export function faultXml(p: Problem): string {
  const faultcode = p.entry.http >= 500 ? 'soap:Server' : 'soap:Client';
  return envelope(
    `<soap:Fault><faultcode>${faultcode}</faultcode><faultstring xml:lang="en">${escapeXml(`${p.entry.code} ${p.entry.symbol}: ${p.detail}`)}</faultstring>` +
      `<detail><tns:RhcFault><tns:code>${p.entry.code}</tns:code><tns:name>${p.entry.symbol}</tns:name>${p.field ? `<tns:field>${escapeXml(p.field)}</tns:field>` : ''}` +
      `<tns:zh>${escapeXml(p.entry.zh)}</tns:zh><tns:detail>${escapeXml(p.detail)}</tns:detail></tns:RhcFault></detail></soap:Fault>`,
  );
}

const byElement = new Map(INTERFACES.map((d) => [`${d.op}Request`, d]));
const sessionByElement = new Map(SESSION_OPERATIONS.map((d) => [`${d.op}Request`, d]));

function asRecord(x: unknown): Record<string, unknown> | undefined {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

export async function handleSoap(
  svc: PlatformService,
  xml: string,
  bearerToken: string | undefined,
  invoke?: InvokeHandler,
  source?: string,
): Promise<string> {
  const doc = parseUntrustedXml(xml);
  const env = asRecord(doc.Envelope);
  const body = asRecord(env?.Body);
  if (!env || !body) throw new RhcError('MESSAGE_PARSE', { detail: 'not a SOAP 1.1 envelope' });
  const [element, payload] = Object.entries(body)[0] ?? [];
  if (!element) throw new RhcError('MESSAGE_PARSE', { detail: 'empty SOAP body' });
  if (element === `${INVOKE_OP}Request`) {
    if (!invoke) throw new RhcError('UNKNOWN_BUSINESS_CODE', { detail: 'envelope binding disabled' });
    const p = asRecord(payload) ?? {};
    if (typeof p.header !== 'string' || !p.header) throw new RhcError('FIELD_MISSING', { field: 'header' });
    if (typeof p.body !== 'string') throw new RhcError('FIELD_MISSING', { field: 'body' });
    const ret = await invoke(p.header, p.body, source);
    return envelope(
      `<tns:${INVOKE_OP}Response><tns:return>${escapeXml(ret)}</tns:return></tns:${INVOKE_OP}Response>`,
    );
  }
  const tokenOf = () => {
    const auth = asRecord(asRecord(env.Header)?.RhcAuth);
    return typeof auth?.token === 'string' ? auth.token : bearerToken;
  };
  const session = sessionByElement.get(element);
  if (session) {
    parseInput(session.req, payload === undefined || payload === '' ? {} : payload);
    const out = await svc.session(session.code, tokenOf());
    return envelope(
      `<tns:${session.op}Response>${toXml(out, jsonSchemas(session).res, 'tns:')}</tns:${session.op}Response>`,
    );
  }
  const def = byElement.get(element);
  if (!def)
    throw new RhcError('UNKNOWN_BUSINESS_CODE', {
      field: element,
      detail: `unknown operation element ${element}`,
    });
  const schemas = jsonSchemas(def);
  const input = parseInput(def.req, coerce(payload === undefined ? {} : payload, schemas.req));
  let caller: Caller | undefined;
  if (def.code !== 'RHC_C0001') caller = await svc.registry.callerFromToken(tokenOf());
  const out = await svc.dispatch(def.code, caller, input, { source });
  return envelope(`<tns:${def.op}Response>${toXml(out, schemas.res, 'tns:')}</tns:${def.op}Response>`);
}

export interface SoapOptions {
  /** Address written into the WSDL; default: from the request's Host header. */
  publicUrl?: string;
  invoke?: InvokeHandler;
}

export async function registerSoap(
  app: FastifyInstance,
  svc: PlatformService,
  opts: SoapOptions = {},
): Promise<void> {
  await app.register(async (scope) => {
    // XML bodies are accepted only here; the REST routes stay JSON-only
    scope.addContentTypeParser(
      ['text/xml', 'application/soap+xml', 'application/xml'],
      { parseAs: 'string' },
      (_req, body, done) => done(null, body),
    );
    scope.get(SOAP_PATH, { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
      const q = req.query as Record<string, unknown>;
      if (!('wsdl' in q) && !('WSDL' in q))
        return reply.code(405).type('text/plain').send('POST SOAP 1.1 envelopes here; the WSDL is at ?wsdl');
      const url = opts.publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}${SOAP_PATH}`;
      return reply.type('text/xml; charset=utf-8').send(buildWsdl(url));
    });
    scope.post(SOAP_PATH, { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
      let xml: string;
      try {
        // fastify's default text/plain parser would hand over a string too: SOAP must arrive as XML
        const type = req.headers['content-type'] ?? '';
        if (typeof req.body !== 'string' || !/^\s*(text\/xml|application\/(soap\+)?xml)\b/i.test(type))
          throw new RhcError('MESSAGE_PARSE', { field: 'content-type', detail: 'send text/xml' });
        const h = req.headers.authorization;
        const bearer = h && /^Bearer\s+(\S+)$/i.exec(h)?.[1];
        xml = await handleSoap(svc, req.body, bearer ?? undefined, opts.invoke, req.ip);
        return reply.type('text/xml; charset=utf-8').send(xml);
      } catch (err) {
        const p = toProblem(err);
        if (p.internal) req.log.error({ err: p.internal, reqId: req.id }, 'internal error');
        if (p.retryAfterSeconds !== undefined) void reply.header('retry-after', String(p.retryAfterSeconds));
        return reply.code(500).type('text/xml; charset=utf-8').send(faultXml(p));
      }
    });
    // parser-level failures (oversize, wrong media type) on the SOAP path still answer with a Fault
    scope.setErrorHandler((err, _req, reply) => {
      void reply
        .code(500)
        .type('text/xml; charset=utf-8')
        .send(faultXml(toProblem(err)));
    });
  });
}
