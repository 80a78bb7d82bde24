// Records every module a Node process loads: `node --import ./testkit/trace-modules.mjs …` with
// RHC_TRACE_MODULES=FILE appends each resolved URL to FILE (one per line). Used to prove what a command
// does not load (test/agent-pcsc-modules.test.ts: the agent on a PC/SC reader loads nothing from src/cos).
import { register } from 'node:module';

register('./trace-modules-hooks.mjs', import.meta.url, { data: { file: process.env.RHC_TRACE_MODULES } });
