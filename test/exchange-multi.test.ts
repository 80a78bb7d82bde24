// [integration] One province and two city platforms as separate processes on 127.0.0.1 (`rhc serve
// --role province`, `rhc exchange city --port 0`). Each city issues cards and blocks one through its own
// REST interface; the exchange runs on its own (1 s rounds); the province's merged blacklist reaches both
// cities, and a hospital of each city sees the OTHER city's blocked card through RHC_C0007. ~20 s.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { toWireTime } from '../src/platform/domain/format.ts';
import { listEntryHash } from '../src/platform/domain/list-hash.ts';
import { passwordDigest, sm3Hex } from '../src/platform/domain/secrets.ts';
import { tempDir } from '../testkit/platform/exchange.ts';
import { idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';

const RHC = join(import.meta.dirname, '..', 'bin', 'rhc.mjs');
const children: ChildProcess[] = [];
const outputs = new Map<string, string>();
after(() => children.forEach((c) => c.kill('SIGTERM')));

function rhcSync(args: string[]): string {
  const r = spawnSync(process.execPath, [RHC, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rhc ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function addInstitution(
  db: string,
  code: string,
  role: string,
  region: string,
): { password: string; userName: string } {
  return JSON.parse(
    rhcSync([
      'institution',
      'add',
      '--db',
      db,
      '--code',
      code,
      '--name',
      `${role} ${region}`,
      '--role',
      role,
      '--region',
      region,
      '--json',
    ]),
  ) as { password: string; userName: string };
}

/** Starts a process and resolves with the first http://127.0.0.1:PORT it prints. */
function start(args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, [RHC, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      outputs.set(args.join(' '), out);
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`rhc ${args[0]} exited ${code}: ${out}`)));
  });
}

async function login(url: string, code: string, c: { password: string; userName: string }): Promise<string> {
  const t = toWireTime(new Date());
  const res = await fetch(`${url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      orgCode: code,
      termId: 'T1',
      userName: c.userName,
      pwdDigest: passwordDigest(sm3Hex(c.password), t),
      msgCreateTime: t,
    }),
  });
  const b = (await res.json()) as { token: string };
  assert.equal(res.status, 200, JSON.stringify(b));
  return b.token;
}

async function post(
  url: string,
  path: string,
  token: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const b = (await res.json()) as Record<string, unknown>;
  assert.equal(res.status, 200, JSON.stringify(b));
  return b;
}

describe('one province and two cities as processes [integration]', () => {
  it(
    'cards blocked in one city reach the other city’s hospitals through the province',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('multi');
      const provDb = `sqlite:${join(dir, 'prov.db')}`;
      const cities = [
        { region: '610100', code: '61010000-9', hosp: '61010001-7' },
        { region: '610200', code: '61020000-X', hosp: '61020001-8' },
      ];
      const atProvince = cities.map((c) => addInstitution(provDb, c.code, 'city', c.region));
      const provinceUrl = await start(
        ['serve', '--role', 'province', '--port', '0', '--db', provDb, '--quiet'],
        { RHC_REGION: '610000' },
      );
      const running: {
        region: string;
        code: string;
        hosp: string;
        url: string;
        self: { password: string; userName: string };
        hospCreds: { password: string; userName: string };
      }[] = [];
      for (const [i, c] of cities.entries()) {
        const db = `sqlite:${join(dir, `city${c.region}.db`)}`;
        const self = addInstitution(db, c.code, 'city', c.region); // the city's own issuing desk
        const hosp = addInstitution(db, c.hosp, 'hospital', c.region);
        const url = await start(
          [
            'exchange',
            'city',
            '--region',
            c.region,
            '--province',
            provinceUrl,
            '--org',
            c.code,
            '--user',
            atProvince[i]!.userName,
            '--db',
            db,
            '--dir',
            join(dir, `x${c.region}`),
            '--interval',
            '1',
            '--port',
            '0',
          ],
          {
            RHC_PROVINCE_PASSWORD: atProvince[i]!.password,
          },
        );
        running.push({ ...c, url, self, hospCreds: hosp });
      }
      // each city issues three cards and reports one lost
      const blocked: Record<string, { id: string; chip: string }> = {};
      for (const c of running) {
        const token = await login(c.url, c.code, c.self);
        for (let k = 1; k <= 3; k++) {
          const id = idNumber(`${c.region.slice(0, 4)}02`, '19850505', k);
          await post(
            c.url,
            '/cards/issuance',
            token,
            issuanceRequest(id, `${c.region}CH${k}`, `I-${c.region}-${k}`, { appCityCode: c.region }),
          );
        }
        const id = idNumber(`${c.region.slice(0, 4)}02`, '19850505', 2);
        await post(c.url, '/cards/status', token, {
          cardNo: id,
          chipSerial: `${c.region}CH2`,
          oldStatus: '30',
          newStatus: '40',
          reasonCode: '02',
          opTime: toWireTime(new Date()),
          opOrgCode: c.code,
          operator: 'op',
          serialNo: `L-${c.region}`,
        });
        blocked[c.region] = { id, chip: `${c.region}CH2` };
      }
      // hospitals of each city poll RHC_C0007 until the other city's lost card appears on their blacklist;
      // lists of other regions come hashed (issue 13 §2): the hospital hashes the card it is shown
      for (const [i, c] of running.entries()) {
        const other: (typeof running)[number] = running[1 - i]!;
        const token = await login(c.url, c.hosp, c.hospCreds);
        const deadline = Date.now() + 60_000;
        type Entry = { entryHash: string; status: string; appCityCode: string };
        let entries: Entry[] = [];
        let key = Buffer.alloc(0);
        const hashOf = (b: { id: string; chip: string }) => listEntryHash(key, b.id, b.chip);
        while (Date.now() < deadline) {
          const r = await post(c.url, '/lists/query', token, {
            listType: 'B',
            format: 'hashed',
            haveVersion: '00000000.0000',
          });
          entries = r.entries as Entry[];
          key = Buffer.from(r.hashKey as string, 'hex');
          if (entries.some((e) => e.entryHash === hashOf(blocked[other.region]!))) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        const hit = entries.find((e) => e.entryHash === hashOf(blocked[other.region]!));
        assert.ok(
          hit,
          `city ${c.region} never received ${other.region}'s blocked card: ${JSON.stringify(entries)}`,
        );
        assert.equal(hit.status, '40');
        assert.equal(hit.appCityCode, other.region);
        assert.ok(
          entries.some((e) => e.entryHash === hashOf(blocked[c.region]!)),
          'own blocked card stays on the list',
        );
        const plain = await post(c.url, '/lists/query', token, { listType: 'B' });
        assert.deepEqual(
          (plain.entries as { chipSerial: string }[]).map((e) => e.chipSerial),
          [blocked[c.region]!.chip],
          'the plaintext list holds the own city only',
        );
      }
      // two more rounds after the lists arrived: a city must not send other cities' cards back up
      await new Promise((r) => setTimeout(r, 2500));
      for (const [args, out] of outputs)
        if (args.startsWith('exchange')) assert.doesNotMatch(out, /拒收|refused|round failed/, out);
    },
  );
});
