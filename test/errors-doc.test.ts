// Drift test of the error catalogues (as Fastify's test/internals/errors.test.js does for lib/errors.js):
// docs/errors.md is what the catalogues render, every catalogue declared under src/ is in the generator's
// list, and the platform OpenAPI document, the WSDL and the reader agent's OpenAPI document publish exactly
// the codes of the catalogues behind them.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { agentErrors } from '../src/apps/agent/errors.ts';
import { buildOpenApi as buildAgentOpenApi } from '../src/apps/agent/openapi.ts';
import { FAULT_CODES_PREFIX, buildWsdl } from '../src/platform/api/wsdl.ts';
import { ERROR_CATALOGUE, PUBLISHED_ERRORS } from '../src/platform/errors.ts';
import { readerErrors } from '../src/reader/errors.ts';
import { ALL_CATALOGUES, ERRORS_DOC, renderErrorsMarkdown } from '../scripts/errors-doc.ts';
import { sqliteTarget, usePlatform } from '../testkit/platform/suite.ts';

const sorted = (codes: Iterable<string | number>) => [...codes].map(String).sort();
const codesOf = (entries: readonly { code: string }[]) => sorted(entries.map((e) => e.code));

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

test('docs/errors.md is generated from the catalogues (regenerate: npm run docs:errors)', () => {
  assert.equal(readFileSync(ERRORS_DOC, 'utf8'), renderErrorsMarkdown());
});

test('the generator lists every catalogue declared under src/, each entry with both kinds of advice', () => {
  const declared = sourceFiles('src').flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/defineCatalogue\(\s*'([\w-]+)'/g)].map((m) => m[1]),
  );
  assert.deepEqual(sorted(ALL_CATALOGUES.map((c) => c.layer)), sorted(declared));
  for (const e of ALL_CATALOGUES.flatMap((c) => c.entries)) {
    assert.ok(e.zh && e.en && e.integrator, `${e.layer} ${e.code}`);
    // the console shows the staff advice in the page language: "中文 / English"
    assert.match(e.staff, /^[^/]*\p{Script=Han}[^/]* \/ [^\p{Script=Han}]+$/u, `${e.layer} ${e.code} staff`);
    assert.ok(e.http >= 200 && e.http < 600, `${e.layer} ${e.code} http`);
  }
  const all = ALL_CATALOGUES.flatMap((c) => c.entries.map((e) => `${e.layer}:${e.code}`));
  assert.equal(new Set(all).size, all.length);
});

test('the WSDL publishes exactly the platform codes (SOAP faults and envelopes carry only those)', () => {
  const wsdl = buildWsdl('http://127.0.0.1/soap/rhc');
  const at = wsdl.indexOf(FAULT_CODES_PREFIX);
  assert.ok(at > 0, 'RhcFault/code documentation');
  const doc = wsdl.slice(at + FAULT_CODES_PREFIX.length, wsdl.indexOf('<', at));
  const published = doc.split(', ').map((s) => s.split(' '));
  assert.deepEqual(sorted(published.map(([code]) => code)), codesOf(ERROR_CATALOGUE));
  for (const [code, symbol] of published)
    assert.equal(ERROR_CATALOGUE.find((e) => e.code === code)?.symbol, symbol, code);
});

test('the reader agent OpenAPI document publishes exactly the reader and agent codes', () => {
  const doc = buildAgentOpenApi('http://127.0.0.1:18080') as {
    'x-rhc-error-codes': { code: number; symbol: string }[];
  };
  const published = doc['x-rhc-error-codes'];
  assert.deepEqual(
    sorted(published.map((e) => e.code)),
    codesOf([...readerErrors.entries, ...agentErrors.entries]),
  );
  for (const e of published) assert.ok(typeof e.code === 'number', `${e.symbol} is a number on the wire`);
});

const { server } = usePlatform(sqliteTarget(), { server: {} });

test('the platform OpenAPI document publishes exactly the platform and code-table codes; every code a schema names exists', async () => {
  const doc = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Record<
    string,
    unknown
  >;
  const published = doc['x-rhc-result-codes'] as { code: string; symbol: string }[];
  assert.deepEqual(sorted(published.map((e) => e.code)), codesOf(PUBLISHED_ERRORS));
  const known = new Set(PUBLISHED_ERRORS.map((e) => e.code));
  // resultCode descriptions name codes ("0000 usable; 3004–3008 why not"): each must be in the catalogue
  const resultDescriptions = [...JSON.stringify(doc.paths).matchAll(/"description":"([^"]*\b0000\b[^"]*)"/g)];
  assert.ok(resultDescriptions.length > 0, 'resultCode descriptions found');
  for (const [, text] of resultDescriptions)
    for (const code of text.match(/\b\d{4}\b/g) ?? []) assert.ok(known.has(code), `${code} in "${text}"`);
});
