// `rhc demo` end to end: a card issued with the demo keys, written and read back through the reader library
// over real APDUs; names outside GB 2312 survive; the text output masks personal identifiers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { demoIdNumber } from '../src/apps/cli/commands/demo.ts';
import { validateIdNumber } from '../src/codes/index.ts';

const rhc = (...args: string[]) =>
  execFileSync(process.execPath, ['bin/rhc.mjs', ...args], { encoding: 'utf8' });

test('rhc demo --json reads back what the window wrote, with a valid record signature', () => {
  const c = JSON.parse(rhc('demo', '--json'));
  assert.equal(validateIdNumber(demoIdNumber()).valid, true);
  assert.equal(c.holder.name, '李堃');
  assert.equal(c.holder.idNumber, demoIdNumber());
  assert.equal(c.issuer.cardNumber, demoIdNumber());
  assert.equal(c.contacts.contact1Name, '王𠮷');
  assert.equal(c.clinical.diabetesFlag, '01');
  assert.equal(c.allergies[0].allergenName, '青霉素');
  assert.equal(c.outpatient[0].diagnosis1Name, '2型糖尿病');
  assert.equal(c.outpatient[0].signatureValid, true);
  assert.equal(c.outpatient[1], null);
  assert.equal(c.inpatient.length, 3);
});

test('rhc demo text output masks the ID number and the name', () => {
  const out = rhc('demo');
  assert.ok(!out.includes(demoIdNumber()), 'full ID number must not be printed');
  assert.ok(!out.includes('李堃'));
  assert.match(out, /李\*/);
  assert.match(out, /签名 signature: 有效 valid/);
});
