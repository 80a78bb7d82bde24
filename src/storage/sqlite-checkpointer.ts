// Checkpoints copy WAL pages into the database file. Done by the connection that commits (SQLite's
// default), a checkpoint of a large database blocks the event loop for hundreds of ms and shows up as
// p99 latency. A worker thread with its own connection runs PASSIVE checkpoints instead (they never block
// writers or readers); the main connection keeps a far-off automatic checkpoint as a fallback.
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 50');
const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

export function startCheckpointer(
  path: string,
  main: BetterSqlite3.Database,
  intervalMs = 1000,
): { stop(): Promise<void> } {
  main.pragma('wal_autocheckpoint = 50000');
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { path, module, intervalMs } });
  worker.unref();
  worker.on('error', (err) =>
    console.error('rhc: WAL checkpointer failed; automatic checkpoints continue', err),
  );
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.ref(); // keep the loop alive until the worker has closed its connection
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
