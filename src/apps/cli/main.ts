// The `rhc` command. Each subcommand lives in its own module under ./commands/ and exports
// `register(program)`. A run loads the modules that command-table.ts names for its command; help and
// unknown commands load every module in file-name order.
import { Command } from 'commander';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMMAND_MODULES } from './command-table.ts';

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

export const COMMANDS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'commands');

/** Every command module file, in file-name order. */
export function commandModuleFiles(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
}

const PACKAGE_JSON = join(dirname(fileURLToPath(import.meta.url)), '../../../package.json');
/** The package version `rhc --version` prints. */
export const RHC_VERSION = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
const VERSION_FLAGS = new Set(['-V', '--version']);

/** The program with the modules of `command` registered (all modules when `command` is not in the table). */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command('rhc')
    .description('RHC — Resident Health Card (居民健康卡) platform, card tools and reader agent')
    .version(RHC_VERSION, '-V, --version', '显示版本 / print the version')
    .showHelpAfterError()
    .exitOverride((err) => {
      throw err;
    });
  const files = VERSION_FLAGS.has(command ?? '')
    ? []
    : (command !== undefined && Object.hasOwn(COMMAND_MODULES, command) && COMMAND_MODULES[command]) ||
      commandModuleFiles();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(COMMANDS_DIR, file)).href)) as CommandModule;
    mod.register(program);
  }
  return program;
}

/** What to tell the user when a server cannot listen: which port, and how to choose another. */
function listenErrorMessage(e: { code?: unknown; port?: unknown; message?: string }): string | undefined {
  if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') return undefined;
  const port = typeof e.port === 'number' ? e.port : undefined;
  const other = port !== undefined && port < 65535 ? port + 1 : 8081;
  const what =
    e.code === 'EADDRINUSE' ? '已被占用 is already in use' : '无权监听 may not be opened by this user';
  return `端口 ${port ?? ''} ${what} — 换一个端口 choose another: --port ${other}（npm start: PORT=${other} npm start）`;
}

export async function main(argv: string[]): Promise<void> {
  // `rhc … | head -1`: the reader went away; that is the end of the output, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = await buildProgram(argv[2]);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: unknown; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // commander already printed help or the usage error
      process.exitCode = e.exitCode ?? 1;
      return;
    }
    console.error(`rhc: ${listenErrorMessage(e) ?? e.message ?? String(err)}`);
    process.exitCode = typeof e.exitCode === 'number' ? e.exitCode : 1;
  }
}
