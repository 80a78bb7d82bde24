// Load from a separate process: autocannon in a child (autocannon-child.ts), bounded by durationSeconds.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface AutocannonConfig {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** JSON file holding an array of body strings, used round-robin. */
  bodiesFile?: string;
  /** Total requests per second across connections (open-loop rate); absent = as fast as possible. */
  rate?: number;
}

export interface LoadResult {
  rps: number;
  total: number;
  /** Latencies in ms. */
  mean: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const ENTRY = join(import.meta.dirname, 'autocannon-child.ts');

export function runAutocannon(cfg: AutocannonConfig): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(cfg)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (cfg.durationSeconds + 30) * 1000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(JSON.parse(out) as LoadResult);
      else reject(new Error(`autocannon exited ${code}: ${err.slice(-500)}`));
    });
  });
}
