#!/usr/bin/env node
// Entry point of the `rhc` command: runs the TypeScript sources through tsx, so `npx rhc` works
// straight after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/apps/cli/main.ts');
await main(process.argv);
