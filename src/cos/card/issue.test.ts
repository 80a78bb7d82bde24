import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../card/apdu.ts';
import { getProfile } from '../../card/profiles/index.ts';
import { demoMasterKeys, createDemoPki } from '../../crypto/index.ts';
import { newCard } from './issue.ts';
import { TestTerminal } from '../../../testkit/card-rig.ts';
import { VirtualCard } from './virtual-card.ts';

const ID = '11010519491231002X';

test('newCard: defaults from the ID number, issuer certificate in tag 05, card number in tag 08, locked', () => {
  const profile = getProfile('national');
  const cert = createDemoPki().issuerCertificate;
  const { state } = newCard({
    idNumber: ID,
    name: '测试',
    masterKeys: demoMasterKeys(profile),
    issuerCertificate: cert,
    serial: fromHex('0000002A'),
    today: new Date('2026-11-25T12:00:00Z'),
  });
  assert.equal(state.lifecycle, 'issued');
  assert.equal(toHex(state.historicalBytes), '5248434B0000002A');
  const card = new VirtualCard(state);
  card.powerOn();
  const t = new TestTerminal(card, demoMasterKeys(profile));
  t.select('DDF1/EF05');
  assert.equal(t.hex('00B2050000'), `05B4${toHex(cert)}9000`, 'tag 05 = the issuer certificate (180 B)');
  assert.equal(t.hex('00B2080000'), `0812${toHex(new TextEncoder().encode(ID))}9000`);
  assert.equal(t.hex('00B2060000'), '060420261125' + '9000', 'issue date (Beijing time)');
  t.select('DDF1/EF06');
  // holder: sex and birth date default from the ID number
  assert.equal(t.externalAuth('RK1_DDF1'), '9000');
  assert.equal(t.hex('00B20C0000'), '0C01029000', 'sex 2: the 17th digit (2) is even');
  assert.equal(t.hex('00B20E0000'), '0E04194912319000');
});

test('newCard rejects bad input with the field named', () => {
  const masterKeys = demoMasterKeys(getProfile('national'));
  assert.throws(
    () => newCard({ idNumber: '110105194912310021', name: 'x', masterKeys }),
    /^CosError: \[453\] .*\(id: /,
  );
  assert.throws(() => newCard({ idNumber: ID, name: 'x', sex: '3', masterKeys }), /sex/);
  // the number says female (sequence 002): a contradicting sex or birth date is refused (issue 13 §7)
  assert.throws(() => newCard({ idNumber: ID, name: 'x', sex: '1', masterKeys }), /\(sex: .*contradicts/);
  assert.throws(
    () => newCard({ idNumber: ID, name: 'x', birthDate: '19500101', masterKeys }),
    /\(birth: .*contradicts/,
  );
  assert.doesNotThrow(() =>
    newCard({ idNumber: ID, name: 'x', sex: '2', birthDate: '19491231', masterKeys }),
  );
  assert.throws(() => newCard({ idNumber: ID, name: ' ', masterKeys }), /name/);
  assert.throws(() => newCard({ idNumber: ID, name: 'x', cityCode: '61', masterKeys }), /city/);
});

test('the shaanxi-64k profile drives the same interpreter', () => {
  const profile = getProfile('shaanxi-64k');
  const keys = demoMasterKeys(profile);
  const { state } = newCard({
    idNumber: ID,
    name: 'x',
    profileId: profile.id,
    masterKeys: keys,
    lock: false,
  });
  const card = new VirtualCard(state);
  card.powerOn();
  const t = new TestTerminal(card, keys);
  t.select('DDF1/EF05');
  assert.equal(t.hex('00B2080000'), `0812${toHex(new TextEncoder().encode(ID))}9000`);
  for (const { path, ef } of card.tree.efs()) {
    assert.equal(t.select(path), '9000', path);
    if (ef.access.read.right !== 'always') {
      const sw = ef.structure === 'transparent' ? t.sw('00B0000010') : t.sw('00B2010400');
      assert.equal(sw, '6982', `${path} read needs ${ef.access.read.right}`);
    }
  }
});
