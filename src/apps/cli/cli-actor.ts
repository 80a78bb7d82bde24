// Who runs an audited `rhc` command (exchange import, institution and user administration): the operating
// system account (the one behind sudo when run through it), recorded as `cli:<account>` — the real person at
// the console, never a placeholder (docs/audit.md). The platform itself acts as RHC-SYSTEM.
import { userInfo } from 'node:os';
import { SYSTEM_CALLER } from '../../platform/domain/context.ts';

export function cliUserName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SUDO_USER) return `cli:${env.SUDO_USER}`;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // no passwd entry (containers): the numeric account
    return `cli:uid${process.getuid?.() ?? '?'}`;
  }
}

/** The actor of a CLI administration command: the platform (RHC-SYSTEM) operated by this account. */
export function cliActor(): { institutionCode: string; userName: string } {
  return { institutionCode: SYSTEM_CALLER.institutionCode, userName: cliUserName() };
}
