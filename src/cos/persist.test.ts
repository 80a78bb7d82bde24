import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../card/apdu.ts';
import { TestTerminal, makeTestCard, tlv } from '../../testkit/card-rig.ts';
import { VirtualCard } from './card/virtual-card.ts';
import { loadCard, saveCard, serializeCard } from './persist.ts';

test('a card saved after every accepted write loads back identical (files, keys, counters, life cycle)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhc-card-'));
  try {
    const path = join(dir, 'card.json');
    let saves = 0;
    const { card, keys } = makeTestCard({
      onChange: (s) => {
        saveCard(path, s);
        saves++;
      },
    });
    saveCard(path, card.state);
    const t = new TestTerminal(card, keys);
    t.select('DDF1/EF08');
    assert.equal(t.externalAuth('UK1_DDF1'), '9000');
    assert.equal(
      t.raw(t.smCommand('STK_DDF1', 0x04, 0xdc, 0x02, 0x04, tlv(0x10, 20, new Uint8Array([0x31])))),
      '9000',
    );
    assert.equal(t.externalAuth('RK1_DDF1', 1, { wrong: true }), '63CE');
    t.select('DDF1');
    assert.equal(t.raw(t.macCommand('STK_DDF1', 0x84, 0xee, 0, 0)), '6982');
    assert.equal(saves, 2, 'one write + one retry-counter change');
    assert.equal(statSync(path).mode & 0o777, 0o600, 'holds card keys: owner-only');
    assert.deepEqual(readdirSync(dir), ['card.json'], 'no temp file left');

    const loaded = loadCard(path);
    assert.deepEqual(serializeCard(loaded), serializeCard(card.state));
    assert.equal(loaded.retries.get('RK1_DDF1'), 14);
    const again = new VirtualCard(loaded);
    assert.equal(toHex(again.powerOn()), toHex(card.atr));
    assert.equal(toHex(again.fileBytes('DDF1/EF08')), toHex(card.fileBytes('DDF1/EF08')));
    // the loaded card still authenticates with the same per-card keys
    const t2 = new TestTerminal(again, keys);
    t2.select('DDF1/EF08');
    assert.equal(t2.externalAuth('RK1_DDF1'), '9000');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadCard rejects a broken file with a coded error naming the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhc-card-'));
  try {
    const path = join(dir, 'card.json');
    const { card } = makeTestCard();
    saveCard(path, card.state);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.files['DDF1/EF05'].records[6] = '0812';
    writeFileSync(path, JSON.stringify(json));
    assert.throws(
      () => loadCard(path),
      (e: Error & { symbol?: string }) => {
        assert.equal(e.symbol, 'CARD_FILE_INVALID');
        assert.match(e.message, /DDF1\/EF05/);
        return true;
      },
    );
    delete json.files['DDF1/EF05'];
    json.historicalBytes = '00';
    writeFileSync(path, JSON.stringify(json));
    assert.throws(() => loadCard(path), /historicalBytes/);
    writeFileSync(path, '{');
    assert.throws(() => loadCard(path), { symbol: 'CARD_FILE_INVALID' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
