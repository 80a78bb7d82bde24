// `rhc lifecycle expire [--db URL]`: runs the expiry sweep now (the server runs it hourly and at start):
// active cards past valid_until → 60 失效, with operations log and whitelist deletions.
import type { Command } from 'commander';
import { systemClock, systemRandom } from '../../../base/runtime.ts';
import { commandGroup } from '../main.ts';
import { PlatformService } from '../../../platform/domain/service.ts';
import { openDatabase, resolveDatabaseUrl } from '../../../platform/storage/db.ts';

export function register(program: Command): void {
  const g = commandGroup(program, 'lifecycle', '卡生命周期维护 / card life-cycle maintenance');
  g.command('expire')
    .description(
      '到期卡置为失效（服务每小时自动执行）/ move expired active cards to 60 (the server does it hourly)',
    )
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (o: { db?: string; json?: boolean }) => {
      const p = await openDatabase(resolveDatabaseUrl(o.db));
      const svc = await PlatformService.open(p, { clock: systemClock, random: systemRandom });
      try {
        const r = await svc.expireCards();
        if (o.json) console.log(JSON.stringify(r));
        else console.log(`已置为失效 / expired: ${r.expired} 张卡 / cards`);
      } finally {
        await svc.close();
        await p.close();
      }
    });
}
