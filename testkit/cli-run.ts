// Runs a commander program in-process for CLI tests and returns what the command printed with console.log
// (one string, lines joined by \n). Build the program with `buildProgram()` or register single modules.
import type { Command } from 'commander';

export async function runCommand(program: Command, args: readonly string[]): Promise<string> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    await program.parseAsync(['node', 'rhc', ...args]);
  } finally {
    console.log = log;
  }
  return out.join('\n');
}
