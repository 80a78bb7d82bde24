import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './apdu.ts';
import { cardFactorFromAtr, cityFactor, contactlessAtr } from './factors.ts';

test('city factor is the ASCII province digits followed by six ASCII zeros', () => {
  assert.equal(toHex(cityFactor('410100')), '3431303030303030');
  assert.equal(toHex(cityFactor('610113')), '3631303030303030');
  assert.throws(() => cityFactor('61011'), RangeError);
});

test('virtual-card ATR: both card-factor rules give the 8 historical bytes', () => {
  const hist = fromHex('5248430100012345');
  const atr = contactlessAtr(hist);
  // 3B 88 80 01 | hist | TCK = XOR of 88 80 01 and hist
  assert.equal(toHex(atr).slice(0, 8), '3B888001');
  assert.equal(atr.length, 13);
  assert.deepEqual(cardFactorFromAtr(atr, 'historical'), hist);
  assert.deepEqual(cardFactorFromAtr(atr, 'last8'), hist);
});

test('historical bytes are found after the interface bytes of a longer ATR', () => {
  // 3B 8A 80 01: TD1 present (T=1 follows), 10 historical bytes; TCK last
  const atr = fromHex('3B8A8001' + '11223344556677889900' + '00');
  assert.equal(toHex(cardFactorFromAtr(atr, 'historical')), '1122334455667788');
  assert.equal(toHex(cardFactorFromAtr(atr, 'last8')), '3344556677889900');
  assert.throws(() => cardFactorFromAtr(fromHex('3B8480011122')), RangeError);
});
