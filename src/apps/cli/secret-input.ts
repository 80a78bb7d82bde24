// Secrets for server roles (a city's province password, later a front-end machine's hospital credentials)
// come from the environment or from a file only readable by its owner — never from the command line,
// where every local user sees them in `ps`.
import { readFileSync, statSync } from 'node:fs';
import { usageError } from './usage.ts';

export interface SecretSource {
  /** What the operator passed as the file option, if anything. */
  file?: string;
  /** Name of the environment variable that may hold the secret. */
  env: string;
  /** The file option's name, for messages. */
  fileOption: string;
}

/** Reads the secret from `file` (mode 0600 or stricter; one trailing line end dropped) or `$env`. */
export function readSecret(source: SecretSource): string | undefined {
  if (source.file) {
    let mode: number;
    try {
      mode = statSync(source.file).mode;
    } catch {
      throw usageError(
        `${source.fileOption} ${source.file}: 文件不存在或无法读取 file not found or unreadable`,
      );
    }
    if ((mode & 0o077) !== 0) {
      throw usageError(
        `${source.fileOption} ${source.file}: 其他用户可读，请执行 chmod 600 ${source.file} ` +
          `(readable by other users: chmod 600 it)`,
      );
    }
    const secret = readFileSync(source.file, 'utf8').replace(/\r?\n$/, '');
    if (secret === '') throw usageError(`${source.fileOption} ${source.file}: 文件为空 file is empty`);
    return secret;
  }
  const fromEnv = process.env[source.env];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/** The message for a secret passed on the command line. */
export function secretOnCommandLine(option: string, source: SecretSource): Error {
  return usageError(
    `${option} 不能写在命令行上（ps 可见）：请用环境变量 $${source.env} 或 ${source.fileOption} <文件> ` +
      `(a secret on the command line is visible in ps: use $${source.env} or ${source.fileOption} FILE)`,
  );
}
