// Per-record validation of exchange files against the layouts (layouts.ts): required fields, formats,
// real dates, code tables, GB 11643 ID numbers (via the platform's check, which wraps src/codes), the
// card-number = ID-number rule, free text by the online interfaces' rule (src/codes/text-value.ts), and
// duplicates within one file. Pure: no database; text fields of the record are NFC-normalised in place.
import { checkOrgCode, checkTextValue, describeTextProblem, isKnownCode } from '../../codes/index.ts';
import { isWireDate } from '../domain/format.ts';
import { checkIdNumber } from '../domain/id-check.ts';
import { CARD_STATUS, OP_TYPES, REASON_CODES } from '../domain/lifecycle.ts';
import { issue } from './issues.ts';
import type { Issue } from './issues.ts';
import type { FieldSpec, TypeSpec } from './layouts.ts';

const AN_RE = /^[0-9A-Za-z-]+$/;
const HEX_RE = /^[0-9A-Fa-f]+$/;
const DIGITS_RE = /^\d+$/;
const REGION_RE = /^\d{6}$/;

// dates repeat a lot in a file: remember which yyyyMMdd are real (bounded cache)
const dateCache = new Map<string, boolean>();
function realDate(d: string): boolean {
  let ok = dateCache.get(d);
  if (ok === undefined) {
    ok = isWireDate(d);
    if (dateCache.size > 100_000) dateCache.clear();
    dateCache.set(d, ok);
  }
  return ok;
}
const TIME_RE = /^(\d{8})([01]\d|2[0-3])[0-5]\d[0-5]\d$/;

const ID_ISSUES = { '2001': 'ID_NUMBER', '2002': 'ID_LOWERCASE_X', '2006': 'ID_LENGTH' } as const;

// one ID-number check per distinct value in a row (cardNo and idNo are usually equal)
let lastId = '';
let lastIdToday = 0;
let lastIdCheck: ReturnType<typeof checkIdNumber> | undefined;
function idCheck(v: string, today: Date) {
  if (v !== lastId || today.getTime() !== lastIdToday || !lastIdCheck) {
    lastId = v;
    lastIdToday = today.getTime();
    lastIdCheck = checkIdNumber(v, today);
  }
  return lastIdCheck;
}

