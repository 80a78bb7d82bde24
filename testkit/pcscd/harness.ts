// Test and benchmark support (not used by production code): starts a private pcscd with a vpcd reader on a
// free port, connects a VirtualCard through the vpcd bridge, and sends APDUs with opensc-tool. Only one
// pcscd can run per machine (its socket path is fixed), so a lock directory serialises users of this
// harness; a pcscd that someone else started is left alone and reported as the reason to skip, while one
// left behind by a harness user that died (its config directory is ours) is stopped.
// The card answers on its own worker thread (vpcd-card-thread.ts says why: blocking PC/SC calls).
import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualCard } from '../../src/cos/card/virtual-card.ts';
import { VpcdCardThread } from '../../src/cos/card/vpcd-card-thread.ts';

const LOCK_DIR = join(tmpdir(), 'rhc-pcscd.lock');
const CONFIG_PREFIX = 'rhc-pcscd-';
const PID_FILE = '/run/pcscd/pcscd.pid';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Why PC/SC tests cannot run here, or undefined when pcscd and opensc-tool are present. */
export function pcscUnavailableReason(): string | undefined {
  const missing = ['pcscd', 'opensc-tool'].filter((c) => !has(c));
  if (missing.length) return `missing ${missing.join(', ')} (apt-get install pcscd opensc vsmartcard-vpcd)`;
  if (!existsSync('/usr/lib/pcsc/drivers/serial/libifdvpcd.so'))
    return 'vpcd driver missing (apt-get install vsmartcard-vpcd)';
  return undefined;
}

/** True when `pid` runs (a zombie — killed, never reaped because its parent died too — does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: trust the signal check
  }
}

function runningPcscd(): number | undefined {
  if (!existsSync(PID_FILE)) return undefined;
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

/** True when `pid` is a pcscd this harness started (its reader config lives in one of our temp dirs). */
function isHarnessPcscd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(tmpdir(), CONFIG_PREFIX));
  } catch {
    return false;
  }
}

/**
 * The pid of a pcscd someone else runs, after stopping any pcscd a dead harness user left behind (we hold
 * the lock, so no live user owns one).
 */
async function foreignPcscd(): Promise<number | undefined> {
  const pid = runningPcscd();
  if (pid === undefined || !isHarnessPcscd(pid)) return pid;
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return alive(pid) ? pid : undefined;
}

async function acquireLock(timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      return true;
    } catch {
      const owner = Number(readFileSync(join(LOCK_DIR, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (owner && !alive(owner)) rmSync(LOCK_DIR, { recursive: true, force: true });
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function opensc(args: string[], timeout: number): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('opensc-tool', args, { encoding: 'utf8', timeout }, (err, stdout) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: stdout ?? '' });
    });
  });
}

/** The PC/SC name of the session's card reader (pcscd names it from FRIENDLYNAME plus slot numbers). */
export const VIRTUAL_READER = 'RHC Virtual PCD 00 00';

/**
 * Waits until pcscd's view of the reader (`opensc-tool -l`, which does not touch the card) shows a card or
 * none. A card taken out and put back faster than vpcd polls is never seen as removed — pcscd then keeps a
 * dead connection to it — so a removal in a test is complete only once pcscd has noticed it.
 */
