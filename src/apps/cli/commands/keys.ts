// `rhc keys generate | info | demo-info`: master key files for the (virtual) SAM and the key front-end. Output shows
// the file path, the key-set id and key check values only — never a key.
import type { Command } from 'commander';
import { getProfile } from '../../../card/profiles/index.ts';
import {
  demoMasterKeys,
  generateKeyFile,
  kcvLines,
  loadKeyFile,
  writeKeyFile,
  DEMO_KEY_LABELS,
  createDemoPki,
  decodeSamCertificate,
  DEMO_SAM_PIN,
} from '../../../crypto/index.ts';
import { toHex } from '../../../card/apdu.ts';
import { commandGroup } from '../main.ts';

export function register(program: Command): void {
  const keys = commandGroup(program, 'keys', '密钥管理 key files for the SAM and key front-end');

  keys
    .command('generate')
    .description(
      '生成新的主密钥文件（权限 0600，不覆盖已有文件） generate a fresh master key file (mode 0600, never overwrites)',
    )
    .requiredOption('--out <file>', '输出文件 output file')
    .option('--profile <id>', '卡配置 card profile', 'national')
    .option('--id <name>', '密钥集标识 key-set id', `rhc-keys-${new Date().toISOString().slice(0, 10)}`)
    .option('--city-code <code>', '应用城市代码 application city code of the issuer', '410100')
    .action((opts: { out: string; profile: string; id: string; cityCode: string }) => {
      const profile = getProfile(opts.profile);
      const { json, loaded } = generateKeyFile({ profile, id: opts.id, cityCode: opts.cityCode });
      writeKeyFile(opts.out, json);
      console.log(`密钥文件 key file: ${opts.out} (mode 0600)`);
      console.log(`密钥集 key set: ${loaded.id}  卡配置 profile: ${profile.id}`);
      console.log('密钥校验值 key check values (KCV = SM4_K(00×16)[0..2]):');
      for (const l of kcvLines(loaded.masterKeys, profile))
        console.log(`  ${l.slot.padEnd(5)} ${l.kcv}  ${l.keys.join(', ')}`);
      console.log('SM2: 新的根、发卡机构、SAM 密钥与证书 fresh root, issuer and SAM keys and certificates');
      console.log(
        '      根私钥已丢弃，文件中仅含根公钥 root private key discarded; the file holds the root public key',
      );
    });

  keys
    .command('info')
    .description('显示密钥文件概要（不显示密钥） show a key file summary (never the keys)')
    .argument('<file>', '密钥文件 key file')
    .action((file: string) => {
      const loaded = loadKeyFile(file);
      const profile = getProfile(loaded.profileId);
      const sam = decodeSamCertificate(loaded.pki.samCertificate);
      console.log(
        `密钥集 key set: ${loaded.id}  卡配置 profile: ${profile.id}  创建 created: ${loaded.createdAt}`,
      );
      console.log(
        `SAM 序列号 serial: ${toHex(loaded.samSerial)}  终端机编号 terminal: ${toHex(loaded.terminalId)}`,
      );
      console.log(
        `SAM 证书有效期 certificate valid: ${sam.validFrom}–${sam.validTo}  发卡机构代码 issuer: ${sam.issuerCode}`,
      );
      console.log('密钥校验值 key check values:');
      for (const l of kcvLines(loaded.masterKeys, profile))
        console.log(`  ${l.slot.padEnd(5)} ${l.kcv}  ${l.keys.join(', ')}`);
    });

  keys
    .command('demo-info')
    .description('说明演示（测试）密钥 explain the published demo (test) keys')
    .option('--profile <id>', '卡配置 card profile', 'national')
    .action((opts: { profile: string }) => {
      const profile = getProfile(opts.profile);
      const set = demoMasterKeys(profile);
      const pki = createDemoPki();
      const lines = [
        '演示密钥（测试密钥）—— 公开、可被任何人重算，严禁用于真实卡片！',
        'Demo keys (test keys) — published and reproducible by anyone. NEVER use them for real cards!',
        '',
        `主密钥 master keys: key set "${set.id}", ${set.keys.size} slots, each the first 16 bytes of`,
        '  SM3("RHC DEMO TEST KEY — NOT FOR PRODUCTION|<SAM key index>|<version>")  (src/cos/keys.ts)',
        'SM2 密钥 SM2 keys: private key = SM3(label) mod (n−2) + 1 for the labels',
        ...Object.entries(DEMO_KEY_LABELS).map(([k, v]) => `  ${k.padEnd(6)} "${v}"`),
        '  证书使用确定性随机数，每台机器结果相同 certificates use deterministic nonces: identical everywhere',
        `演示 SAM PIN demo SAM PIN: ${DEMO_SAM_PIN}`,
        `根公钥 root public key: ${pki.rootPublicKey}`,
        '密钥校验值 key check values:',
        ...kcvLines(set, profile).map((l) => `  ${l.slot.padEnd(5)} ${l.kcv}  ${l.keys.join(', ')}`),
        '',
        '真实发卡请用 `rhc keys generate --out FILE` 生成新密钥。',
        'For real cards generate fresh keys with `rhc keys generate --out FILE`.',
      ];
      console.log(lines.join('\n'));
    });
}
