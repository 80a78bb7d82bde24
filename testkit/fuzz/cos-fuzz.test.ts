import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './cos-fuzz.ts';

test('20 000 fuzzed APDUs: no exception, well-formed answers, no write without a right', () => {
  for (const seed of [1, 2]) {
    const r = runFuzz(10_000, seed);
    assert.deepEqual(r.violations, []);
    assert.ok(r.apdus >= 10_000);
    assert.ok(r.authentications > 50, 'rights were held during the run');
    assert.ok(r.bySw.size > 10, `many status words exercised (${[...r.bySw.keys()].join(' ')})`);
  }
});
