// Fuzzes the virtual user card: node --import tsx scripts/fuzz-cos.ts [--count 1000000] [--seed 1]
// Exit 1 when a check failed (exception, malformed answer, unknown SW, file changed without a right).
import { runFuzz } from '../testkit/fuzz/cos-fuzz.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};

const count = arg('--count', 1_000_000);
const seed = arg('--seed', 1);
const started = performance.now();
const report = runFuzz(count, seed);
const seconds = (performance.now() - started) / 1000;
console.log(`APDUs 命令数: ${report.apdus}  (${Math.round(report.apdus / seconds)} /s, seed ${seed})`);
console.log(
  `authentications 认证成功: ${report.authentications}  accepted writes 写入: ${report.acceptedWrites}`,
);
console.log('status words 状态字:');
for (const [sw, n] of [...report.bySw].sort((a, b) => b[1] - a[1])) console.log(`  ${sw.padEnd(5)} ${n}`);
console.log(`violations 违规: ${report.violations.length}`);
for (const v of report.violations.slice(0, 20)) console.log(`  ${v}`);
process.exitCode = report.violations.length ? 1 : 0;
