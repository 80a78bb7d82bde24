// The province platform as `rhc serve` / `rhc start` run it: a fresh SQLite file is created (WAL, migrated),
// demo data is seeded once with cards in every state, and docs / OpenAPI / WSDL are served on a real port.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

test('demo passwords are random per install, kept 0600 in the data folder; rhc serve refuses demo accounts without the flag', async () => {
  const passwords: string[] = [];
  for (const name of ['a', 'b']) {
    const path = join(dir, `demo-${name}`, 'rhc.db');
    const run = await startProvince({
      dbUrl: `sqlite:${path}`,
      port: 0,
      beforeListen: async (p, svc) => {
        const demo = await ensureDemoData(p, svc, systemClock, 20);
        passwords.push(demo.credentials[0]!.password);
        assert.equal(demo.credentialsFile, join(dir, `demo-${name}`, 'demo-credentials.txt'));
      },
    });
    await run.stop();
  }
  assert.notEqual(passwords[0], passwords[1], 'two installs, two passwords');
  const file = join(dir, 'demo-a', 'demo-credentials.txt');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(file, 'utf8'))[0].password, passwords[0]);
  // a later start reports the same credentials from the file
  const again = await startProvince({
    dbUrl: `sqlite:${join(dir, 'demo-a', 'rhc.db')}`,
    port: 0,
    beforeListen: async (p, svc) => {
      const demo = await ensureDemoData(p, svc, systemClock, 20);
      assert.equal(demo.credentials[0]!.password, passwords[0]);
    },
  });
  await again.stop();
  const serve = spawnSync(
    process.execPath,
    [
      'bin/rhc.mjs',
      'serve',
      '--role',
      'province',
      '--port',
      '19150',
      '--db',
      `sqlite:${join(dir, 'demo-a', 'rhc.db')}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.notEqual(serve.status, 0);
  assert.match(serve.stderr, /--allow-demo-accounts/);
});
