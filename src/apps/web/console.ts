// The web console as a fastify plugin: plain HTML + ES modules + CSS from ./public, served under /console/
// with a strict Content-Security-Policy (same-origin scripts, styles and API calls only; the page works
// offline). The files are read once at registration, so serving is a map lookup and nothing outside
// ./public can ever be reached by a crafted path.
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONSOLE_PREFIX = '/console';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** No inline script or style, no third-party origin: the console talks to this server only. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface StaticFile {
  type: string;
  body: Buffer;
}

function loadPublicFiles(dir: URL): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (!type) continue; // tests and notes next to the assets are not served
    if (name.endsWith('.test.js')) continue;
    files.set(name, { type, body: readFileSync(new URL(name, dir)) });
  }
  return files;
}

export async function registerConsole(app: FastifyInstance): Promise<void> {
  const files = loadPublicFiles(new URL('./public/', import.meta.url));
  const send = (reply: FastifyReply, f: StaticFile) =>
    reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('cache-control', 'no-cache')
      .type(f.type)
      .send(f.body);

  app.get(CONSOLE_PREFIX, { schema: { hide: true } }, async (_req, reply) =>
    reply.redirect(`${CONSOLE_PREFIX}/`),
  );
  app.get(`${CONSOLE_PREFIX}/`, { schema: { hide: true } }, async (_req, reply) =>
    send(reply, files.get('index.html')!),
  );
  app.get<{ Params: { name: string } }>(
    `${CONSOLE_PREFIX}/:name`,
    { schema: { hide: true } },
    async (req, reply) => {
      const f = files.get(req.params.name);
      if (!f) return reply.callNotFound();
      return send(reply, f);
    },
  );
}
