// `npm run bench`: runs every bench/*.bench.ts in its own process (so one module's heap and native
// handles do not disturb the next), keeps each module's last results in bench/results/<module>.json, then
// rewrites BENCHMARKS.md from all kept results. Every figure sits next to a baseline measured in the same
// run of its module. Usage: node scripts/bench.mjs [filter …] (a filter re-runs only matching modules).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const modules = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
const dir = mkdtempSync(join(tmpdir(), 'rhc-bench-'));
const sections = [];
const failures = [];
for (const file of modules) {
  const out = join(dir, `${file}.json`);
  const started = Date.now();
  console.log(`bench: ${file} …`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench-one.ts', join('bench', file), out],
    {
      stdio: 'inherit',
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (r.status !== 0 || !existsSync(out)) {
    failures.push(`${file} (exit ${r.status})`);
    continue;
  }
  const results = JSON.parse(readFileSync(out, 'utf8'));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    join('bench/results', `${file}.json`),
    JSON.stringify({ file, date: new Date().toISOString(), seconds, results }, null, 2) + '\n',
  );
}
// Render from every kept result, so a filtered run does not drop the other modules' figures.
if (existsSync('bench/results'))
  for (const f of readdirSync('bench/results')
    .filter((n) => n.endsWith('.json'))
    .sort())
    sections.push(JSON.parse(readFileSync(join('bench/results', f), 'utf8')));

const fmt = (n) =>
  n === undefined || n === null
    ? ''
    : Math.abs(n) >= 100
      ? Math.round(n).toLocaleString('en-US')
      : Number(n.toPrecision(3)).toString();
const version = (pkg) => {
  try {
    return JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, 'utf8')).version;
  } catch {
    return 'n/a';
  }
};
const lines = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (scripts/bench.mjs); do not edit by hand. Every figure is measured next to a',
  'baseline in the same run, and the ratio is what to compare across machines (these machines are noisy).',
  '',
  `- Rendered: ${new Date().toISOString()} (each module's run date is under "Runs")`,
  `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  `- Node.js ${process.version}; better-sqlite3 ${version('better-sqlite3')}; kysely ${version('kysely')}; fastify ${version('fastify')}; pg ${version('pg')}`,
  '',
];
const groups = new Map();
for (const s of sections)
  for (const r of s.results) {
    if (!groups.has(r.group)) groups.set(r.group, []);
    groups.get(r.group).push(r);
  }
for (const [group, results] of groups) {
  lines.push(
    `## ${group}`,
    '',
    '| Figure | Value | Baseline (same run) | Ratio | Target | Notes |',
    '|---|---|---|---|---|---|',
  );
  for (const r of results)
    lines.push(
      `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.baseline.unit}` : '–'} | ${r.ratio !== undefined ? fmt(r.ratio) + '×' : '–'} | ${r.target !== undefined ? '≥ ' + r.target + '×' : ''} | ${r.notes ?? ''} |`,
    );
  lines.push('');
}
lines.push(
  '## Runs',
  '',
  ...sections.map((s) => `- ${s.file}: ${s.results.length} figures in ${s.seconds} s, run ${s.date}`),
);
if (failures.length) lines.push('', '## Failed modules', '', ...failures.map((f) => `- ${f}`));
lines.push('');
writeFileSync('BENCHMARKS.md', lines.join('\n'));
console.log(`bench: wrote BENCHMARKS.md (${sections.length} modules, ${failures.length} failed)`);
process.exit(failures.length ? 1 : 0);
