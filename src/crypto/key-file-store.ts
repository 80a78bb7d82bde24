// Key files on disk: written with mode 0600 (whatever the umask) and never overwritten; loading refuses a
// file that group or others can read (as ssh does) and validates it with parseKeyFile (key-file.ts).
import { closeSync, fchmodSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { KeyFileError } from './errors.ts';
import { parseKeyFile, type KeyFileJson, type LoadedKeyFile } from './key-file.ts';

/** Writes a new key file with mode 0600; refuses to overwrite an existing file. */
export function writeKeyFile(path: string, json: KeyFileJson): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST')
      throw new KeyFileError(
        'KEYFILE_EXISTS',
        'out',
        `文件已存在，拒绝覆盖 file exists, not overwriting: ${path}`,
      );
    throw new KeyFileError('KEYFILE_IO', 'out', `${err.code ?? ''} ${err.message}`);
  }
  try {
    fchmodSync(fd, 0o600); // independent of the umask
    writeSync(fd, JSON.stringify(json, null, 2) + '\n');
  } finally {
    closeSync(fd);
  }
}

/** Reads and validates a key file; refuses one that group or others can read (like ssh does). */
export function loadKeyFile(path: string): LoadedKeyFile {
  let text: string;
  try {
    const st = statSync(path);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
      throw new KeyFileError(
        'KEYFILE_PERMISSIONS',
        'path',
        `密钥文件权限过宽 key file is accessible by other users (mode ${(st.mode & 0o777).toString(8)}); chmod 600 ${path}`,
      );
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof KeyFileError) throw e;
    throw new KeyFileError('KEYFILE_IO', 'path', (e as Error).message);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new KeyFileError('KEYFILE_INVALID', 'json', 'not valid JSON');
  }
  return parseKeyFile(raw);
}
