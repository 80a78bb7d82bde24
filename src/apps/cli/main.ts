// The `rhc` command. Each subcommand lives in its own module under ./commands/ and exports
// `register(program)`; they are loaded in file-name order so features can add commands
// without editing this file.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CommandModule {
  register(program: Command): void;
}

/**
 * A command group shared by several modules (e.g. `rhc card new` from cos and `rhc card dump` from reader):
 * returns the existing group or creates it.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('rhc')
    .description('RHC — Resident Health Card (居民健康卡) platform, card tools and reader agent')
    .showHelpAfterError()
    .exitOverride((err) => {
      throw err;
    });
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as CommandModule;
    mod.register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: unknown; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // commander already printed help or the usage error
      process.exitCode = e.exitCode ?? 1;
      return;
    }
    console.error(`rhc: ${e.message ?? String(err)}`);
    process.exitCode = typeof e.exitCode === 'number' ? e.exitCode : 1;
  }
}
