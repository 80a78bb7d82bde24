// The options of a city platform run, shared by `rhc serve --role city` and `rhc exchange city`.
import { Option, type Command } from 'commander';
import type { CityOptions } from '../../platform/city/run.ts';
import { resolveDatabaseUrl } from '../../platform/storage/db.ts';
import { readSecret, secretOnCommandLine, type SecretSource } from './secret-input.ts';
import { usageError } from './usage.ts';

export interface CityCliOptions {
  region?: string;
  province?: string;
  org?: string;
  user: string;
  /** Refused: a password on the command line is visible in `ps`. */
  password?: string;
  passwordFile?: string;
  db?: string;
  dir: string;
  interval: string;
}

/** Adds the city options; `required` makes region, province and org mandatory for the command itself. */
export function addCityOptions(cmd: Command, required: boolean, prefix = ''): Command {
  const opt = (flags: string, text: string) =>
    required ? cmd.requiredOption(flags, `${prefix}${text}`) : cmd.option(flags, `${prefix}${text}`);
  opt('--region <code>', 'the city region code (GB/T 2260), e.g. 610100');
  opt('--province <url>', 'the province platform base URL');
  opt('--org <code>', 'this city platform’s institution code at the province');
  return cmd
    .option('--user <name>', `${prefix}user name at the province`, 'admin')
    .option(
      '--password-file <path>',
      `${prefix}file (mode 0600) holding the password at the province; default $RHC_PROVINCE_PASSWORD`,
    )
    .addOption(new Option('--password <pw>').hideHelp())
    .option('--dir <dir>', `${prefix}working directory for exchange files`, './data/exchange')
    .option('--interval <seconds>', `${prefix}seconds between exchange rounds`, '60');
}

/** Checks the city options and turns them into what runCity takes (port and once are the caller's). */
export function cityRunOptions(o: CityCliOptions): CityOptions {
  const source: SecretSource = {
    file: o.passwordFile,
    env: 'RHC_PROVINCE_PASSWORD',
    fileOption: '--password-file',
  };
  if (o.password !== undefined) throw secretOnCommandLine('--password', source);
  const password = readSecret(source);
  if (!o.region || !/^\d{6}$/.test(o.region)) throw usageError('--region <6 digits> is required for a city');
  if (!o.province || !o.org) throw usageError('a city needs --province URL and --org CODE');
  if (!password)
    throw usageError('a city needs its province password: $RHC_PROVINCE_PASSWORD or --password-file FILE');
  const interval = Number(o.interval);
  if (!(interval > 0)) throw usageError('--interval must be a positive number of seconds');
  return {
    dbUrl: resolveDatabaseUrl(o.db),
    region: o.region,
    provinceUrl: o.province.replace(/\/$/, ''),
    orgCode: o.org,
    userName: o.user,
    password,
    dir: o.dir,
    intervalSeconds: interval,
  };
}
