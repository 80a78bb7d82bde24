// Runs a bulk load in a child process (bulk-child.ts) and returns its counts, time and peak RSS.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BulkResult } from '../../src/platform/seed/bulk.ts';

export interface ChildBulkResult extends BulkResult {
  /** RSS of the child after start-up, before loading (bytes). */
  rssBefore: number;
  /** Peak RSS of the child (VmHWM, bytes). */
  peakRss: number;
}

const ENTRY = join(import.meta.dirname, 'bulk-child.ts');

export function bulkLoadInChild(dbUrl: string, residents: number, seed = 5): Promise<ChildBulkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', ENTRY, JSON.stringify({ dbUrl, residents, seed })],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as ChildBulkResult)
        : reject(new Error(`bulk load exited ${code}`)),
    );
  });
}
