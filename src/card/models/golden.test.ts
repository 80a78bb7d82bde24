// Golden vectors built by hand from card-format.md §3–§5 for one fully specified resident: the exact bytes
// of every TLV record, an allergy and an immunization record, and the key regions of one EE and one ED
// record at their spec offsets. GB18030 bytes were looked up in the code chart (and confirmed once with
// iconv-lite): 李 C0EE 堃 88D2 王 CDF5 𠮷 9534B235 陕西省卫生厅 C9C2 CEF7 CAA1 CEC0 C9FA CCFC …
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimalOutpatientValues } from '../../../testkit/card-values.ts';
import { CardDataError } from '../errors.ts';
import type { EfSpec } from '../image.ts';
import { ALLERGY_LAYOUT } from '../layouts/allergy.ts';
import { IMMUNIZATION_LAYOUT } from '../layouts/immunization.ts';
import { INPATIENT_LAYOUT } from '../layouts/inpatient.ts';
import { OUTPATIENT_LAYOUT } from '../layouts/outpatient.ts';
import { findEfByPath, getProfile } from '../profiles/index.ts';
import { encodePhotoFile } from './photo.ts';
import { decodeRecord, encodeRecord } from './record.ts';
import { decodeTlvFile, encodeTlvFile } from './tlv-file.ts';
import type {
  Addresses,
  Allergy,
  ClinicalBasics,
  Contacts,
  Documents,
  HolderIdentity,
  Immunization,
  InpatientRecord,
  IssuerData,
  OccupationMarriage,
  OutpatientRecord,
  SpecialInfo,
  ValidityAndContacts,
} from './types.ts';

