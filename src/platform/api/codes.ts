// `GET /api/v1/codes/{table}`: the national code tables (src/codes, the single source of every label) for
// the consoles and other browsers. Public — the tables are published national codes, no personal data —
// and cacheable: each answer is computed once, with a strong ETag (If-None-Match → 304).
// An unknown table is the codes layer's coded error 350 CODE_TABLE_UNKNOWN (404, problem+json).
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getCodeTable, regionFullName, regionsUnder } from '../../codes/index.ts';
import { API_PREFIX } from './rest.ts';

export const CODES_PATH = `${API_PREFIX}/codes`;
/** Tables change only with a release; a day in caches is short enough for a redeploy. */
const CACHE_CONTROL = 'public, max-age=86400';

interface Rendered {
  body: string;
  etag: string;
}

const rendered = new Map<string, Rendered>();

/** Renders once per key; the keys are table ids and region prefixes, so the map stays small. */
function render(key: string, produce: () => unknown): Rendered {
  let r = rendered.get(key);
  if (!r) {
    const body = JSON.stringify(produce());
    r = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    if (rendered.size < 4096) rendered.set(key, r);
  }
  return r;
}

/** GB/T 2260 divisions under a prefix ('' → provinces), with the full name a list shows. */
function regions(under: string) {
  const list = regionsUnder(under); // throws CodesError REGION_CODE_FORMAT
  return {
    under,
    regions: list.map((r) => ({ code: r.code, level: r.level, name: r.name, fullName: regionFullName(r) })),
  };
}

function send(req: FastifyRequest, reply: FastifyReply, r: Rendered) {
  void reply.header('cache-control', CACHE_CONTROL).header('etag', r.etag);
  if (req.headers['if-none-match'] === r.etag) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(r.body);
}

export async function registerCodes(app: FastifyInstance): Promise<void> {
  // region names for the consoles (`?under=61`): a static route, so it wins over `:table`
  app.get<{ Querystring: { under?: string } }>(
    `${CODES_PATH}/regions`,
    { schema: { hide: true } },
    async (req, reply) => {
      const under = String(req.query.under ?? '');
      return send(
        req,
        reply,
        render(`regions:${under}`, () => regions(under)),
      );
    },
  );
  app.get<{ Params: { table: string } }>(
    `${CODES_PATH}/:table`,
    // not one of the ten interfaces: kept out of the OpenAPI document, listed in docs/platform.md
    { schema: { hide: true } },
    // an unknown table throws CodesError CODE_TABLE_UNKNOWN (350)
    async (req, reply) =>
      send(
        req,
        reply,
        render(req.params.table, () => getCodeTable(req.params.table)),
      ),
  );
}