async function waitForCard(present: boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { stdout } = await opensc(['-l'], 5000);
    const line = stdout.split('\n').find((l) => l.endsWith(VIRTUAL_READER));
    if (line && /^\d+\s+(Yes|No)\b/.exec(line)?.[1] === (present ? 'Yes' : 'No')) return;
    if (Date.now() > until)
      throw new Error(`pcscd did not report the card ${present ? 'inserted' : 'removed'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The quickack route fix of TOOLCHAIN.md (root only, not persistent): ~45 ms → ~0.3 ms per APDU. */
export function applyQuickack(): boolean {
  if (process.getuid?.() !== 0 || !has('ip')) return false;
  const r = spawnSync('ip', [
    'route',
    'change',
    'local',
    '127.0.0.1',
    'dev',
    'lo',
    'proto',
    'kernel',
    'scope',
    'host',
    'src',
    '127.0.0.1',
    'table',
    'local',
    'quickack',
    '1',
  ]);
  return r.status === 0;
}

/** The virtual card of a session, as someone at the reader handles it. */
export interface PcscCardControl {
  /** Takes the card out of the field; resolves once pcscd reports the reader empty. */
  remove(): Promise<void>;
  /** Puts the card back; resolves once pcscd reports a card in the reader. */
  insert(): Promise<void>;
  /** C-APDUs the card has answered so far. */
  apdus(): Promise<number>;
}

export interface PcscSession {
  readonly card: PcscCardControl;
  readonly quickack: boolean;
  /** Runs opensc-tool on reader 0 with the given APDUs (hex); returns the SWs / data it printed. */
  send(apdus: readonly string[]): Promise<{ responses: { data: string; sw: string }[]; stdout: string }>;
  stop(): Promise<void>;
}

function hexDumpBytes(line: string): string | undefined {
  for (let n = 16; n >= 1; n--) {
    const hex = line.slice(0, 3 * n);
    if (!/^(?:[0-9A-Fa-f]{2} ){1,16}$/.test(hex) || hex.length !== 3 * n) continue;
    if (line.slice(3 * n).replace(/^ +/, '').length === n) return hex.replace(/ /g, '');
  }
  return undefined;
}

/** Parses opensc-tool -s output: "Received (SW1=0x90, SW2=0x00)" followed by hex dump lines. */
export function parseOpenscOutput(stdout: string): { data: string; sw: string }[] {
  const out: { data: string; sw: string }[] = [];
  const blocks = stdout.split(/^Sending: .*$/m).slice(1);
  for (const b of blocks) {
    const m = /Received \(SW1=0x([0-9A-Fa-f]{2}), SW2=0x([0-9A-Fa-f]{2})\)/.exec(b);
    if (!m) continue;
    const after = b.slice(m.index + m[0].length);
    // hex dump lines: n "XX " groups (n ≤ 16), then an ASCII column of exactly n characters
    const data = after
      .split('\n')
      .map(hexDumpBytes)
      .filter((x): x is string => x !== undefined)
      .join('');
    out.push({ data: data.toUpperCase(), sw: (m[1] + m[2]).toUpperCase() });
  }
  return out;
}

/**
 * Starts pcscd (foreground, private reader config) and the vpcd bridge for `card`. Resolves with a
 * session, or with a string saying why it cannot (another pcscd running, lock busy, card never seen).
 */
export async function startPcscSession(card: VirtualCard): Promise<PcscSession | string> {
  const reason = pcscUnavailableReason();
  if (reason) return reason;
  if (!(await acquireLock(10_000))) return 'another RHC PC/SC test holds the pcscd lock';
  const release = (): void => rmSync(LOCK_DIR, { recursive: true, force: true });
  const other = await foreignPcscd();
  if (other) {
    release();
    return `a pcscd not started by this test is running (pid ${other}); stop it to run the PC/SC test`;
  }
  const quickack = applyQuickack();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), CONFIG_PREFIX));
  const conf = join(dir, 'reader.conf.d');
  mkdirSync(conf);
  const hexPort = `0x${port.toString(16).toUpperCase()}`;
  writeFileSync(
    join(conf, 'vpcd'),
    `FRIENDLYNAME "RHC Virtual PCD"\nDEVICENAME   /dev/null:${hexPort}\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    ${hexPort}\n`,
  );
  // RHC_PCSCD_DEBUG_LOG=FILE: pcscd's debug log (every IFD call) goes to FILE, for chasing reader problems
  const debugLog = process.env.RHC_PCSCD_DEBUG_LOG
    ? openSync(process.env.RHC_PCSCD_DEBUG_LOG, 'a')
    : undefined;
  const daemon: ChildProcess = spawn('pcscd', ['-f', ...(debugLog !== undefined ? ['-d'] : []), '-c', conf], {
    stdio: debugLog !== undefined ? ['ignore', debugLog, debugLog] : 'ignore',
  });
  if (debugLog !== undefined) closeSync(debugLog); // pcscd has its own copy
  const cardThread = VpcdCardThread.start(card, port);
  const stop = async (): Promise<void> => {
    await cardThread.stop();
    if (daemon.exitCode === null && daemon.pid) {
      const exited = new Promise((r) => daemon.once('exit', r));
      daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
    release();
  };
  try {
    await cardThread.waitConnected(8000);
    // the card shows as present ~0.5 s after the connection
    const until = Date.now() + 8000;
    while ((await opensc(['-r', '0', '-c', 'default', '-a'], 5000)).code !== 0) {
      if (Date.now() > until) throw new Error('pcscd never reported the virtual card');
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    return (err as Error).message;
  }
  return {
    card: {
      remove: async () => {
        await cardThread.remove();
        await waitForCard(false, 8000);
      },
      insert: async () => {
        await cardThread.insert();
        await waitForCard(true, 8000);
      },
      apdus: () => cardThread.apdus(),
    },
    quickack,
    async send(apdus) {
      const args = ['-r', '0', '-c', 'default', ...apdus.flatMap((a) => ['-s', a])];
      const r = await opensc(args, 60_000);
      return { responses: parseOpenscOutput(r.stdout), stdout: r.stdout };
    },
    stop,
  };
}
