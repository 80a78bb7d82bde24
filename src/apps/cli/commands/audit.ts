// `rhc audit verify|checkpoint|public-key|list` (docs/audit.md): verify recomputes the keyed chain with the
// audit key (outside the database) and checks the stored checkpoints and, with --checkpoint, an exported one
// against a public key you trust; it reports the first broken entry (exit code 1). checkpoint signs the
// trail as it stands and exports it; public-key exports the key that verifies checkpoints elsewhere.
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { systemClock } from '../../../base/runtime.ts';
import { AuditTrail } from '../../../platform/domain/audit.ts';
import {
  checkpointSignatureValid,
  exportCheckpoint,
  parseCheckpoint,
  parsePublicKeyFile,
  publicKeyPem,
  writeCheckpoint,
} from '../../../platform/domain/audit-checkpoint.ts';
import { verifyAuditChain } from '../../../platform/domain/audit-verify.ts';
import { RhcError } from '../../../platform/errors.ts';
import { openDatabase, resolveDatabaseUrl } from '../../../platform/storage/db.ts';
import type { PlatformDb } from '../../../platform/storage/db.ts';
import { commandGroup } from '../main.ts';
import { usageError } from '../usage.ts';

export async function withDb<T>(url: string | undefined, fn: (p: PlatformDb) => Promise<T>): Promise<T> {
  const p = await openDatabase(resolveDatabaseUrl(url));
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

/** Writes `text` to `out` (0600: a checkpoint names the trail's newest hash) or prints it. */
async function emit(text: string, out: string | undefined): Promise<void> {
  if (out) await writeFile(out, text, { mode: 0o600 });
  else process.stdout.write(text);
}

async function exportedCheckpoint(file: string, keyFile: string | undefined) {
  if (!keyFile)
    throw usageError('--checkpoint needs --public-key FILE (the key you trust, from `rhc audit public-key`)');
  const cp = parseCheckpoint(await readFile(file, 'utf8'));
  const pub = parsePublicKeyFile(await readFile(keyFile, 'utf8'));
  if (!checkpointSignatureValid(cp, pub)) throw new RhcError('AUDIT_CHECKPOINT_SIGNATURE', { detail: file });
  return cp;
}

export function register(program: Command): void {
  const g = commandGroup(program, 'audit', '审计日志 / audit trail');
  g.command('verify')
    .description(
      '校验审计日志（带密钥的哈希链与签名检查点）/ verify the keyed hash chain and signed checkpoints',
    )
    .option('--db <url>', 'database URL')
    .option('--checkpoint <file>', 'also check an exported checkpoint (`rhc audit checkpoint --out`)')
    .option('--public-key <file>', 'public key that must have signed --checkpoint (`rhc audit public-key`)')
    .option('--json', 'print JSON')
    .action(async (o: { db?: string; checkpoint?: string; publicKey?: string; json?: boolean }) => {
      const given = o.checkpoint ? [await exportedCheckpoint(o.checkpoint, o.publicKey)] : [];
      const r = await withDb(o.db, (p) => verifyAuditChain(p.db, { checkpoints: given }));
      if (o.json) console.log(JSON.stringify(r));
      else if (r.ok)
        console.log(
          `审计链完整 / audit chain intact: ${r.entries} entries (${r.legacy} legacy), ${r.checkpoints} checkpoints`,
        );
      else
        console.log(
          `审计链被篡改 / audit chain BROKEN at seq ${r.brokenAt!.seq}: ${r.brokenAt!.problem} (${r.entries} entries verified before it)`,
        );
      if (!r.ok) process.exitCode = 1;
    });
  g.command('checkpoint')
    .description('签署并导出审计检查点 / sign a checkpoint of the audit trail now and export it')
    .option('--db <url>', 'database URL')
    .option('--out <file>', 'write the checkpoint JSON to this file (default: standard output)')
    .action(async (o: { db?: string; out?: string }) => {
      const cp = await withDb(o.db, async (p) => {
        const trail = await AuditTrail.open(p, systemClock);
        return writeCheckpoint(p, trail.key, systemClock);
      });
      await emit(exportCheckpoint(cp), o.out);
      if (o.out) console.error(`检查点 / checkpoint: seq ${cp.lastSeq}, ${cp.entries} entries → ${o.out}`);
    });
  g.command('public-key')
    .description('导出检查点验签公钥 / export the public key that verifies checkpoints (PEM, SM2)')
    .option('--db <url>', 'database URL')
    .option('--out <file>', 'write the PEM to this file (default: standard output)')
    .action(async (o: { db?: string; out?: string }) => {
      const key = await withDb(o.db, async (p) => (await AuditTrail.open(p, systemClock)).key);
      await emit(publicKeyPem(key.signing.publicKey), o.out);
    });
}
