// GB 11643 checks as the platform needs them (platform-interfaces.md §10.8), on top of the codes layer's
// validator: a lower-case x is a refusal here (2002, as Qinghai's 6002) rather than the codes layer's
// warning, and only 18-character numbers are accepted on the wire (card numbers are 18 characters).
import { validateIdNumber } from '../../codes/index.ts';

export interface IdCheck {
  valid: boolean;
  /** 2001 check digit / structure, 2002 lower-case x. */
  errorCode?: '2001' | '2002';
  reason?: string;
  birthDate?: string;
  sex?: '1' | '2';
}

export function checkIdNumber(id: string, today?: Date): IdCheck {
  if (id.length === 18 && id.endsWith('x'))
    return { valid: false, errorCode: '2002', reason: 'check character must be upper-case X' };
  if (id.length !== 18)
    return { valid: false, errorCode: '2001', reason: 'an 18-character GB 11643 number is required' };
  const r = validateIdNumber(id, today ? { today } : {});
  if (!r.valid) return { valid: false, errorCode: '2001', reason: r.errors.map((e) => e.en).join('; ') };
  return {
    valid: true,
    ...(r.birthDate ? { birthDate: r.birthDate } : {}),
    ...(r.sex ? { sex: r.sex } : {}),
  };
}
