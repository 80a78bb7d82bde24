// `rhc card dump FILE` (a virtual card file decoded through the reader library over the in-memory transport
// with a virtual SAM), `rhc card read --reader NAME` and `rhc card write --reader NAME --from JSON` (PC/SC).
// The SAM for PC/SC: `--sam-reader NAME` (a SAM slot exposed as its own PC/SC reader) or `--virtual-sam`
// (the demo SAM, or `--keys FILE`'s SAM, in-process). Text output masks ID numbers and names.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CardContents, CardContentsInput } from '../../../card/contents.ts';
import type { CardProfile } from '../../../card/image.ts';
import { getProfile } from '../../../card/profiles/index.ts';
import type { CardConnection } from '../../../card/transport.ts';
import { maskIdNumber, maskName } from '../../../codes/index.ts';
import { VirtualCard } from '../../../cos/card/virtual-card.ts';
import { loadKeyFile, createDemoPki, DEMO_SAM_PIN } from '../../../crypto/index.ts';
import { createSamFromKeyFile } from '../../../cos/sam/from-key-file.ts';
import { loadCard } from '../../../cos/persist.ts';
import { allLocations } from '../../../reader/locate.ts';
import { ReaderError } from '../../../reader/errors.ts';
import { HealthCardOperations } from '../../../reader/operations.ts';
import { Reader } from '../../../reader/reader.ts';
import { createDemoSam } from '../../../cos/sam/demo.ts';
import { MemoryReaderDevice } from '../../../reader/transports/memory.ts';
import { PcscReaderDevice } from '../../../reader/transports/pcsc.ts';
import { readWholeCard, writeWholeCard } from '../../../reader/whole-card.ts';
import { commandGroup } from '../main.ts';
import { usageError } from '../usage.ts';

interface SamOptions {
  keys?: string;
  pin: string;
  samReader?: string;
  virtualSam?: boolean;
  profile: string;
}

/** The in-process SAM: the key file's when --keys is given, else the demo SAM (test keys). */
function virtualSam(profile: CardProfile, opts: SamOptions): { sam: CardConnection; rootPublicKey: string } {
  if (opts.keys) {
    const file = loadKeyFile(opts.keys);
    return {
      sam: createSamFromKeyFile(file, { profile, pin: opts.pin }),
      rootPublicKey: file.pki.rootPublicKey,
    };
  }
  return { sam: createDemoSam(profile, { pin: opts.pin }), rootPublicKey: createDemoPki().rootPublicKey };
}

const SECTION_TITLES: Record<string, string> = {
  issuer: '发卡机构基本数据 Issuer and card data',
  holder: '持卡人基本信息 Holder identity',
  validity: '有效期/电话/支付方式 Validity, phones, payment',
  addresses: '地址信息 Addresses',
  contacts: '联系人信息 Contacts',
  occupation: '职业婚姻信息 Education, marriage, occupation',
  documents: '证件记录信息 Documents',
  clinical: '临床基本数据 Clinical basics',
  special: '特殊信息 Special information',
  allergies: '过敏信息 Allergies',
  immunizations: '免疫信息 Immunizations',
  inpatient: '住院信息 Inpatient records',
  outpatient: '门诊信息 Outpatient records',
};

/** zh labels of every element/field key per section, from the profile (EE and ED share keys, not labels). */
function labels(profile: CardProfile): Map<string, Map<string, string>> {
  const bySection = new Map<string, Map<string, string>>();
  for (const loc of allLocations(profile)) {
    const section = loc.ef.section ?? '';
    const m = bySection.get(section) ?? new Map<string, string>();
    bySection.set(section, m);
    for (const e of loc.ef.elements ?? []) m.set(e.key, e.zh);
    for (const f of loc.ef.layout?.fields ?? []) m.set(f.key, f.zh);
  }
  return bySection;
}

const PERSONAL_ID_KEYS = new Set(['cardNumber', 'idNumber', 'documentNumber']);
const NAME_KEYS = new Set(['name', 'contact1Name', 'contact2Name', 'contact3Name']);

function maskValue(key: string, value: string): string {
  if (!value) return value;
  if (PERSONAL_ID_KEYS.has(key)) return maskIdNumber(value);
  if (NAME_KEYS.has(key)) return maskName(value);
  return value;
}

export function renderContents(profile: CardProfile, c: CardContents, unmasked = false): string {
  const zhBySection = labels(profile);
  const lines: string[] = [`卡配置 profile: ${c.profile}`];
  for (const [section, value] of Object.entries(c)) {
    if (section === 'profile') continue;
    const zh = zhBySection.get(section) ?? new Map<string, string>();
    const show = (key: string, v: string) =>
      v ? `  ${zh.get(key) ?? key} ${key}: ${unmasked ? v : maskValue(key, v)}` : undefined;
    lines.push('', `■ ${SECTION_TITLES[section] ?? section}`);
    if (section === 'photo') {
      lines.push(
        `  照片 JPEG: ${Buffer.from((value as { jpegBase64: string }).jpegBase64, 'base64').length} 字节 bytes`,
      );
      continue;
    }
    const entries = Array.isArray(value) ? value : [value];
    entries.forEach((entry, i) => {
      if (Array.isArray(value)) lines.push(entry === null ? `  [${i + 1}] 空 (free)` : `  [${i + 1}]`);
      if (!entry) return;
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (k === 'samCertificate' || k === 'signature') continue;
        if (k === 'signatureValid') lines.push(`  签名 signature: ${v ? '有效 valid' : '无效 INVALID'}`);
        else {
          const line = show(k, String(v));
          if (line) lines.push(Array.isArray(value) ? '  ' + line : line);
        }
      }
    });
  }
  return lines.join('\n');
}

