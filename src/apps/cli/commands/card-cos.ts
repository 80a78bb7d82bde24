// `rhc card new` (issue a virtual card into a JSON file) and `rhc card vpcd` (put a virtual card into
// pcscd's virtual reader). The card file holds the card's keys: it is written with mode 0600. Output never
// shows keys, and shows the ID number and name masked. `rhc card` also runs the reader commands of
// card-reader.ts (dump, read, write): the simulator is loaded by the actions here only, never on registration.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { toHex } from '../../../card/apdu.ts';
import { getProfile } from '../../../card/profiles/index.ts';
import { maskIdNumber, maskName } from '../../../codes/index.ts';
import { createDemoPki, demoMasterKeys, loadKeyFile } from '../../../crypto/index.ts';
import { commandGroup } from '../main.ts';
import { usageError } from '../usage.ts';

interface NewOptions {
  out: string;
  id: string;
  name: string;
  sex?: string;
  birth?: string;
  city: string;
  profile: string;
  keys?: string;
  lock: boolean;
  force?: boolean;
}

const simulator = () => import('../../../cos/index.ts');

/** VPCD_DEFAULT_PORT of src/cos/vpcd.ts, as a literal so that registering loads no simulator module (card-cos.test.ts checks it). */
export const VPCD_PORT_OPTION_DEFAULT = '35963';

export function register(program: Command): void {
  const card = commandGroup(program, 'card', '居民健康卡用户卡 user cards (virtual card, dump, read, write)');

  card
    .command('new')
    .description(
      '发行一张虚拟用户卡（JSON 文件，权限 0600） issue a virtual user card into a JSON file (mode 0600)',
    )
    .requiredOption('--out <file>', '输出文件 output card file')
    .requiredOption('--id <id>', '居民身份证号码（卡号） citizen ID number (= card number)')
    .requiredOption('--name <name>', '姓名 holder name')
    .option(
      '--sex <code>',
      '性别 1 男 / 2 女（默认取自身份证号，须一致） sex, default and must agree: the ID number',
    )
    .option('--birth <YYYYMMDD>', '出生日期（默认取自身份证号，须一致） birth date, from the ID number')
    .option('--city <code>', '应用城市代码 application city code (GB/T 2260)', '610100')
    .option('--profile <id>', '卡配置 card profile (national | shaanxi-64k)', 'national')
    .option('--keys <file>', '主密钥文件（默认演示密钥） master key file (default: demo test keys)')
    .option('--no-lock', '保持个人化状态（不锁定 EF05/EF06） keep the card in personalisation state')
    .option('--force', '覆盖已有文件 overwrite an existing file')
    .action(async (opts: NewOptions) => {
      if (existsSync(opts.out) && !opts.force)
        throw usageError(`文件已存在 file exists: ${opts.out} (use --force to overwrite)`);
      const profile = getProfile(opts.profile);
      let masterKeys;
      let issuerCertificate;
      if (opts.keys) {
        const file = loadKeyFile(opts.keys);
        if (file.profileId !== profile.id)
          throw usageError(`密钥文件属于卡配置 ${file.profileId} key file is for profile ${file.profileId}`);
        masterKeys = file.masterKeys;
        issuerCertificate = file.pki.issuerCertificate;
      } else {
        masterKeys = demoMasterKeys(profile);
        issuerCertificate = createDemoPki().issuerCertificate;
      }
      const { newCard, saveCard, VirtualCard } = await simulator();
      const { state } = newCard({
        idNumber: opts.id,
        name: opts.name,
        sex: opts.sex,
        birthDate: opts.birth,
        cityCode: opts.city,
        profileId: profile.id,
        masterKeys,
        issuerCertificate,
        lock: opts.lock,
      });
      saveCard(opts.out, state);
      const vc = new VirtualCard(state);
      console.log(
        `虚拟卡 virtual card: ${opts.out} (mode 0600 — 含卡片密钥，须妥善保管 holds card keys, protect it)`,
      );
      console.log(`  卡配置 profile:     ${profile.id} (${profile.zh})`);
      console.log(`  ATR:                ${toHex(vc.atr)}`);
      console.log(`  卡号 card number:   ${maskIdNumber(opts.id.trim().toUpperCase())}`);
      console.log(`  姓名 name:          ${maskName(opts.name)}`);
      console.log(`  应用城市 city code: ${opts.city}`);
      console.log(
        `  生命周期 lifecycle: ${state.lifecycle === 'issued' ? '已发行 issued (EF05/EF06 locked)' : '个人化 personalisation'}`,
      );
      if (masterKeys.isTestKeys)
        console.log('  警告 WARNING: 演示测试密钥，仅用于测试 demo test keys — for tests and training only');
    });

  card
    .command('vpcd')
    .description('把虚拟卡插入 pcscd 的虚拟读卡器 (vsmartcard vpcd) connect a virtual card to pcscd via vpcd')
    .argument('<file>', '虚拟卡文件 card file')
    .option('--host <host>', 'vpcd 主机 host', '127.0.0.1')
    .option('--port <port>', 'vpcd 端口 port', VPCD_PORT_OPTION_DEFAULT)
    .action(async (file: string, opts: { host: string; port: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`--port: ${opts.port}`);
      const { loadCard, saveCard, VirtualCard, VpcdBridge } = await simulator();
      const state = loadCard(file);
      const vc = new VirtualCard(state, { onChange: (s) => saveCard(file, s) });
      const bridge = new VpcdBridge(vc, {
        host: opts.host,
        port,
        log: (m) => console.log(`[vpcd] ${m}`),
      }).start();
      console.log(`虚拟卡 ${file} → vpcd ${bridge.address}（Ctrl-C 退出 to stop）ATR ${toHex(vc.atr)}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void bridge.stop().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      console.log(`已断开 stopped; ${bridge.apdus} APDUs`);
    });
}
