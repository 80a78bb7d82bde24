// Public API of the codes layer: national code tables, GB/T 2260 regions, GB 11643 ID numbers, GB 11714 /
// GB 32100 organisation codes, the free-text rule, masking.
export type { CodeEntry, CodeTable } from './types.ts';
export { CodesError, type CodesErrorCode } from './errors.ts';
export { CODE_TABLE_IDS, describeCode, getCodeTable, isKnownCode } from './code-tables.ts';
export { describeDepartment, type DepartmentInfo } from './departments.ts';
export {
  isPrefecturePlaceholder,
  lookupProvince,
  lookupRegion,
  regionDataVersion,
  regionFullName,
  regionScopePrefix,
  regionsUnder,
  type RegionInfo,
  type RegionLevel,
} from './regions.ts';
export {
  computeCheckDigit,
  upgradeIdNumber15,
  validateIdNumber,
  type IdCheckResult,
  type IdIssue,
} from './id-number.ts';
export { maskIdNumber, maskName } from './masking.ts';
export {
  checkOrgCode,
  gb11714CheckChar,
  gb11714Code,
  gb32100CheckChar,
  type OrgCodeCheck,
  type OrgCodeKind,
} from './org-code.ts';
export { checkTextValue, describeTextProblem, type TextCheck, type TextProblem } from './text-value.ts';
