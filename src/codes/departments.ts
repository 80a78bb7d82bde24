// Four-digit department codes (诊疗科目: subject ‖ sub-subject, `00` = whole subject), platform-interfaces.md
// §10.6. Only the top-level subjects are published in the spec, so a code resolves to its subject.
import { describeCode } from './code-tables.ts';
import type { CodeEntry } from './types.ts';

export interface DepartmentInfo {
  code: string;
  subject: CodeEntry;
  /** True for `xx00`, the subject as a whole. */
  wholeSubject: boolean;
}

export function describeDepartment(code4: string): DepartmentInfo | undefined {
  if (!/^\d{4}$/.test(code4)) return undefined;
  const subject = describeCode('department-subject', code4.slice(0, 2));
  if (!subject) return undefined;
  return { code: code4, subject, wholeSubject: code4.endsWith('00') };
}