const national = getProfile('national');
const ef = (name: string): EfSpec => {
  const e = findEfByPath(national, name);
  assert.ok(e);
  return e.ef;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const z = (n: number): string => '00'.repeat(n);
const f = (n: number): string => 'FF'.repeat(n);
const ID_ASCII = '313130313035313934393132333130303258'; // "11010519491231002X"

/** Encodes every element of the file and compares record by record with the hand-written hex. */
function checkFile(name: string, values: Record<string, string>, expected: string[]): void {
  const recs = encodeTlvFile(ef(name), values);
  assert.deepEqual(
    [...recs.values()].map(hex),
    expected.map((h) => h.replace(/\s/g, '')),
    name,
  );
  assert.deepEqual(decodeTlvFile(ef(name), recs), values, `${name} decodes back`);
}

describe('golden TLV records of resident A', () => {
  it('DDF1/EF05 issuer data', () => {
    const issuer: IssuerData = {
      cardType: '1',
      specVersion: '1.00',
      issuerName: '陕西省卫生厅',
      issuerCode: '6101000000000000000001',
      issuerCertificate: 'AB' + z(179),
      issueDate: '20240315',
      cardNumber: '11010519491231002X',
      securityCode: '123',
      chipSerial: '0000000001',
      applicationCityCode: '610100',
    };
    checkFile('DDF1/EF05', issuer, [
      '01 01 31',
      '02 04 312E3030',
      '03 1E C9C2CEF7CAA1CEC0C9FACCFC' + z(18),
      '04 0B 6101000000000000000001',
      '05 B4 AB' + z(179),
      '06 04 20240315',
      '08 12' + ID_ASCII,
      '09 03 313233',
      '0A 0A 30303030303030303031',
      '39 03 610100',
    ]);
  });

  it('DDF1/EF06 holder identity', () => {
    const holder: HolderIdentity = {
      name: '李堃',
      sex: '01',
      ethnicity: '01',
      birthDate: '19491231',
      idNumber: '11010519491231002X',
    };
    checkFile('DDF1/EF06', holder, [
      '0B 1E C0EE88D2' + z(26),
      '0C 01 01',
      '0D 01 01',
      '0E 04 19491231',
      '0F 12' + ID_ASCII,
    ]);
  });

  it('DDF1/EF08 validity, phones, payment methods (unset cn → FF, unset an → 00)', () => {
    const validity: ValidityAndContacts = {
      expiryDate: '20340315',
      phone1: '13800138000',
      phone2: '',
      paymentMethod1: '01',
      paymentMethod2: '',
      paymentMethod3: '',
    };
    checkFile('DDF1/EF08', validity, [
      '07 04 20340315',
      '10 14 3133383030313338303030' + z(9),
      '11 14' + z(20),
      '12 01 01',
      '13 01 FF',
      '14 01 FF',
    ]);
  });

  it('DF01/EF05–EF08', () => {
    const addresses: Addresses = {
      address1Type: '01',
      address1: '陕西省西安市雁塔区',
      address2Type: '',
      address2: '',
    };
    checkFile('DDF1/DF01/EF05', addresses, [
      '15 01 01',
      '16 64 C9C2CEF7CAA1CEF7B0B2CAD0D1E3CBFEC7F8' + z(82),
      '17 01 FF',
      '18 64' + z(100),
    ]);
    const contacts: Contacts = {
      contact1Name: '王𠮷',
      contact1Relationship: '10',
      contact1Phone: '029-88886666',
      contact2Name: '',
      contact2Relationship: '',
      contact2Phone: '',
      contact3Name: '',
      contact3Relationship: '',
      contact3Phone: '',
    };
    checkFile('DDF1/DF01/EF06', contacts, [
      '19 1E CDF59534B235' + z(24),
      '1A 01 10',
      '1B 14 3032392D3838383836363636' + z(8),
      '1C 1E' + z(30),
      '1D 01 FF',
      '1E 14' + z(20),
      '1F 1E' + z(30),
      '20 01 FF',
      '21 14' + z(20),
    ]);
    const occupation: OccupationMarriage = { education: '14', maritalStatus: '20', occupation: '2' };
    checkFile('DDF1/DF01/EF07', occupation, ['22 01 14', '23 01 20', '24 03 320000']);
    const documents: Documents = {
      documentType: '01',
      documentNumber: '11010519491231002X',
      healthRecordNumber: '61010000000000001',
      ncmsCardNumber: '',
    };
    checkFile('DDF1/DF01/EF08', documents, [
      '25 01 01',
      '26 12' + ID_ASCII,
      '27 11 3631303130303030303030303030303031',
      '28 12' + z(18),
    ]);
  });

  it('DF02/EF05–EF06 (blood groups as two-digit bytes, flags 00/01)', () => {
    const clinical: ClinicalBasics = {
      aboBloodGroup: '01',
      rhBloodGroup: '02',
      asthmaFlag: '01',
      heartDiseaseFlag: '00',
      cardioCerebrovascularFlag: '00',
      epilepsyFlag: '00',
      coagulationDisorderFlag: '00',
      diabetesFlag: '00',
      glaucomaFlag: '00',
      dialysisFlag: '00',
      organTransplantFlag: '00',
      missingOrganFlag: '00',
      removableProsthesisFlag: '00',
      pacemakerFlag: '00',
      otherMedicalWarning: '青霉素过敏',
    };
    checkFile('DDF1/DF02/EF05', clinical, [
      '29 01 01',
      '2A 01 02',
      '2B 01 01',
      ...[0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36].map(
        (t) => t.toString(16).toUpperCase() + '0100',
      ),
      '37 28 C7E0C3B9CBD8B9FDC3F4' + z(30),
    ]);
    const special: SpecialInfo = { mentalIllnessFlag: '00' };
    checkFile('DDF1/DF02/EF06', special, ['38 01 00']);
  });

  it('only the given keys are encoded (undefined = leave the record unchanged)', () => {
    const recs = encodeTlvFile(ef('DDF1/EF08'), { phone2: '110' });
    assert.deepEqual([...recs.keys()], [3]);
    assert.equal(hex(recs.get(3) ?? new Uint8Array()), '1114313130' + z(17));
  });
});

describe('golden fixed records', () => {
  it('allergy 花粉 / 皮疹 → 120 bytes', () => {
    const a: Allergy = { allergenName: '花粉', reaction: '皮疹' };
    const bytes = encodeRecord(ALLERGY_LAYOUT, a);
    assert.equal(hex(bytes), 'BBA8B7DB' + z(16) + 'C6A4D5EE' + z(96));
    assert.deepEqual(decodeRecord(ALLERGY_LAYOUT, bytes), a);
  });

  it('immunization 乙肝疫苗 2024-01-15 → 24 bytes', () => {
    const m: Immunization = { vaccineName: '乙肝疫苗', date: '20240115' };
    const bytes = encodeRecord(IMMUNIZATION_LAYOUT, m);
    assert.equal(hex(bytes), 'D2D2B8CED2DFC3E7' + z(12) + '20240115');
    assert.deepEqual(decodeRecord(IMMUNIZATION_LAYOUT, bytes), m);
  });

  it('EE inpatient record: key regions at their §5.5 offsets', () => {
    const values: Partial<InpatientRecord> = {
      institutionName: '西安市第一医院',
      institutionOrgCode: '12345678-8',
      admissionDate: '20240301',
      admissionCount: '3',
      caseNumber: 'BA2024001',
      admissionDepartment: '内科',
      admissionConditionCode: '02',
      diagnosis1Name: '肺炎',
      diagnosis1Code: 'J18.9',
      diagnosis1Date: '20240302',
      dischargeDate: '20240310',
      dischargeDepartment: '内科',
      lengthOfStayDays: '9',
      autopsyFlag: '00',
      followUpFlag: '01',
      paymentMethodCode: '01',
      cost1Amount: '1234500',
      totalCost: '1234500',
    };
    const rec = encodeRecord(INPATIENT_LAYOUT, values);
    assert.equal(rec.length, 1893);
    const at = (off: number, len: number) => hex(rec.subarray(off, off + len));
    assert.equal(at(0, 70), 'CEF7B0B2CAD0B5DAD2BBD2BDD4BA' + z(56));
    assert.equal(at(70, 10), '31323334353637382D38');
    assert.equal(at(80, 4), '20240301');
    assert.equal(at(84, 2), '3FFF');
    assert.equal(at(86, 18), '424132303234303031' + z(9));
    assert.equal(at(104, 50), 'C4DABFC6' + z(46));
    assert.equal(at(154, 1), '02');
    assert.equal(at(155, 57), z(57)); // infection name + external cause unset (an → 00)
    assert.equal(at(212, 2), 'FFFF'); // serology 1 unset (cn → FF)
    assert.equal(at(214, 50), 'B7CED1D7' + z(46));
    assert.equal(at(264, 7), '4A31382E390000');
    assert.equal(at(271, 4), '20240302');
    assert.equal(at(1005, 4), f(4)); // rescue counts unset
    assert.equal(at(1009, 4), '20240310');
    assert.equal(at(1013, 4), 'C4DABFC6');
    assert.equal(at(1063, 3), '9FFFFF');
    assert.equal(at(1066, 3), '000101');
    assert.equal(at(1090, 5), '1234500FFF');
    assert.equal(at(1589, 5), '1234500FFF');
    assert.equal(at(1594, 45), f(45)); // the other fee totals unset
    assert.equal(at(1639, 254), z(254)); // not signed
    const back = decodeRecord(INPATIENT_LAYOUT, rec.subarray(0, 1639));
    assert.equal(Object.keys(back).length, 147);
    for (const [k, v] of Object.entries(values)) assert.equal(back[k], v, k);
    assert.equal(back.rescueCount, '');
    assert.equal(back.signature, undefined);
  });

  it('ED outpatient record: key regions at their §5.6 offsets, signature items after 3 013', () => {
    const values: Partial<OutpatientRecord> & { signature: string; samCertificate: string } = {
      institutionName: '西安市第一医院',
      institutionOrgCode: '12345678-8',
      visitDateTime: '20240315093000',
      outpatientNumber: 'MZ0001',
      departmentName: '普通外科',
      paymentMethodCode: '07',
      symptom1Name: '感冒',
      symptom1Code: 'R05',
      diagnosis1Date: '20240315',
      diagnosis1Name: '感冒',
      diagnosis1Code: 'J00',
      symptom1OnsetDateTime: '20240314200000',
      symptom1DurationDays: '1',
      exam1QuantitativeResult: '12345',
      cost10Amount: '500',
      signature: 'AA'.repeat(64),
      samCertificate: 'BB'.repeat(190),
    };
    const rec = encodeRecord(OUTPATIENT_LAYOUT, values);
    assert.equal(rec.length, 3267);
    const at = (off: number, len: number) => hex(rec.subarray(off, off + len));
    assert.equal(at(80, 7), '20240315093000');
    assert.equal(at(87, 18), '4D5A30303031' + z(12));
    assert.equal(at(105, 50), 'C6D5CDA8CDE2BFC6' + z(42));
    assert.equal(at(155, 1), '07');
    assert.equal(at(156, 4), 'B8D0C3B0');
    assert.equal(at(206, 5), '5230350000');
    assert.equal(at(211, 4), '20240315');
    assert.equal(at(215, 4), 'B8D0C3B0');
    assert.equal(at(265, 7), '4A303000000000');
    assert.equal(at(272, 7), '20240314200000');
    assert.equal(at(279, 2), '1FFF');
    assert.equal(at(281, 50), z(50)); // symptom 2 unset
    assert.equal(at(862, 5), '12345FFFFF');
    assert.equal(at(3008, 5), 'FF500FFFFF'); // cost 10 category code unset, amount 500
    assert.equal(at(3013, 64), 'AA'.repeat(64));
    assert.equal(at(3077, 190), 'BB'.repeat(190));
    const back = decodeRecord(OUTPATIENT_LAYOUT, rec);
    assert.equal(back.signature, 'AA'.repeat(64));
    assert.equal(back.visitDateTime, '20240315093000');
    assert.equal(back.exam1QuantitativeResult, '12345');
  });
});

describe('bad input names the field', () => {
  const holderEf = () => ef('DDF1/EF06');
  const coded =
    (code: string, field: string, limit?: number) =>
    (e: unknown): boolean => {
      assert.ok(e instanceof CardDataError, String(e));
      assert.equal(e.symbol, code);
      assert.equal(e.field, field);
      if (limit !== undefined) assert.equal(e.limit, limit);
      return true;
    };

  it('over-long name: FIELD_TOO_LONG with the 30-byte limit', () => {
    assert.throws(
      () => encodeTlvFile(holderEf(), { name: '李'.repeat(16) }),
      coded('FIELD_TOO_LONG', 'name', 30),
    );
  });

  it('dates must be real calendar days', () => {
    assert.throws(
      () => encodeTlvFile(holderEf(), { birthDate: '19490230' }),
      coded('INVALID_DATE', 'birthDate'),
    );
    assert.throws(
      () => encodeTlvFile(holderEf(), { birthDate: '1949123' }),
      coded('INVALID_DATE', 'birthDate'),
    );
    assert.doesNotThrow(() => encodeTlvFile(holderEf(), { birthDate: '20000229' }));
    assert.throws(
      () => encodeTlvFile(holderEf(), { birthDate: '19000229' }),
      coded('INVALID_DATE', 'birthDate'),
    );
    const ed = { ...minimalOutpatientValues(), visitDateTime: '20240315246000' };
    assert.throws(() => encodeRecord(OUTPATIENT_LAYOUT, ed), coded('INVALID_DATE', 'visitDateTime'));
  });

  it('ID numbers: check digit verified, number not echoed in the message', () => {
    let message = '';
    assert.throws(
      () => encodeTlvFile(holderEf(), { idNumber: '110105194912310021' }),
      (e: unknown) => {
        coded('INVALID_ID_NUMBER', 'idNumber')(e);
        message = (e as Error).message;
        return true;
      },
    );
    assert.ok(!message.includes('110105194912310021'));
    assert.match(message, /ID_CHECK_DIGIT/);
  });

  it('a lower-case x is stored upper-case, with a warning', () => {
    const warnings: string[] = [];
    const recs = encodeTlvFile(
      holderEf(),
      { idNumber: '11010519491231002x' },
      { onWarning: (w) => warnings.push(w.code) },
    );
    assert.equal(hex(recs.get(5) ?? new Uint8Array()), '0F12' + ID_ASCII);
    assert.deepEqual(warnings, ['ID_NUMBER_NORMALIZED']);
  });

  it('codes must be known in their table', () => {
    assert.throws(() => encodeTlvFile(holderEf(), { sex: '03' }), coded('UNKNOWN_CODE', 'sex'));
    assert.throws(() => encodeTlvFile(holderEf(), { ethnicity: '60' }), coded('UNKNOWN_CODE', 'ethnicity'));
    assert.throws(() => encodeTlvFile(holderEf(), { ethnicity: '0a' }), coded('CN_NOT_DIGITS', 'ethnicity'));
    const occ = ef('DDF1/DF01/EF07');
    assert.doesNotThrow(() => encodeTlvFile(occ, { occupation: '201' })); // 大类 2 + finer digits
    assert.throws(() => encodeTlvFile(occ, { occupation: '9' }), coded('UNKNOWN_CODE', 'occupation'));
    assert.throws(() => encodeTlvFile(occ, { maritalStatus: '99' }), coded('UNKNOWN_CODE', 'maritalStatus'));
    const ed = { ...minimalOutpatientValues(), paymentMethodCode: '55' };
    assert.throws(() => encodeRecord(OUTPATIENT_LAYOUT, ed), coded('UNKNOWN_CODE', 'paymentMethodCode'));
  });

  it('flags 00/01 and two-digit blood-group bytes', () => {
    const clin = ef('DDF1/DF02/EF05');
    assert.throws(() => encodeTlvFile(clin, { asthmaFlag: '02' }), coded('INVALID_FLAG', 'asthmaFlag'));
    assert.throws(
      () => encodeTlvFile(ef('DDF1/DF02/EF06'), { mentalIllnessFlag: '1' }),
      coded('INVALID_FLAG', 'mentalIllnessFlag'),
    );
    assert.throws(
      () => encodeTlvFile(clin, { aboBloodGroup: '1' }),
      coded('INVALID_CODE_BYTE', 'aboBloodGroup'),
    );
    assert.throws(
      () => encodeTlvFile(clin, { rhBloodGroup: '1' }),
      coded('INVALID_CODE_BYTE', 'rhBloodGroup'),
    );
    assert.throws(() => encodeTlvFile(clin, { rhBloodGroup: '09' }), coded('UNKNOWN_CODE', 'rhBloodGroup'));
  });

  it('unknown keys, non-string values and missing mandatory items', () => {
    assert.throws(() => encodeTlvFile(holderEf(), { nmae: '李堃' }), coded('UNKNOWN_FIELD', 'nmae'));
    assert.throws(
      () => encodeTlvFile(holderEf(), { sex: 1 } as unknown as Record<string, string>),
      coded('NOT_A_STRING', 'sex'),
    );
    const { visitDateTime: _omit, ...noVisit } = minimalOutpatientValues();
    assert.throws(() => encodeRecord(OUTPATIENT_LAYOUT, noVisit), coded('MISSING_REQUIRED', 'visitDateTime'));
    assert.doesNotThrow(() => encodeRecord(OUTPATIENT_LAYOUT, noVisit, { checkRequired: false }));
  });

  it('decodeRecord rejects a wrong length', () => {
    assert.throws(
      () => decodeRecord(INPATIENT_LAYOUT, new Uint8Array(1640)),
      coded('RECORD_LENGTH', 'inpatient', 1893),
    );
  });
});

describe('photo and warnings', () => {
  it('photo: not a JPEG, too large, largest accepted', () => {
    const jpeg = (n: number) =>
      Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0xff : i === 1 ? 0xd8 : 0x11));
    assert.throws(
      () => encodePhotoFile(Uint8Array.of(0x89, 0x50, 0x4e, 0x47)),
      (e: unknown) => e instanceof CardDataError && e.symbol === 'PHOTO_NOT_JPEG',
    );
    assert.throws(
      () => encodePhotoFile(jpeg(3071)),
      (e: unknown) => e instanceof CardDataError && e.symbol === 'PHOTO_TOO_LARGE' && e.limit === 3070,
    );
    assert.equal(hex(encodePhotoFile(jpeg(3070)).subarray(0, 4)), '0BFEFFD8');
  });

  it('a 4-byte GB18030 character is reported once per field', () => {
    const warnings: string[] = [];
    encodeTlvFile(
      ef('DDF1/DF01/EF06'),
      { contact1Name: '王𠮷' },
      { onWarning: (w) => warnings.push(`${w.code}:${w.field}`) },
    );
    assert.deepEqual(warnings, ['AN_FOUR_BYTE_CHAR:contact1Name']);
  });
});
