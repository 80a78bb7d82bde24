// Generates docs/errors.md from every error catalogue (the page is never edited by hand):
//   npm run docs:errors            rewrites docs/errors.md
//   npm run docs:errors -- --check exits 1 when the page and the catalogues disagree
// test/errors-doc.test.ts runs the same comparison, and checks that ALL_CATALOGUES lists every catalogue
// declared under src/ and that the OpenAPI documents and the WSDL publish the same codes.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Catalogue, ErrorEntry } from '../src/base/errors.ts';
import { agentErrors } from '../src/apps/agent/errors.ts';
import { cardErrors } from '../src/card/errors.ts';
import { codesErrors } from '../src/codes/errors.ts';
import { cosErrors } from '../src/cos/errors.ts';
import { cryptoErrors } from '../src/crypto/errors.ts';
import { platformErrors } from '../src/platform/errors.ts';
import { readerErrors } from '../src/reader/errors.ts';
import { storageErrors } from '../src/storage/errors.ts';

/** Every catalogue of the product, lowest range first (a new layer's catalogue is added here). */
export const ALL_CATALOGUES: readonly Catalogue[] = [
  cardErrors,
  codesErrors,
  cryptoErrors,
  cosErrors,
  readerErrors,
  agentErrors,
  storageErrors,
  platformErrors,
].sort((a, b) => a.range[0] - b.range[0]);

/** What each layer's codes are and where a user meets them (the section intro). */
const LAYER_NOTES: Record<string, string> = {
  card: 'Card data that does not fit the card layout, profile lookups and transcripts. Through the reader they reach users as 101 BAD_PARAMETER with this symbol in `detail`.',
  codes:
    'National code tables and region codes. The platform answers an unknown table on `GET /api/v1/codes/{table}` with 350.',
  crypto:
    'SM2 input, certificate and record-signature input, and key files (`rhc keys`, `--keys FILE`). Record and chain verification failures are results with a reason, not errors.',
  cos: 'The virtual card and virtual SAM (`rhc card new`, `rhc card vpcd`, `rhc demo`, `--virtual`, `--virtual-sam`): bad construction input and bad virtual-card files. APDU answers are status words, never these codes.',
  reader:
    'The reader interface (card-format.md §8.6: 101–113 as the deployed DLLs return them; 120–127 RHC device codes). Numbers on the wire; `sw` carries the last status word. HTTP is the reader agent’s answer.',
  agent:
    'The local reader agent’s own refusals (HTTP guards); numbers on the wire, next to the reader codes.',
  storage:
    'The database layer (`--db` / `$RHC_DATABASE_URL`): a URL or schema name it cannot open, and internal errors of a schema that does not match the program.',
  platform:
    'Platform result codes (platform-interfaces.md §3.2). Every binding carries the same code: REST problem response `code`, SOAP Fault `detail/rhc:code`, SOAP envelope `resultCode`, JSON gateway `result_code`.',
};

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const row = (e: ErrorEntry) =>
  `| ${e.code} | \`${e.symbol}\` | ${esc(e.zh)} | ${esc(e.en)} | ${esc(e.staff)} | ${esc(e.integrator)} | ${e.http} |`;

/** The text of docs/errors.md. */
export function renderErrorsMarkdown(cats: readonly Catalogue[] = ALL_CATALOGUES): string {
  const lines = [
    '# RHC error codes / 错误代码',
    '',
    'Generated from the error catalogues (`src/<layer>/errors.ts`, one shape: `src/base/errors.ts`) by',
    '`npm run docs:errors`; a test fails when this page, the catalogues, the OpenAPI documents and the WSDL',
    'disagree. Each layer owns a number range (docs/architecture.md). “前台操作” is the advice for hospital staff',
    '(front desk, nurse station), “Integrator” the advice for the HIS vendor or IT department.',
    '',
    '| Layer | Range | Codes |',
    '|---|---|---|',
    ...cats.map((c) => `| [${c.layer}](#${c.layer}) | ${c.range[0]}–${c.range[1]} | ${c.entries.length} |`),
  ];
  for (const c of cats) {
    lines.push(
      '',
      `## ${c.layer}`,
      '',
      `${c.range[0]}–${c.range[1]}. ${LAYER_NOTES[c.layer] ?? ''}`.trimEnd(),
      '',
      '| Code | Symbol | 含义 | Meaning | 前台操作 / front desk | Integrator | HTTP |',
      '|---|---|---|---|---|---|---|',
      ...c.entries.map(row),
    );
  }
  return lines.join('\n') + '\n';
}

export const ERRORS_DOC = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderErrorsMarkdown();
  if (process.argv.includes('--check')) {
    if (readFileSync(ERRORS_DOC, 'utf8') !== text) {
      console.error('docs/errors.md is out of date: run npm run docs:errors');
      process.exit(1);
    }
  } else writeFileSync(ERRORS_DOC, text);
}
