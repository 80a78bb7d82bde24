import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STATUS_WORDS, SW, describeSw, isSw, swHex } from './status-words.ts';

test('every status word is listed once and SW is derived from the same table', () => {
  assert.equal(new Set(STATUS_WORDS.map((m) => m.sw)).size, STATUS_WORDS.length);
  assert.deepEqual(
    Object.keys(SW),
    STATUS_WORDS.map((m) => m.symbol),
  );
  for (const m of STATUS_WORDS) assert.equal(SW[m.symbol], m.sw);
  assert.equal(SW.OK, 0x9000);
  assert.equal(SW.CONDITIONS_NOT_SATISFIED, 0x6985);
});

test('describeSw and isSw apply the mask of counters and lengths', () => {
  assert.equal(describeSw(0x61ff)?.symbol, 'BYTES_AVAILABLE');
  assert.equal(describeSw(0x63c2)?.symbol, 'VERIFY_FAILED');
  assert.equal(describeSw(0x6c10)?.symbol, 'WRONG_LE');
  assert.equal(describeSw(0x6a82)?.zh, '文件未找到');
  assert.equal(describeSw(0x6f00), undefined);
  assert.ok(isSw(0x6c20, 'WRONG_LE'));
  assert.ok(isSw(0x9000, 'OK'));
  assert.ok(!isSw(0x9001, 'OK'));
  assert.ok(!isSw(0x63d0, 'VERIFY_FAILED'));
  assert.equal(swHex(0x6a82), '6A82');
  assert.equal(swHex(0x61), '0061');
});
