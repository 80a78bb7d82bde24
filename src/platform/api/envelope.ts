// The provincial envelope bindings of platform-interfaces.md §2.3, over the same service layer:
//  * JSON gateway POST /api/v1/gateway: {app_id, term_id, method, version, timestamp, digest_type,
//    enc_type, biz_content, digest, msg_guid?, org_code?, token?}; SM3 digest over the sorted fields +
//    `&app_secret=`, checked BEFORE decrypting; SM4-ECB/PKCS#7 Base64 body; ±300 s; msg_guid idempotency.
//  * SOAP `invoke(header, body)` with XML strings (header: msgGuid, businessCode, msgCreateTime, orgCode,
//    termId, token, stdVerCode), answering `<response><resultCode/><result/><desc/>…body…</response>`.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { INTERFACES } from '../contracts.ts';
import type { InterfaceDef } from '../contracts.ts';
import { auditEntry } from '../domain/context.ts';
import { parseWireTime, toWireTime } from '../domain/format.ts';
import type { Caller } from '../domain/institutions/index.ts';
import { TIME_WINDOW_SECONDS } from '../domain/institutions/index.ts';
import { sameHex, sm3Hex, sm4DecryptBase64, sm4EncryptBase64 } from '../domain/secrets.ts';
import type { PlatformService } from '../domain/service.ts';
import { RhcError } from '../errors.ts';
import type { Clock } from '../../base/runtime.ts';
import { toProblem } from './problems.ts';
import { API_PREFIX } from './rest.ts';
import { parseInput } from './validation.ts';
import { jsonSchemas } from './wsdl.ts';
import { coerce, escapeXml, parseUntrustedXml, toXml } from './xml.ts';

const byCode = new Map<string, InterfaceDef>(INTERFACES.map((d) => [d.code, d]));

function interfaceOf(code: string): InterfaceDef {
  const d = byCode.get(code);
  if (!d)
    throw new RhcError('UNKNOWN_BUSINESS_CODE', { field: 'method', detail: `unknown business code ${code}` });
  return d;
}

function checkWindow(clock: Clock, time: string, field: string): void {
  const t = parseWireTime(time);
  if (!t) throw new RhcError('FIELD_FORMAT', { field });
  if (Math.abs(t.getTime() - clock.now().getTime()) > TIME_WINDOW_SECONDS * 1000)
    throw new RhcError('TIMESTAMP_WINDOW', { field });
}

/** Canonical string of §2.3: sorted key=value of every field except digest, then &app_secret=. */
export function envelopeDigest(fields: Record<string, string>, secretHex: string): string {
  const canon = Object.keys(fields)
    .filter((k) => k !== 'digest')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  return sm3Hex(`${canon}&app_secret=${secretHex}`).toUpperCase();
}

const field = z.string().max(64);
export const GatewayEnvelope = z.strictObject({
  app_id: z.string().min(1).max(32),
  term_id: z.string().min(1).max(32),
  method: z.string().min(1).max(9),
  version: z.string().max(8),
  timestamp: z.string().regex(/^\d{14}$/),
  digest_type: z.literal('SM3'),
  enc_type: z.enum(['SM4', 'NONE']),
  biz_content: z.string().max(200_000),
  digest: z.string().regex(/^[0-9A-Fa-f]{64}$/),
  msg_guid: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,32}$/)
    .optional(),
  org_code: field.optional(),
  token: z.string().max(512).optional(),
});

async function callerFor(
  svc: PlatformService,
  code: string,
  token: string | undefined,
  institutionCode: string,
): Promise<Caller | undefined> {
  if (code === 'RHC_C0001') return undefined;
  const caller = await svc.registry.callerFromToken(token);
  if (caller.institutionCode !== institutionCode)
    throw new RhcError('TOKEN_INVALID', { field: 'token', detail: 'token belongs to another institution' });
  return caller;
}

export interface GatewayOptions {
  clock: Clock;
  /** Accept enc_type NONE (loopback / test deployments only, §2.3). */
  allowPlain?: boolean;
}

