// Usage errors of the `rhc` CLI: they exit with 2, distinct from "invalid input" (1) and refusals (3).
import type { Command, CommanderError } from 'commander';

export function usageError(message: string): Error & { exitCode: number } {
  return Object.assign(new Error(message), { exitCode: 2 });
}

/** Commander's own usage errors (missing argument, unknown option) on `cmd` exit with 2 instead of 1. */
export function usageErrorsExitWith2(cmd: Command): void {
  cmd.exitOverride((err: CommanderError) => {
    if (err.exitCode !== 0) err.exitCode = 2;
    throw err;
  });
}

/** A TCP port option (0 = any free port when `allowZero`). */
export function parsePort(value: string, option = '--port', allowZero = true): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535)
    throw usageError(`${option} 端口无效 invalid port: ${value}`);
  return port;
}
