// Where the reliability suites leave their counts (JSON), so bench/reliability.bench.ts can put them in
// BENCHMARKS.md: $RHC_RELIABILITY_DIR or tmp/reliability/ under the working directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function resultsDir(): string {
  return resolve(process.env.RHC_RELIABILITY_DIR ?? join('tmp', 'reliability'));
}

export function writeSuiteResult(suite: string, data: unknown): string {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ suite, at: new Date().toISOString(), ...(data as object) }, null, 2)}\n`,
  );
  return file;
}

export function readSuiteResult<T>(suite: string): (T & { at: string }) | undefined {
  const file = join(resultsDir(), `${suite}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T & { at: string }) : undefined;
}
