// ESLint rule `rhc/layers`: the import rules of docs/architecture.md as data. Dependencies point only
// downwards; src/ never imports testkit/; the card simulator (src/cos) is loaded only by the files that
// deliberately run a virtual card or SAM. Tests (*.test.ts), testkit/, bench/ and scripts/ may import anything.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Layer → the layers it may import (itself always allowed). */
export const LAYERS = {
  base: [],
  codes: ['base'],
  card: ['base', 'codes'],
  crypto: ['base', 'codes', 'card'],
  cos: ['base', 'codes', 'card', 'crypto'],
  reader: ['base', 'codes', 'card', 'crypto'],
  storage: ['base'],
  platform: ['base', 'codes', 'card', 'crypto', 'storage'],
  keyfront: ['base', 'codes', 'card', 'crypto', 'storage', 'platform'],
  gateway: ['base', 'codes', 'card', 'crypto', 'storage', 'platform'],
  flows: ['base', 'codes', 'card', 'crypto', 'reader', 'platform'],
  apps: [
    'base',
    'codes',
    'card',
    'crypto',
    'cos',
    'reader',
    'storage',
    'platform',
    'keyfront',
    'gateway',
    'flows',
  ],
};

/**
 * Product files outside src/cos that may load the simulator: each runs a virtual card or SAM on purpose.
 * Paths relative to the repository; a trailing '/' names a folder.
 */
export const COS_USERS = [
  'src/apps/cli/commands/card-cos.ts', // rhc card new / vpcd
  'src/apps/cli/commands/demo.ts', // rhc demo
  'src/apps/cli/commands/keys.ts', // rhc keys (demo key material, SAM files)
  'src/apps/cli/commands/card-reader.ts', // rhc card dump FILE, rhc card read --virtual-sam
  'src/apps/agent/virtual.ts', // rhc agent --virtual (loaded only when asked for)
];

const FREE = ['testkit/', 'test/', 'bench/', 'scripts/'];

/** The layer a repository path belongs to, or undefined outside src/. */
function layerOf(path) {
  const m = /^src\/([^/]+)\//.exec(path);
  return m ? m[1] : undefined;
}

function isFree(path) {
  return /\.test\.ts$/.test(path) || FREE.some((p) => path.startsWith(p));
}

/**
 * Why `importer` may not import `target` (both repository paths), or undefined when it may.
 * Exported for the rule's own test.
 */
export function forbidden(importer, target) {
  if (isFree(importer)) return undefined;
  if (target.startsWith('testkit/'))
    return `${importer} → ${target}: src/ may not import testkit/ (docs/architecture.md)`;
  const from = layerOf(importer);
  const to = layerOf(target);
  if (!from || !to || from === to) return undefined;
  const allowed = LAYERS[from];
  if (!allowed) return `${importer}: layer ${from} is not in the layer table (scripts/eslint-layers.mjs)`;
  if (!allowed.includes(to)) {
    return `${importer} → ${target}: layer ${from} may not import layer ${to} (docs/architecture.md)`;
  }
  if (to === 'cos' && !COS_USERS.some((u) => (u.endsWith('/') ? importer.startsWith(u) : importer === u))) {
    return `${importer} → ${target}: only the files that run a virtual card or SAM may load src/cos (COS_USERS in scripts/eslint-layers.mjs)`;
  }
  return undefined;
}

function check(context, node, spec) {
  if (typeof spec !== 'string' || !spec.startsWith('.')) return;
  if (node.parent?.importKind === 'type' || node.parent?.exportKind === 'type') return; // erased: loads nothing
  const file = context.filename ?? context.getFilename();
  const importer = relative(ROOT, file).split('\\').join('/');
  const target = relative(ROOT, resolve(dirname(file), spec))
    .split('\\')
    .join('/');
  const why = forbidden(importer, target);
  if (why) context.report({ node, message: why });
}

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the layer map of docs/architecture.md' },
    schema: [],
  },
  create(context) {
    const fromSource = (node) => node.source && check(context, node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) =>
        node.source.type === 'Literal' && check(context, node.source, node.source.value),
    };
  },
};

export const layersPlugin = { rules: { layers: layersRule } };
