import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { COMMAND_MODULES } from './command-table.ts';
import { COMMANDS_DIR, buildProgram, commandModuleFiles, type CommandModule } from './main.ts';

test('the command table names exactly the modules that register each top-level command', async () => {
  const registered: Record<string, string[]> = {};
  for (const file of commandModuleFiles()) {
    const program = new Command('rhc');
    const mod = (await import(pathToFileURL(join(COMMANDS_DIR, file)).href)) as CommandModule;
    mod.register(program);
    for (const c of program.commands) (registered[c.name()] ??= []).push(file);
  }
  const table = Object.fromEntries(Object.entries(COMMAND_MODULES).map(([k, v]) => [k, [...v].sort()]));
  assert.deepEqual(registered, table);
});

test('a run registers only its own command; help registers every command', async () => {
  assert.deepEqual(
    (await buildProgram('agent')).commands.map((c) => c.name()),
    ['agent'],
  );
  const all = (await buildProgram('--help')).commands.map((c) => c.name()).sort();
  assert.deepEqual(all, Object.keys(COMMAND_MODULES).sort());
});
