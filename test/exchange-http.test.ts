// Exchange over HTTP against the real province server (buildServer, loopback): authenticated streaming
// upload, refusal report (422), idempotent re-upload, resume point, merged-list download; and one city
// scheduler round (export → upload → ack → pull lists), including resume after an unacknowledged upload.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { seededRandom } from '../src/base/runtime.ts';
import { buildServer } from '../src/platform/api/server.ts';
import { ProvinceClient } from '../src/platform/city/client.ts';
import { cityRound } from '../src/platform/city/run.ts';
import { PlatformService } from '../src/platform/domain/service.ts';
import { exportFile } from '../src/platform/exchange/export.ts';
import { exchangeRoutes } from '../src/platform/exchange/http.ts';
import { openDatabase } from '../src/platform/storage/db.ts';
import { cityWith, exportUp, tempDir } from '../testkit/platform/exchange.ts';
import { TestClock } from '../testkit/platform/fixtures.ts';
import { sqliteTarget } from '../testkit/platform/suite.ts';

async function province(clock: TestClock) {
  const p = await openDatabase('sqlite::memory:');
  const svc = await PlatformService.open(p, { clock, random: seededRandom(3) });
  await svc.registry.add(
    { code: '61000000-8', name: '省平台', role: 'province', regionCode: '610000' },
    'pw-p',
  );
  const city = await svc.registry.add(
    { code: '61010000-9', name: '西安市平台', role: 'city', regionCode: '610100' },
    'pw-city',
  );
  const hosp = await svc.registry.add(
    { code: '45075129-0', name: '医院', role: 'hospital', regionCode: '610102' },
    'pw-h',
  );
  const app = await buildServer(svc, { clock });
  // the platform server registers the exchange routes; register them here only if it does not
  if (!app.hasRoute({ method: 'GET', url: '/api/v1/exchange/status' }))
    await app.register(exchangeRoutes, { svc, clock, spoolDir: tempDir('spool') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    p,
    svc,
    url,
    city,
    hosp,
    /** The city platform's client of this province. */
    cityClient: () =>
      new ProvinceClient({
        baseUrl: url,
        orgCode: city.code,
        userName: city.userName,
        password: 'pw-city',
        clock,
      }),
    async close() {
      await app.close();
      await svc.close();
      await p.close();
    },
  };
}

describe('exchange over HTTP', () => {
  it('upload, refusal, duplicate, status, download; hospitals may not upload', async () => {
    const clock = new TestClock();
    const prov = await province(clock);
    const city = await cityWith(sqliteTarget(), '610100', 3);
    try {
      const client = prov.cityClient();
      const jm = await exportUp(city, 'JMXX');
      const kxx = await exportUp(city, 'KXX');
      // cards before holders: refused with line-level reasons, nothing applied
      const early = await client.upload(kxx.path, kxx.file);
      assert.equal(early.outcome, 'refused');
      assert.deepEqual(
        early.issues.map((i) => i.reason),
        ['RESIDENT_NOT_FOUND', 'RESIDENT_NOT_FOUND', 'RESIDENT_NOT_FOUND'],
      );
      assert.equal((await prov.p.db.selectFrom('cards').selectAll().execute()).length, 0);
      assert.equal((await client.upload(jm.path, jm.file)).outcome, 'applied');
      assert.equal(await client.provinceSeq('JMXX'), jm.header.lastSeq);
      assert.equal((await client.upload(kxx.path, kxx.file)).outcome, 'applied');
      const dup = await client.upload(kxx.path, kxx.file);
      assert.equal(dup.outcome, 'duplicate');
      assert.equal(dup.ack, 'OK|3');
      // merged lists: full without `have`, delta from a version
      const dir = tempDir('dl');
      const full = await client.downloadList('SBMD', '', dir);
      const text = readFileSync(full.path, 'utf8').split('\n');
      assert.match(text[0]!, /^H\|RHCX\|1\.0\|SBMD\|610000\|\d{8}\|F\|1\|\d+\|2\|\d{8}\.\d{4}\|\|UTF-8$/);
      const delta = await client.downloadList('SBMD', full.version, dir);
      assert.match(readFileSync(delta.path, 'utf8'), /^H\|RHCX\|1\.0\|SBMD\|610000\|\d{8}\|D\|\d+\|\d+\|0\|/);
      // a hospital cannot upload files (role), an anonymous caller neither (token)
      const hosp = new ProvinceClient({
        baseUrl: prov.url,
        orgCode: prov.hosp.code,
        userName: prov.hosp.userName,
        password: 'pw-h',
        clock,
      });
      await assert.rejects(hosp.upload(jm.path, jm.file), /1011/);
      const anon = await fetch(`${prov.url}/api/v1/exchange/files/${jm.file}`, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        body: readFileSync(jm.path),
      });
      assert.equal(anon.status, 401);
      assert.equal(((await anon.json()) as { code: string }).code, '1006');
    } finally {
      await city.close();
      await prov.close();
    }
  });

  it('a city round uploads in order, pulls lists, and resumes from the province’s acknowledged sequence', async () => {
    const clock = new TestClock();
    const prov = await province(clock);
    const city = await cityWith(sqliteTarget(), '610100', 3);
    try {
      const client = prov.cityClient();
      const dir = tempDir('round');
      const log: string[] = [];
      const o = { region: '610100', dir, clock, log: (s: string) => void log.push(s) };
      const r1 = await cityRound(city.p, client, o);
      assert.deepEqual(r1.errors, []);
      assert.deepEqual(
        r1.uploaded.map((u) => `${u.type}:${u.outcome}`),
        ['JMXX:applied', 'KXX:applied', 'HMD:applied', 'CZRZ:applied', 'BMD:applied'],
      );
      assert.equal((await prov.p.db.selectFrom('cards').selectAll().execute()).length, 3);
      // nothing new → nothing uploaded; the lists are already current
      const r2 = await cityRound(city.p, client, o);
      assert.deepEqual(r2.uploaded, []);
      // a change whose upload was never acknowledged (the city "crashed" after writing the file):
      await city.svc.syncStatus(city.caller, {
        cardNo: city.ids[0]!,
        chipSerial: 'C610100000001',
        oldStatus: '30',
        newStatus: '50',
        reasonCode: '09',
        opTime: '20260601150000',
        opOrgCode: city.caller.institutionCode,
        operator: 'op',
        serialNo: 'r1',
      });
      const written = (await exportFile(city.p, {
        type: 'KXX',
        region: '610100',
        outDir: join(dir, 'out'),
        clock,
        since: await client.provinceSeq('KXX'),
        mode: 'D',
      }))!;
      const r3 = await cityRound(city.p, client, o);
      assert.ok(
        r3.uploaded.some((u) => u.type === 'KXX' && u.file === written.file && u.outcome === 'applied'),
        JSON.stringify(r3.uploaded),
      );
      const card = await prov.p.db
        .selectFrom('cards')
        .select('status')
        .where('chip_serial', '=', 'C610100000001')
        .executeTakeFirstOrThrow();
      assert.equal(card.status, '50');
      // the province's merged blacklist now holds the frozen card: it was pulled (own card → no entry)
      assert.ok(r3.pulled.some((x) => x.type === 'SHMD'));
      assert.ok(!log.some((l) => /refused|拒收/.test(l)), log.join('\n'));
    } finally {
      await city.close();
      await prov.close();
    }
  });

  // issue 13 §4: the spool was $TMPDIR/rhc-exchange (0755, files 0644) and kept a crashed upload forever
  it('spools beside the database, owner-only, and removes what a crashed process left', async () => {
    const dir = tempDir('spool-home');
    const p = await openDatabase(`sqlite:${join(dir, 'rhc.db')}`);
    const clock = new TestClock();
    const svc = await PlatformService.open(p, { clock, random: seededRandom(4) });
    const spool = join(dir, 'spool', 'exchange');
    mkdirSync(spool, { recursive: true, mode: 0o755 });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that has exited
    writeFileSync(join(spool, `up-${dead}-1-1.part`), '110101199003070000|…');
    writeFileSync(join(spool, `up-${process.pid}-1-1.part`), 'in flight');
    const app = await buildServer(svc, { clock });
    try {
      assert.equal(statSync(spool).mode & 0o777, 0o700);
      assert.deepEqual(readdirSync(spool), [`up-${process.pid}-1-1.part`]);
    } finally {
      await app.close();
      await svc.close();
    }
  });
});
