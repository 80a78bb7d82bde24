// `rhc audit verify [--db URL]`: recomputes the hash chain of the audit trail and reports the first broken
// entry (exit code 1), so tampering with audit_log is detected.
import type { Command } from 'commander';
import { commandGroup } from '../main.ts';
import { verifyAuditChain } from '../../../platform/domain/audit.ts';
import { openDatabase, resolveDatabaseUrl } from '../../../platform/storage/db.ts';

export function register(program: Command): void {
  const g = commandGroup(program, 'audit', '审计日志 / audit trail');
  g.command('verify')
    .description('校验审计日志哈希链 / verify the hash chain of the audit trail')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (o: { db?: string; json?: boolean }) => {
      const p = await openDatabase(resolveDatabaseUrl(o.db));
      try {
        const r = await verifyAuditChain(p.db);
        if (o.json) console.log(JSON.stringify(r));
        else if (r.ok) console.log(`审计链完整 / audit chain intact: ${r.entries} entries`);
        else
          console.log(
            `审计链被篡改 / audit chain BROKEN at seq ${r.brokenAt!.seq}: ${r.brokenAt!.problem} (${r.entries} entries verified before it)`,
          );
        if (!r.ok) process.exitCode = 1;
      } finally {
        await p.close();
      }
    });
}
