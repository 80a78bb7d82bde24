// Coded errors of the simulator (virtual card and virtual SAM) in the shared catalogue shape
// (src/base/errors.ts): bad construction input and bad virtual-card files. What a card or SAM answers to an
// APDU is never an exception here: it is a status word. Transcript replays use the card layer's
// TRANSCRIPT_MISMATCH / TRANSCRIPT_FORMAT (src/card/errors.ts).
import { defineCatalogue, type SymbolOf } from '../base/errors.ts';
import { FieldError } from '../crypto/index.ts';

/** Cos 450–499 (design choice, docs/architecture.md). */
export const cosErrors = defineCatalogue(
  'cos',
  [450, 499],
  [
    [
      '451',
      'SAM_CONFIG',
      400,
      '虚拟 SAM 配置错误',
      'virtual SAM configuration invalid',
      '请联系信息科 / call IT',
      'the virtual SAM was built with a bad value in the field the message names (master keys, serial, terminal number, certificates, PIN, retry limit); check the key file or the options',
    ],
    [
      '452',
      'CARD_PERSONALISATION',
      400,
      '虚拟卡个人化数据错误',
      'virtual card personalisation input invalid',
      '请联系信息科 / call IT',
      'a file image or the card identity does not fit the card profile (the message names the file or field and the expected size); check the profile and the contents',
    ],
    [
      '453',
      'CARD_ISSUE_INPUT',
      400,
      '制作虚拟卡的持卡人信息有误',
      'virtual card holder details invalid',
      '请核对身份证号、姓名、性别、出生日期和城市代码 / check the ID number, name, sex, birth date and city code',
      '`rhc card new` checks the ID number (GB 11643), sex (GB/T 2261.1), birth date YYYYMMDD and the 6-digit city code (GB/T 2260); the message names the option',
    ],
    [
      '454',
      'CARD_FILE_INVALID',
      422,
      '虚拟卡文件无效',
      'invalid virtual card file',
      '请联系信息科（虚拟卡文件损坏） / call IT (the virtual card file is damaged)',
      'the card file (from `rhc card new`) failed the check of the field in the message; make a new card file or restore it from its copy',
    ],
  ],
);

export type CosErrorSymbol = SymbolOf<typeof cosErrors>;

/** A simulator failure: its catalogue entry and the option, file or field it is about. */
export class CosError extends FieldError {
  constructor(symbol: CosErrorSymbol, field: string, message: string) {
    super(cosErrors.entry(symbol), field, message);
    this.name = 'CosError';
  }

  override get symbol(): CosErrorSymbol {
    return this.entry.symbol as CosErrorSymbol;
  }
}

/** Bad virtual-SAM constructor input (key material, identity, PIN). */
export class SamConfigError extends CosError {
  constructor(field: string, message: string) {
    super('SAM_CONFIG', field, message);
    this.name = 'SamConfigError';
  }
}

/** File images or card identity that do not fit the profile. */
export class PersonalisationError extends CosError {
  constructor(field: string, message: string) {
    super('CARD_PERSONALISATION', field, message);
    this.name = 'PersonalisationError';
  }
}

/** Holder details `rhc card new` cannot issue a card with. */
export class IssueError extends CosError {
  constructor(field: string, message: string) {
    super('CARD_ISSUE_INPUT', field, message);
    this.name = 'IssueError';
  }
}

/** A virtual-card file that does not parse or does not fit its profile. */
export class CardFileError extends CosError {
  constructor(field: string, message: string) {
    super('CARD_FILE_INVALID', field, message);
    this.name = 'CardFileError';
  }
}
