// The layer rule (scripts/eslint-layers.mjs) run through ESLint itself, as `npm run lint` runs it: a
// forbidden import is an error with the rule's message, an allowed one is clean.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: ROOT });

async function layerMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'rhc/layers').map((m) => m.message);
}

describe('rhc/layers lint rule', () => {
  it('fails a lower layer importing a higher one', async () => {
    const messages = await layerMessages(
      'src/codes/bad.ts',
      "export { INTERFACES } from '../platform/contracts.ts';\n",
    );
    assert.deepEqual(messages, [
      'src/codes/bad.ts → src/platform/contracts.ts: layer codes may not import layer platform (docs/architecture.md)',
    ]);
  });

  it('fails product code importing the test kit, also through a dynamic import', async () => {
    const messages = await layerMessages(
      'src/reader/bad.ts',
      "export const rig = () => import('../../testkit/reader-rig.ts');\n",
    );
    assert.equal(messages.length, 1);
    assert.match(messages[0]!, /src\/ may not import testkit\//);
  });

  it('keeps the simulator out of the reader and out of files not listed as its users', async () => {
    const reader = await layerMessages('src/reader/bad.ts', "export * from '../cos/index.ts';\n");
    assert.match(reader[0] ?? '', /layer reader may not import layer cos/);
    const app = await layerMessages('src/apps/cli/commands/bad.ts', "import '../../../cos/index.ts';\n");
    assert.match(app[0] ?? '', /only the files that run a virtual card or SAM may load src\/cos/);
  });

  it('allows imports downwards and leaves tests free', async () => {
    assert.deepEqual(
      await layerMessages('src/platform/bad.ts', "export { masked } from '../codes/index.ts';\n"),
      [],
    );
    assert.deepEqual(
      await layerMessages('src/codes/bad.test.ts', "import '../platform/contracts.ts';\n"),
      [],
    );
  });
});
