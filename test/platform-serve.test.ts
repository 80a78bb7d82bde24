// The province platform as `rhc serve` / `rhc start` run it: a fresh SQLite file is created (WAL, migrated),
// demo data is seeded once with cards in every state, and docs / OpenAPI / WSDL are served on a real port.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { systemClock } from '../src/base/runtime.ts';
import { startProvince } from '../src/platform/province.ts';
import { ensureDemoData } from '../src/platform/seed/demo.ts';

const dir = mkdtempSync(join(tmpdir(), 'rhc-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('first start creates the database, seeds the demo once, serves docs, OpenAPI and WSDL', async () => {
  const path = join(dir, 'data', 'rhc.db');
  const dbUrl = `sqlite:${path}`;
  let seeded: boolean | undefined;
  const run = await startProvince({
    dbUrl,
    port: 0,
    beforeListen: async (p, svc) => void (seeded = (await ensureDemoData(p, svc, systemClock, 300)).seeded),
  });
  try {
    assert.equal(seeded, true);
    assert.ok(existsSync(path));
    assert.equal(run.p.sqlite!.pragma('journal_mode', { simple: true }), 'wal');
    const statuses = await run.p.db
      .selectFrom('cards')
      .select('status')
      .distinct()
      .orderBy('status')
      .execute();
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['01', '02', '10', '20', '30', '40', '50', '60', '90'],
    );
    const docs = await fetch(`${run.baseUrl}/docs`);
    assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
    const wsdl = await (await fetch(`${run.baseUrl}/soap/rhc?wsdl`)).text();
    assert.match(wsdl, /<wsdl:operation name="VerifyCard">/);
    assert.match(wsdl, new RegExp(`location="${run.baseUrl}/soap/rhc"`));
    const openapi = await (await fetch(`${run.baseUrl}/openapi.json`)).json();
    assert.ok(openapi.paths['/api/v1/cards/verify']);
  } finally {
    await run.stop();
  }
  const again = await startProvince({
    dbUrl,
    port: 0,
    beforeListen: async (p, svc) => void (seeded = (await ensureDemoData(p, svc, systemClock, 300)).seeded),
  });
  try {
    assert.equal(seeded, false, 'demo data is generated on the first start only');
    const n = await again.p.db
      .selectFrom('residents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 300);
  } finally {
    await again.stop();
  }
});
