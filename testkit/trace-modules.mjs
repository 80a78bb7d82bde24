// Module-load trace for tests (Node 20 `module.register` hooks): every module URL the ESM loader loads is
// appended, one per line, to the file named by RHC_TRACE_MODULES. Used to prove what a start path loads,
// e.g. that the reader agent on a real PC/SC reader loads nothing from src/cos (test/agent-pcsc-modules.test.ts).
//
//   RHC_TRACE_MODULES=/tmp/loaded.txt node --import tsx --import ./testkit/trace-modules.mjs app.ts
//
// Import it AFTER tsx: hooks registered later run first, so this one sees every load before tsx handles it.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let traceFile;

/** Hooks thread: receives the trace file from register(). */
export function initialize(data) {
  traceFile = data?.traceFile;
}

export async function load(url, context, nextLoad) {
  if (traceFile) appendFileSync(traceFile, url + '\n');
  return nextLoad(url, context);
}

// Main thread (the --import): register this file as hooks when a trace file is asked for.
if (isMainThread && process.env.RHC_TRACE_MODULES && !globalThis.__rhcTraceModules) {
  globalThis.__rhcTraceModules = true;
  register(import.meta.url, { data: { traceFile: process.env.RHC_TRACE_MODULES } });
}
