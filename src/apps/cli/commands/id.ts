// `rhc id check <ID>`: GB 11643 citizen ID number check (codes layer). Exit 0 valid, 1 invalid, 2 usage error.
import type { Command } from 'commander';
import { maskIdNumber, validateIdNumber, type IdCheckResult } from '../../../codes/index.ts';
import { commandGroup } from '../main.ts';
import { usageError, usageErrorsExitWith2 } from '../usage.ts';

const SEX_LABELS: Record<string, string> = { '1': '男 male', '2': '女 female' };

function parseToday(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  const date = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T12:00:00+08:00`) : undefined;
  if (!m || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(5, 7) !== m[2]) {
    throw usageError(`--today 须为 YYYYMMDD 格式的有效日期 --today must be a date YYYYMMDD: '${value}'`);
  }
  return date;
}

function formatBirthDate(ymd: string): string {
  return `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
}

function printHuman(result: IdCheckResult, reveal: boolean): void {
  const shown = (id: string): string => (reveal ? id : maskIdNumber(id));
  console.log(result.valid ? '有效 valid' : '无效 invalid');
  if (result.normalized) {
    const note = result.upgradedFrom15 ? ' (请改用此18位号码 use this 18-digit number instead)' : '';
    console.log(`  号码 number:       ${shown(result.normalized)}${note}`);
  }
  if (result.birthDate) console.log(`  出生日期 birth:    ${formatBirthDate(result.birthDate)}`);
  if (result.sex) console.log(`  性别 sex:          ${SEX_LABELS[result.sex]} (GB/T 2261.1 ${result.sex})`);
  if (result.region) {
    const r = result.region;
    const names = [r.province, r.prefecture, r.county].filter(Boolean).join(' ');
    console.log(`  地区 region:       ${r.code}${names ? ` ${names}` : ''}`);
  }
  for (const e of result.errors) console.log(`  错误 error   ${e.code}: ${e.zh} / ${e.en}`);
  for (const w of result.warnings) console.log(`  警告 warning ${w.code}: ${w.zh} / ${w.en}`);
}

export function register(program: Command): void {
  const id = commandGroup(program, 'id', '公民身份号码 citizen ID numbers (GB 11643)');
  const check = id
    .command('check')
    .description('校验身份证号码 check a citizen ID number (exit 0 valid, 1 invalid, 2 usage error)')
    .argument('<id>', '18-character ID number (a 15-digit one is refused and its 18-digit form shown)')
    .option('--json', 'print the full check result as JSON (contains the number unmasked)')
    .option('--today <yyyymmdd>', 'date to judge future birth dates against (default: today, China time)')
    .option('--reveal', 'print the number unmasked in the human output')
    .action((idNumber: string, opts: { json?: boolean; today?: string; reveal?: boolean }) => {
      const today = parseToday(opts.today);
      const result = validateIdNumber(idNumber, today ? { today } : {});
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else printHuman(result, opts.reveal === true);
      process.exitCode = result.valid ? 0 : 1;
    });
  usageErrorsExitWith2(id);
  usageErrorsExitWith2(check);
}
