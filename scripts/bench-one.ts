// Runs one bench module in its own process and writes its results as JSON (used by scripts/bench.mjs).
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { BenchResult } from '../bench/types.ts';

const [modulePath, outPath] = process.argv.slice(2);
const mod = (await import(pathToFileURL(resolve(modulePath)).href)) as { run(): Promise<BenchResult[]> };
const results = await mod.run();
writeFileSync(outPath, JSON.stringify(results, null, 2));
process.exit(0);
