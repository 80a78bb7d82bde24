// Issuing a new virtual card from a few holder details (what `rhc card new` does): validated ID number,
// defaults from it, issuer data (with the issuer certificate of the key material in tag 05), per-card keys.
import { randomBytes, randomInt } from 'node:crypto';
import { contentsToFileImages } from '../../card/contents.ts';
import type { CardContentsInput } from '../../card/contents.ts';
import { getProfile } from '../../card/profiles/index.ts';
import { validateIdNumber } from '../../codes/index.ts';
import { type MasterKeySet, decodeIssuerCertificate } from '../../crypto/index.ts';
import { CosError } from '../errors.ts';
import { personaliseCard } from './state.ts';
import type { CardState } from './state.ts';

export interface NewCardOptions {
  readonly idNumber: string;
  readonly name: string;
  readonly sex?: string;
  readonly birthDate?: string;
  readonly cityCode?: string;
  readonly profileId?: string;
  readonly masterKeys: MasterKeySet;
  /** 180-byte issuer certificate for DDF1/EF05 tag 05 (its 发卡机构代码 also fills tag 04). */
  readonly issuerCertificate?: Uint8Array;
  readonly issuerName?: string;
  /** 2-byte chip maker ‖ 2-byte card maker (default 'RH' 'CK'), and a 4-byte serial (default random). */
  readonly makers?: Uint8Array;
  readonly serial?: Uint8Array;
  readonly today?: Date;
  /** End personalisation (default true: an issued card leaves the window locked, §2.3). */
  readonly lock?: boolean;
}

const ymd = (d: Date): string => {
  // issue dates are Beijing time
  const bj = new Date(d.getTime() + 8 * 3600 * 1000);
  return bj.toISOString().slice(0, 10).replace(/-/g, '');
};

export function newCard(opts: NewCardOptions): { state: CardState; contents: CardContentsInput } {
  const profile = getProfile(opts.profileId ?? 'national');
  const id = validateIdNumber(opts.idNumber, { today: opts.today });
  if (!id.valid || !id.normalized)
    throw new CosError(
      'CARD_ISSUE_INPUT',
      'id',
      `居民身份证号码无效 invalid ID number: ${id.errors.map((e) => `${e.code} ${e.zh}`).join('; ')}`,
    );
  const sex = opts.sex ?? id.sex ?? '';
  if (!/^[0129]$/.test(sex)) throw new CosError('CARD_ISSUE_INPUT', 'sex', '性别应为 0/1/2/9 (GB/T 2261.1)');
  // 男/女 must agree with the number's sequence parity (0 未知 / 9 未说明 stay allowed), as the platform's 2005
  if ((sex === '1' || sex === '2') && id.sex && sex !== id.sex)
    throw new CosError(
      'CARD_ISSUE_INPUT',
      'sex',
      `性别 ${sex} 与身份证号不符（号码为${id.sex === '1' ? '男' : '女'}，${id.sex}） sex ${sex} contradicts the ID number (${id.sex}); leave --sex out to take it from the number`,
    );
  const birthDate = opts.birthDate ?? id.birthDate ?? '';
  if (!/^\d{8}$/.test(birthDate)) throw new CosError('CARD_ISSUE_INPUT', 'birth', '出生日期应为 YYYYMMDD');
  if (id.birthDate && birthDate !== id.birthDate)
    throw new CosError(
      'CARD_ISSUE_INPUT',
      'birth',
      `出生日期 ${birthDate} 与身份证号不符 birth date ${birthDate} contradicts the ID number; leave --birth out to take it from the number`,
    );
  const cityCode = opts.cityCode ?? '610100';
  if (!/^\d{6}$/.test(cityCode))
    throw new CosError('CARD_ISSUE_INPUT', 'city', '应用城市代码应为 6 位数字 (GB/T 2260)');
  if (opts.name.trim() === '') throw new CosError('CARD_ISSUE_INPUT', 'name', '姓名不能为空 name is empty');
  const makers = opts.makers ?? Uint8Array.from([0x52, 0x48, 0x43, 0x4b]);
  const serial = opts.serial ?? new Uint8Array(randomBytes(4));
  if (makers.length !== 4)
    throw new CosError('CARD_ISSUE_INPUT', 'makers', 'chip maker (2) ‖ card maker (2)');
  if (serial.length !== 4) throw new CosError('CARD_ISSUE_INPUT', 'serial', '4 bytes');
  const historicalBytes = new Uint8Array([...makers, ...serial]);
  const today = opts.today ?? new Date();
  const issueDate = ymd(today);
  const expiry = `${Number(issueDate.slice(0, 4)) + 10}${issueDate.slice(4)}`;
  const cert = opts.issuerCertificate;
  const issuerCode = cert ? decodeIssuerCertificate(cert).issuerCode : '';
  const serialNumber = new DataView(serial.buffer, serial.byteOffset, 4).getUint32(0);
  const contents: CardContentsInput = {
    profile: profile.id,
    issuer: {
      cardType: profile.options.defaultCardType,
      specVersion: '1.00',
      issuerName: opts.issuerName ?? 'RHC 演示发卡机构',
      issuerCode,
      issuerCertificate: cert ? Buffer.from(cert).toString('hex').toUpperCase() : '',
      issueDate,
      cardNumber: id.normalized,
      securityCode: String(randomInt(0, 1000)).padStart(3, '0'),
      chipSerial: String(serialNumber).padStart(10, '0'),
      applicationCityCode: cityCode,
    },
    holder: { name: opts.name, sex: sex.padStart(2, '0'), birthDate, idNumber: id.normalized },
    validity: { expiryDate: expiry },
  };
  const images = contentsToFileImages(profile, contents);
  const state = personaliseCard({
    profile,
    images,
    masterKeys: opts.masterKeys,
    historicalBytes,
    applicationCityCode: cityCode,
    lock: opts.lock ?? true,
  });
  return { state, contents };
}