export async function registerGateway(
  app: FastifyInstance,
  svc: PlatformService,
  opts: GatewayOptions,
): Promise<void> {
  app.post(`${API_PREFIX}/gateway`, { schema: { hide: true } }, async (req, reply) => {
    let secret: string | undefined;
    let enc = 'SM4';
    const answer = (fields: Record<string, string>) => {
      const out: Record<string, string> = { ...fields };
      if (secret) out.digest = envelopeDigest(out, secret);
      return reply.code(200).send(out);
    };
    try {
      const env = parseInput(GatewayEnvelope, req.body);
      enc = env.enc_type;
      const inst = await svc.registry.byAppId(env.app_id);
      if (!inst || !inst.enabled) throw new RhcError('INSTITUTION_NOT_REGISTERED', { field: 'app_id' });
      const { digest, ...rest } = env;
      if (!sameHex(envelopeDigest(rest as Record<string, string>, inst.app_secret), digest))
        throw new RhcError('DIGEST_MISMATCH', { field: 'digest' });
      secret = inst.app_secret;
      if (env.org_code !== undefined && env.org_code !== inst.code) {
        const refusal = new RhcError('NOT_PERMITTED', {
          field: 'org_code',
          detail: 'org_code does not belong to app_id',
        });
        // audited like every 1011; the sender is known only by its (digest-authenticated) app id here
        const sender = { institutionCode: inst.code, userName: `app:${env.app_id}` };
        svc.audit.append(auditEntry(sender, env.method, 'refused field:org_code', refusal.code));
        throw refusal;
      }
      checkWindow(opts.clock, env.timestamp, 'timestamp');
      const def = interfaceOf(env.method);
      if (env.enc_type === 'NONE' && !opts.allowPlain)
        throw new RhcError('FIELD_FORMAT', {
          field: 'enc_type',
          detail: 'plain bodies are accepted only on test deployments',
        });
      let plain: string;
      try {
        plain = env.enc_type === 'SM4' ? sm4DecryptBase64(inst.app_secret, env.biz_content) : env.biz_content;
      } catch (err) {
        throw new RhcError('DECRYPT_FAILED', { field: 'biz_content', cause: err });
      }
      let body: unknown;
      try {
        body = JSON.parse(plain);
      } catch (err) {
        throw new RhcError('MESSAGE_PARSE', { field: 'biz_content', cause: err });
      }
      const input = parseInput(def.req, body);
      const caller = await callerFor(svc, def.code, env.token, inst.code);
      const run = () => svc.dispatch(def.code, caller, input, { source: req.ip });
      const out = env.msg_guid
        ? await svc.onceByMessage(caller, def.code, { guid: env.msg_guid, digest: digest.toUpperCase() }, run)
        : await run();
      const json = JSON.stringify(out);
      return answer({
        result_code: '0000',
        result: 'success',
        desc: '',
        biz_content: enc === 'SM4' ? sm4EncryptBase64(inst.app_secret, json) : json,
      });
    } catch (err) {
      const p = toProblem(err);
      if (p.internal) req.log.error({ err: p.internal, reqId: req.id }, 'internal error');
      return answer({
        result_code: p.entry.code,
        result: 'failure',
        desc: `${p.entry.zh}${p.field ? ` [${p.field}]` : ''}: ${p.detail}`,
        biz_content: '',
      });
    }
  });
}

/** SOAP envelope binding: invoke(header, body) → response XML string. */
export function soapInvokeHandler(svc: PlatformService, clock: Clock) {
  return async (headerXml: string, bodyXml: string, source?: string): Promise<string> => {
    try {
      const h = (parseUntrustedXml(headerXml).request ?? {}) as Record<string, unknown>;
      const str = (k: string) =>
        typeof h[k] === 'string' || typeof h[k] === 'number' ? String(h[k]) : undefined;
      const code = str('businessCode');
      if (!code) throw new RhcError('FIELD_MISSING', { field: 'businessCode' });
      const msgGuid = str('msgGuid');
      if (!msgGuid) throw new RhcError('FIELD_MISSING', { field: 'msgGuid' });
      if (!/^[0-9A-Za-z-]{1,32}$/.test(msgGuid)) throw new RhcError('FIELD_FORMAT', { field: 'msgGuid' });
      const time = str('msgCreateTime');
      if (!time) throw new RhcError('FIELD_MISSING', { field: 'msgCreateTime' });
      checkWindow(clock, time, 'msgCreateTime');
      const def = interfaceOf(code);
      const orgCode = str('orgCode');
      if (!orgCode) throw new RhcError('FIELD_MISSING', { field: 'orgCode' });
      const rawBody = parseUntrustedXml(bodyXml).request;
      const schemas = jsonSchemas(def);
      const input = parseInput(def.req, coerce(rawBody === undefined ? {} : rawBody, schemas.req));
      const caller = await callerFor(svc, def.code, str('token'), orgCode);
      const run = () => svc.dispatch(def.code, caller, input, { source });
      const digest = sm3Hex(headerXml.replace(/<token>[^<]*<\/token>/, '') + bodyXml).toUpperCase();
      const out = await svc.onceByMessage(caller, def.code, { guid: msgGuid, digest }, run);
      // A body that carries its own resultCode (C0002 name mismatch, C0003 card not usable, C0007 full
      // list) answers with that code in the envelope and not again in the body: one resultCode per answer.
      const { resultCode, ...rest } = out as Record<string, unknown>;
      const result = typeof resultCode === 'string' ? resultCode : '0000';
      return `<response><resultCode>${result}</resultCode><result>success</result><desc/>${toXml(rest, schemas.res, '')}</response>`;
    } catch (err) {
      const p = toProblem(err);
      if (p.internal) console.error('rhc: internal error in invoke', p.internal);
      return `<response><resultCode>${p.entry.code}</resultCode><result>failure</result><desc>${escapeXml(`${p.entry.zh}${p.field ? ` [${p.field}]` : ''}: ${p.detail}`)}</desc><serverTime>${toWireTime(clock.now())}</serverTime></response>`;
    }
  };
}
