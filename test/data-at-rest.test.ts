// Data at rest (issue 13 §4): the SQLite database (token key, app secrets, personal data) and the seal key
// beside it are created 0600 in folders created 0700, whatever the umask; an existing 0644 file is
// narrowed. The seal key is created on first start and reused on the next.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { seededRandom } from '../src/base/runtime.ts';
import { PlatformService } from '../src/platform/domain/service.ts';
import { openDatabase } from '../src/platform/storage/db.ts';
import { TestClock } from '../testkit/platform/fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'rhc-at-rest-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

test('a new SQLite database and its seal key are 0600 in a 0700 folder, whatever the umask', async () => {
  const old = process.umask(0o022);
  try {
    const dir = join(root, 'fresh', 'data');
    const db = join(dir, 'rhc.db');
    const p = await openDatabase(`sqlite:${db}`);
    const svc = await PlatformService.open(p, { clock: new TestClock(), random: seededRandom(1) });
    await svc.registry.add({ code: '61010000-9', name: 'x', role: 'city', regionCode: '610100' }, 'pw');
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(root, 'fresh')), 0o700);
    assert.equal(mode(db), 0o600);
    if (existsSync(`${db}-wal`)) assert.equal(mode(`${db}-wal`), 0o600);
    assert.equal(mode(`${db}.seal-key`), 0o600);
    const key = readFileSync(`${db}.seal-key`, 'utf8');
    await svc.close();
    await p.close();
    // the next start reuses the key (the sealed passwords stay readable)
    const p2 = await openDatabase(`sqlite:${db}`);
    const svc2 = await PlatformService.open(p2, { clock: new TestClock(), random: seededRandom(2) });
    assert.equal(readFileSync(`${db}.seal-key`, 'utf8'), key);
    await svc2.close();
    await p2.close();
  } finally {
    process.umask(old);
  }
});

test('an existing world-readable database file is narrowed to 0600; a readable seal key is refused', async () => {
  const db = join(root, 'old.db');
  writeFileSync(db, '');
  chmodSync(db, 0o644);
  const p = await openDatabase(`sqlite:${db}`);
  assert.equal(mode(db), 0o600);
  writeFileSync(`${db}.seal-key`, `${'ab'.repeat(16)}\n`);
  chmodSync(`${db}.seal-key`, 0o644);
  await assert.rejects(
    PlatformService.open(p, { clock: new TestClock(), random: seededRandom(1) }),
    /seal key file is accessible by other users/,
  );
  await p.close();
});
