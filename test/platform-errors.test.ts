// The result-code catalogue: matches the §3.2 code list (typed in by hand from the spec), and
// docs/errors.md is exactly what the catalogues render (more drift checks: test/errors-doc.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOGUE } from '../src/platform/errors.ts';
import { renderErrorsMarkdown } from '../scripts/errors-doc.ts';

// §3.2 plus the codes added by issue 13: 1013 sign-in throttle, 1020 read quota, 2006 ID number length, 9003–9007 audit
const SPEC_CODES =
  '0000 1001 1002 1003 1004 1005 1006 1007 1008 1009 1010 1011 1012 1013 1020 2001 2002 2003 2004 2005 2006 3001 3002 3003 3004 3005 3006 3007 3008 3009 3010 3011 4001 4002 4003 9001 9002 9003 9004 9005 9006 9007';

test('catalogue has exactly the codes of platform-interfaces.md §3.2, each with two audiences', () => {
  assert.equal(ERROR_CATALOGUE.map((e) => e.code).join(' '), SPEC_CODES);
  assert.equal(new Set(ERROR_CATALOGUE.map((e) => e.symbol)).size, ERROR_CATALOGUE.length);
  for (const e of ERROR_CATALOGUE) {
    assert.ok(e.staff.length > 0 && e.integrator.length > 0 && e.zh.length > 0, e.code);
    assert.ok(e.http >= 200 && e.http < 600, e.code);
  }
  assert.equal(ERROR_CATALOGUE.find((e) => e.code === '3001')?.symbol, 'CARD_NOT_FOUND');
});

test('docs/errors.md is generated from the catalogue (regenerate: npm run docs:errors)', () => {
  assert.equal(readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8'), renderErrorsMarkdown());
});
