// GB 11643 checks as the platform needs them (platform-interfaces.md §10.8), on top of the codes layer's
// validator: a lower-case x is a refusal here (2002, as Qinghai's 6002) rather than the codes layer's
// warning. A wrong length is 2006, not 2001; 15-digit numbers are refused by the codes layer's one rule
// (ID_FIRST_GENERATION, whose text names the 18-digit number to send).
import { validateIdNumber } from '../../codes/index.ts';

export interface IdCheck {
  valid: boolean;
  /** 2001 check digit / structure, 2002 lower-case x, 2006 length (incl. 15-digit numbers). */
  errorCode?: '2001' | '2002' | '2006';
  reason?: string;
  birthDate?: string;
  sex?: '1' | '2';
}

const LENGTH_ISSUES = new Set(['ID_LENGTH', 'ID_FIRST_GENERATION', 'ID_EMPTY']);

export function checkIdNumber(id: string, today?: Date): IdCheck {
  if (id.length === 18 && id.endsWith('x'))
    return { valid: false, errorCode: '2002', reason: 'check character must be upper-case X' };
  const r = validateIdNumber(id, today ? { today } : {});
  if (!r.valid) {
    const length = r.errors.some((e) => LENGTH_ISSUES.has(e.code));
    return {
      valid: false,
      errorCode: length ? '2006' : '2001',
      reason: r.errors.map((e) => e.en).join('; '),
    };
  }
  return {
    valid: true,
    ...(r.birthDate ? { birthDate: r.birthDate } : {}),
    ...(r.sex ? { sex: r.sex } : {}),
  };
}
