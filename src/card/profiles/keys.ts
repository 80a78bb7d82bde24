// Key table of the user card and the SAM (card-format.md §7.1), as data. Card key id = P2 of EXTERNAL
// AUTHENTICATE (bit 8 set = key local to the current DF); samP1/samIndex/levels drive the SAM 80 DE set-up.
import type { KeySpec, KeyUsage } from '../image.ts';

const MF = 0x3f00;
const DDF1 = 0xddf1;
const DF01 = 0xdf01;
const DF02 = 0xdf02;
const DF03 = 0xdf03;

const FOUR_VERSIONS = [1, 2, 3, 4] as const;
const ONE_VERSION = [1] as const;

function key(
  name: string,
  zh: string,
  df: number,
  cardKeyId: number,
  usage: KeyUsage,
  versions: readonly number[],
  samP1: KeySpec['samP1'],
  samIndex: number,
): KeySpec {
  // 80 DE P1 0x47/0x48 = two diversification levels (card + city), 0x27/0x28 = one (card).
  const levels = samP1 === 0x47 || samP1 === 0x48 ? 2 : 1;
  return { name, zh, df, cardKeyId, usage, versions, samP1, samIndex, levels };
}

export const NATIONAL_KEYS: readonly KeySpec[] = [
  key('IRK_DDF1', '内部认证密钥', DDF1, 0x04, 'internal-auth', FOUR_VERSIONS, 0x47, 0x01),
  key('STK_DDF1', 'DDF1 线路保护密钥', DDF1, 0x02, 'secure-messaging', ONE_VERSION, 0x28, 0x02),
  key('STK_DF01', 'DF01 线路保护密钥', DF01, 0x82, 'secure-messaging', ONE_VERSION, 0x28, 0x03),
  key('STK_DF02', 'DF02 线路保护密钥', DF02, 0x82, 'secure-messaging', ONE_VERSION, 0x48, 0x04),
  key('STK_DF03', 'DF03 线路保护密钥', DF03, 0x82, 'secure-messaging', ONE_VERSION, 0x48, 0x05),
  key('LK_DF01', 'DF01 应用锁定密钥', DF01, 0x83, 'application-lock', ONE_VERSION, 0x27, 0x07),
  key('LK_DF02', 'DF02 应用锁定密钥', DF02, 0x83, 'application-lock', ONE_VERSION, 0x27, 0x08),
  key('LK_DF03', 'DF03 应用锁定密钥', DF03, 0x83, 'application-lock', ONE_VERSION, 0x27, 0x09),
  key('UK1_DDF1', 'DDF1 更新密钥', DDF1, 0x05, 'external-auth', FOUR_VERSIONS, 0x27, 0x0a),
  key('UK1_DF01', 'DF01 更新密钥', DF01, 0x85, 'external-auth', FOUR_VERSIONS, 0x27, 0x0b),
  key('UK1_DF02', 'DF02/EF05 更新密钥', DF02, 0x85, 'external-auth', FOUR_VERSIONS, 0x47, 0x0c),
  key('UK2_DF02', 'DF02/EF06 更新密钥', DF02, 0x86, 'external-auth', FOUR_VERSIONS, 0x47, 0x0d),
  key('UK3_DF02', 'DF02/EF07–EF08 更新密钥', DF02, 0x87, 'external-auth', FOUR_VERSIONS, 0x47, 0x0e),
  key('UK1_DF03', 'DF03 写密钥', DF03, 0x85, 'external-auth', FOUR_VERSIONS, 0x47, 0x0f),
  key('UK2_DF03', 'DF03 索引擦除密钥', DF03, 0x86, 'external-auth', FOUR_VERSIONS, 0x27, 0x10),
  key('RK1_DDF1', 'DDF1 读密钥', DDF1, 0x04, 'external-auth', FOUR_VERSIONS, 0x47, 0x11),
  key('RK1_DF01', 'DF01 读密钥', DF01, 0x84, 'external-auth', FOUR_VERSIONS, 0x47, 0x12),
  key('RK1_DF02', 'DF02 读密钥', DF02, 0x84, 'external-auth', FOUR_VERSIONS, 0x47, 0x13),
  key('RK1_DF03', 'DF03 读密钥', DF03, 0x84, 'external-auth', FOUR_VERSIONS, 0x47, 0x14),
  key('BK_MF', '卡片锁定密钥', MF, 0x03, 'card-block', ONE_VERSION, 0x27, 0x15),
  key('STM_MF', 'MF 传输/维护密钥', MF, 0x02, 'maintenance', ONE_VERSION, 0x28, 0x16),
];
