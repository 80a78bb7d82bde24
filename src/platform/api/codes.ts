// `GET /api/v1/codes/{table}`: the national code tables (src/codes, the single source of every label) for
// the consoles and other browsers. Public — the tables are published national codes, no personal data —
// and cacheable: each answer is computed once, with a strong ETag (If-None-Match → 304).
// An unknown table is the codes layer's coded error 350 CODE_TABLE_UNKNOWN (404, problem+json).
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { getCodeTable } from '../../codes/index.ts';
import { API_PREFIX } from './rest.ts';

export const CODES_PATH = `${API_PREFIX}/codes`;
/** Tables change only with a release; a day in caches is short enough for a redeploy. */
const CACHE_CONTROL = 'public, max-age=86400';

interface Rendered {
  body: string;
  etag: string;
}

const rendered = new Map<string, Rendered>();

function render(id: string): Rendered {
  let r = rendered.get(id);
  if (!r) {
    const body = JSON.stringify(getCodeTable(id)); // throws CodesError CODE_TABLE_UNKNOWN
    r = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    rendered.set(id, r);
  }
  return r;
}

export async function registerCodes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { table: string } }>(
    `${CODES_PATH}/:table`,
    // not one of the ten interfaces: kept out of the OpenAPI document, listed in docs/platform.md
    { schema: { hide: true } },
    async (req, reply) => {
      const r = render(req.params.table);
      void reply.header('cache-control', CACHE_CONTROL).header('etag', r.etag);
      if (req.headers['if-none-match'] === r.etag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(r.body);
    },
  );
}