function checkField(
  fs: FieldSpec,
  v: string,
  spec: TypeSpec,
  rec: Record<string, string>,
  line: number,
  today: Date,
): Issue | undefined {
  if (fs.max !== undefined && v.length > fs.max && [...v].length > fs.max)
    return issue(line, 'FORMAT', fs.name, `longer than ${fs.max}`);
  switch (fs.kind) {
    case 'op':
      return spec.ops.includes(v)
        ? undefined
        : issue(line, 'OP', fs.name, `${spec.code} allows ${spec.ops.join('/')}`);
    case 'cardNo':
    case 'idNo': {
      // ID numbers are checked when the record's idType is 01 (resident ID card); card numbers always are
      if (fs.kind === 'idNo' && rec.idType !== undefined && rec.idType !== '01')
        return AN_RE.test(v) && v.length <= 32 ? undefined : issue(line, 'FORMAT', fs.name);
      const c = idCheck(v, today);
      if (!c.valid) return issue(line, ID_ISSUES[c.errorCode ?? '2001'], fs.name, c.reason);
      return undefined;
    }
    case 'date':
      return realDate(v)
        ? undefined
        : issue(line, /^\d{8}$/.test(v) ? 'DATE' : 'FORMAT', fs.name, 'yyyyMMdd');
    case 'time': {
      const m = TIME_RE.exec(v);
      return m && realDate(m[1]!)
        ? undefined
        : issue(line, /^\d{14}$/.test(v) ? 'DATE' : 'FORMAT', fs.name, 'yyyyMMddHHmmss');
    }
    case 'region':
      return REGION_RE.test(v) ? undefined : issue(line, 'FORMAT', fs.name, '6 digits');
    case 'status':
      return v in CARD_STATUS ? undefined : issue(line, 'CODE', fs.name, 'card status (§5.2)');
    case 'reason':
      return v in REASON_CODES ? undefined : issue(line, 'CODE', fs.name, 'reason code (§5.2)');
    case 'opType':
      return /^\d\d$/.test(v) && v in OP_TYPES
        ? undefined
        : issue(line, 'CODE', fs.name, 'operation type (§4.9)');
    case 'code':
      return isKnownCode(fs.table!, v) ? undefined : issue(line, 'CODE', fs.name, `code table ${fs.table}`);
    case 'enum':
      return fs.values!.includes(v)
        ? undefined
        : issue(line, 'FORMAT', fs.name, `one of ${fs.values!.join('/')}`);
    case 'hex':
      if (!HEX_RE.test(v)) return issue(line, 'FORMAT', fs.name, 'hex');
      return fs.len !== undefined && v.length !== fs.len
        ? issue(line, 'FORMAT', fs.name, `${fs.len} hex characters`)
        : undefined;
    case 'an':
      return AN_RE.test(v) ? undefined : issue(line, 'FORMAT', fs.name, 'letters, digits, -');
    case 'org': {
      const org = checkOrgCode(v);
      return org.valid ? undefined : issue(line, 'ORG_CODE', fs.name, org.en);
    }
    case 'digits':
      return DIGITS_RE.test(v) ? undefined : issue(line, 'FORMAT', fs.name, 'digits');
    case 'text': {
      // the online interfaces' rule (src/codes/text-value.ts); valid text is stored NFC-normalised
      const c = checkTextValue(v);
      if (!c.ok) return issue(line, 'TEXT', fs.name, describeTextProblem(c));
      if (c.value !== v) rec[fs.name] = c.value;
      return undefined;
    }
  }
}

/** Validates one record's fields; returns every issue found on the line. */
export function validateRecord(
  spec: TypeSpec,
  rec: Record<string, string>,
  line: number,
  today: Date,
): Issue[] {
  const out: Issue[] = [];
  for (const fs of spec.fields) {
    const v = rec[fs.name] ?? '';
    if (v === '') {
      if (fs.required) out.push(issue(line, 'REQUIRED', fs.name));
      continue;
    }
    const i = checkField(fs, v, spec, rec, line, today);
    if (i) out.push(i);
  }
  // cross-field rules
  if (
    out.length === 0 &&
    rec.idType === '01' &&
    rec.cardNo !== undefined &&
    rec.idNo !== undefined &&
    rec.cardNo !== rec.idNo
  )
    out.push(issue(line, 'CARD_NO_ID', 'cardNo'));
  if (out.length === 0 && rec.birthDate && rec.idType === '01' && rec.idNo) {
    const c = idCheck(rec.idNo, today);
    if (c.birthDate && c.birthDate !== rec.birthDate) out.push(issue(line, 'ID_INCONSISTENT', 'birthDate'));
    else if (c.sex && (rec.sex === '1' || rec.sex === '2') && c.sex !== rec.sex)
      out.push(issue(line, 'ID_INCONSISTENT', 'sex'));
  }
  return out;
}

/**
 * Duplicate detection within one file by the type's key. Memory grows with the number of records (one
 * short string each, ≈ 60 B) — the one non-constant part of an import, accepted to give line numbers.
 */
export class DuplicateTracker {
  private readonly seen = new Map<string, number>();
  private readonly key: readonly string[];
  constructor(spec: TypeSpec) {
    this.key = spec.key;
  }
  check(rec: Record<string, string>, line: number): Issue | undefined {
    if (this.key.length === 0) return undefined;
    const k = this.key.map((f) => rec[f] ?? '').join('|');
    const first = this.seen.get(k);
    if (first !== undefined) return issue(line, 'DUPLICATE', this.key.join('+'), `same key as line ${first}`);
    this.seen.set(k, line);
    return undefined;
  }
}
