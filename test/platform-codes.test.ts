// GET /api/v1/codes/{table}: the national code tables for browsers — public (no token), cacheable
// (Cache-Control + ETag, If-None-Match → 304), the same data as src/codes, and an unknown table is the
// coded problem 350 CODE_TABLE_UNKNOWN (404).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getCodeTable } from '../src/codes/index.ts';
import { sqliteTarget, usePlatform } from '../testkit/platform/suite.ts';

const { server } = usePlatform(sqliteTarget(), { server: {} });

test('a code table without a token, with Cache-Control and ETag, equal to src/codes', async () => {
  const res = await server.app.inject({ method: 'GET', url: '/api/v1/codes/card-status' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json/);
  assert.match(res.headers['cache-control'] as string, /public, max-age=\d+/);
  const etag = res.headers.etag as string;
  assert.match(etag, /^"[\w-]+"$/);
  assert.deepEqual(res.json(), JSON.parse(JSON.stringify(getCodeTable('card-status'))));
  assert.equal(res.json().entries.find((e: { code: string }) => e.code === '40').zh, '挂失');

  const again = await server.app.inject({
    method: 'GET',
    url: '/api/v1/codes/card-status',
    headers: { 'if-none-match': etag },
  });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  assert.equal(again.headers.etag, etag);
  const other = await server.app.inject({ method: 'GET', url: '/api/v1/codes/card-status-reason' });
  assert.notEqual(other.headers.etag, etag);
});

test('an unknown table is the coded problem 350 (404), naming the known tables', async () => {
  const res = await server.app.inject({ method: 'GET', url: '/api/v1/codes/no-such-table' });
  assert.equal(res.statusCode, 404);
  assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
  const p = res.json();
  assert.equal(p.code, '350');
  assert.equal(p.name, 'CODE_TABLE_UNKNOWN');
  assert.match(p.detail, /card-status/);
});

test('region names for the consoles: ?under=6101 lists 西安市 and its counties with full names; a bad prefix is 351', async () => {
  const res = await server.app.inject({ method: 'GET', url: '/api/v1/codes/regions?under=6101' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['cache-control'] as string, /public, max-age=\d+/);
  const body = res.json() as {
    under: string;
    regions: { code: string; level: string; name: string; fullName: string }[];
  };
  assert.equal(body.under, '6101');
  assert.deepEqual(body.regions[0], {
    code: '610100',
    level: 'prefecture',
    name: '西安市',
    fullName: '陕西省西安市',
  });
  assert.ok(body.regions.some((r) => r.code === '610102' && r.fullName === '陕西省西安市新城区'));
  assert.ok(body.regions.every((r) => r.code.startsWith('6101')));
  const provinces = await server.app.inject({ method: 'GET', url: '/api/v1/codes/regions' });
  assert.ok((provinces.json() as typeof body).regions.every((r) => r.level === 'province'));
  const again = await server.app.inject({
    method: 'GET',
    url: '/api/v1/codes/regions?under=6101',
    headers: { 'if-none-match': res.headers.etag as string },
  });
  assert.equal(again.statusCode, 304);
  const bad = await server.app.inject({ method: 'GET', url: '/api/v1/codes/regions?under=610' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, '351');
});
