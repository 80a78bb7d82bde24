// Starts the province platform in a separate Node process (serve-child.ts through tsx) and hands back its
// URL and pid: the load generator, the RSS sampler and kill -9 all need the server outside this process.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ServeChildConfig } from './serve-child.ts';

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  child: ChildProcess;
  /** Text the server wrote to stderr (errors are reported there). */
  stderr(): string;
  /** SIGKILL, then wait for the exit. */
  kill9(): Promise<void>;
  /** Full GC in the server (SIGUSR2; started with --expose-gc); resolves with its RSS and live heap afterwards. */
  collectGarbage(): Promise<{ rss: number; heapUsed: number }>;
  /** SIGTERM (clean stop: flushes the audit trail), then wait. */
  stop(): Promise<void>;
}

const ENTRY = join(import.meta.dirname, 'serve-child.ts');

export function startServerProcess(cfg: ServeChildConfig, timeoutMs = 30_000): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ENTRY, JSON.stringify(cfg)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server process did not start in ${timeoutMs} ms: ${err.slice(-500)}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 100_000) err = err.slice(-50_000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server process exited (${code}) before ready: ${err.slice(-800)}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const ready = JSON.parse(out.slice(0, nl)) as { baseUrl: string; pid: number };
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        baseUrl: ready.baseUrl,
        pid: child.pid!,
        child,
        stderr: () => err,
        async kill9() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        collectGarbage() {
          const before = (err.match(/gc-done /g) ?? []).length;
          child.kill('SIGUSR2');
          return new Promise<{ rss: number; heapUsed: number }>((res, rej) => {
            const t0 = Date.now();
            const poll = setInterval(() => {
              const all = [...err.matchAll(/gc-done (\d+) (\d+)/g)];
              if (all.length > before) {
                clearInterval(poll);
                res({ rss: Number(all.at(-1)![1]), heapUsed: Number(all.at(-1)![2]) });
              } else if (Date.now() - t0 > 10_000) {
                clearInterval(poll);
                rej(new Error('server did not confirm the garbage collection'));
              }
            }, 20);
          });
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