async function openPcsc(
  opts: SamOptions & { reader: string },
): Promise<{ ops: HealthCardOperations; reader: Reader; rootPublicKey?: string }> {
  const profile = getProfile(opts.profile);
  if (!opts.samReader && !opts.virtualSam)
    throw usageError('需要 --sam-reader NAME 或 --virtual-sam need --sam-reader NAME or --virtual-sam');
  const v = opts.virtualSam ? virtualSam(profile, opts) : undefined;
  const device = await PcscReaderDevice.open({ reader: opts.reader, samReader: opts.samReader, sam: v?.sam });
  const reader = new Reader(device, { profile });
  await reader.open();
  await reader.verifySamPin(opts.pin);
  return { ops: new HealthCardOperations(reader), reader, rootPublicKey: v?.rootPublicKey };
}

/**
 * The CLI's top-level handler expects `code` to be a string (commander's codes); a ReaderError carries the
 * numeric §8.6 code, so it is re-thrown as a plain error with the zh/en message and exit code 1.
 */
export function cliErrors<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof ReaderError) throw Object.assign(new Error(e.message), { exitCode: 1 });
      throw e;
    }
  };
}

export function register(program: Command): void {
  const card = commandGroup(program, 'card', '居民健康卡用户卡 user cards (virtual card, dump, read, write)');

  card
    .command('dump <file>')
    .description(
      '经读卡库解读虚拟卡文件的全部文件 decode every file of a virtual card through the reader library',
    )
    .option('--json', '输出 JSON（CardContents，含完整个人信息） print JSON (CardContents, unmasked)')
    .option('--unmasked', '文本输出不遮蔽证件号和姓名 do not mask ID numbers and names in text output')
    .option('--keys <file>', '主密钥文件（默认演示密钥） master key file (default: demo test keys)')
    .option('--pin <pin>', 'SAM PIN', DEMO_SAM_PIN)
    .action(
      cliErrors(async (file: string, opts: SamOptions & { json?: boolean; unmasked?: boolean }) => {
        const state = loadCard(file);
        const profile = state.profile;
        const { sam, rootPublicKey } = virtualSam(profile, { ...opts, profile: profile.id });
        // Reads change no file; the card object is not saved back.
        const device = new MemoryReaderDevice({ sam, card: new VirtualCard(state) });
        const reader = new Reader(device, { profile });
        await reader.open();
        await reader.verifySamPin(opts.pin);
        const contents = await readWholeCard(new HealthCardOperations(reader), { rootPublicKey });
        const counts = reader.counts();
        await reader.close();
        if (opts.json) console.log(JSON.stringify(contents, null, 2));
        else {
          console.log(renderContents(profile, contents, opts.unmasked));
          console.log(`\nAPDU: 卡 card ${counts.card}, SAM ${counts.sam}`);
        }
      }),
    );

  card
    .command('read')
    .description('经 PC/SC 读卡器读取整张卡 read a whole card through a PC/SC reader')
    .requiredOption('--reader <name>', 'PC/SC 读卡器名称 PC/SC reader name (or a unique part of it)')
    .option('--sam-reader <name>', 'SAM 所在的 PC/SC 读卡器（槽）名称 PC/SC reader (slot) holding the SAM')
    .option(
      '--virtual-sam',
      '使用进程内虚拟 SAM（演示密钥或 --keys） use the in-process virtual SAM (demo keys or --keys)',
    )
    .option('--keys <file>', '虚拟 SAM 的主密钥文件 master key file for the virtual SAM')
    .option('--pin <pin>', 'SAM PIN', DEMO_SAM_PIN)
    .option('--profile <id>', '卡配置 card profile', 'national')
    .option('--json', '输出 JSON print JSON')
    .option('--unmasked', '文本输出不遮蔽证件号和姓名 do not mask ID numbers and names')
    .action(
      cliErrors(async (opts: SamOptions & { reader: string; json?: boolean; unmasked?: boolean }) => {
        const { ops, reader, rootPublicKey } = await openPcsc(opts);
        try {
          const contents = await readWholeCard(ops, { rootPublicKey });
          console.log(
            opts.json
              ? JSON.stringify(contents, null, 2)
              : renderContents(ops.profile, contents, opts.unmasked),
          );
        } finally {
          await reader.close();
        }
      }),
    );

  card
    .command('write')
    .description('经 PC/SC 读卡器把 JSON 写入卡 write a JSON card description through a PC/SC reader')
    .requiredOption('--reader <name>', 'PC/SC 读卡器名称 PC/SC reader name')
    .requiredOption(
      '--from <json>',
      'CardContents JSON 文件（如 card dump --json 的输出） CardContents JSON file',
    )
    .option('--sam-reader <name>', 'SAM 所在的 PC/SC 读卡器（槽）名称 PC/SC reader (slot) holding the SAM')
    .option('--virtual-sam', '使用进程内虚拟 SAM use the in-process virtual SAM')
    .option('--keys <file>', '虚拟 SAM 的主密钥文件 master key file for the virtual SAM')
    .option('--pin <pin>', 'SAM PIN', DEMO_SAM_PIN)
    .option('--profile <id>', '卡配置 card profile', 'national')
    .action(
      cliErrors(async (opts: SamOptions & { reader: string; from: string }) => {
        const input = JSON.parse(readFileSync(opts.from, 'utf8')) as CardContentsInput;
        const { ops, reader } = await openPcsc(opts);
        try {
          const r = await writeWholeCard(ops, input);
          const c = reader.counts();
          console.log(
            `已写入 written: 住院 inpatient slots [${r.inpatientSlots.join(', ')}], 门诊 outpatient slots [${r.outpatientSlots.join(', ')}]; APDU 卡 card ${c.card}, SAM ${c.sam}`,
          );
        } finally {
          await reader.close();
        }
      }),
    );
}
