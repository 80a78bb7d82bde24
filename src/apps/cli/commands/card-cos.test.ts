import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadCard } from '../../../cos/persist.ts';
import { VPCD_DEFAULT_PORT } from '../../../cos/vpcd.ts';
import { runCommand } from '../../../../testkit/cli-run.ts';
import { register, VPCD_PORT_OPTION_DEFAULT } from './card-cos.ts';

const ID = '11010519491231002X';

function run(args: string[]): Promise<string> {
  const program = new Command('rhc').exitOverride();
  register(program);
  return runCommand(program, args);
}

test('rhc card new writes a 0600 card file and prints a masked summary without keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhc-cli-card-'));
  try {
    const out = join(dir, 'card.json');
    const text = await run(['card', 'new', '--out', out, '--id', ID, '--name', '张三丰', '--city', '410100']);
    assert.match(text, /110105\*{8}002X/);
    assert.match(text, /张\*\*/);
    assert.doesNotMatch(text, new RegExp(ID));
    assert.doesNotMatch(text, /三丰/);
    assert.match(text, /demo test keys/);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const state = loadCard(out);
    assert.equal(state.applicationCityCode, '410100');
    assert.equal(state.lifecycle, 'issued');
    for (const k of state.keys.values())
      assert.doesNotMatch(text, new RegExp(Buffer.from(k).toString('hex'), 'i'));
    await assert.rejects(run(['card', 'new', '--out', out, '--id', ID, '--name', 'x']), /file exists/);
    const again = await run(['card', 'new', '--out', out, '--id', ID, '--name', 'x', '--force', '--no-lock']);
    assert.match(again, /personalisation/);
    await assert.rejects(
      run(['card', 'new', '--out', join(dir, 'b.json'), '--id', '110105194912310021', '--name', 'x']),
      /id: .*ID_CHECK_DIGIT/,
    );
    await assert.rejects(
      run(['card', 'new', '--out', join(dir, 'c.json'), '--id', ID, '--name', 'x', '--sex', '1']),
      /sex: 性别 1 与身份证号不符/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rhc card vpcd defaults to the vpcd port of the bridge', () => {
  assert.equal(VPCD_PORT_OPTION_DEFAULT, String(VPCD_DEFAULT_PORT));
});
