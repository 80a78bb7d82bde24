// Registry of every code table, in the order `rhc codes list` shows them.
import type { CodeTable } from '../types.ts';
import { aboBloodGroupTable } from './abo-blood-group.ts';
import { addressTypeTable } from './address-type.ts';
import { cardOperationTypeTable } from './card-operation-type.ts';
import { cardStatusReasonTable } from './card-status-reason.ts';
import { cardStatusTable } from './card-status.ts';
import { departmentSubjectTable } from './department-subject.ts';
import { educationTable } from './education.ts';
import { ethnicityTable } from './ethnicity.ts';
import { idDocumentTypeTable } from './id-document-type.ts';
import { maritalStatusTable } from './marital-status.ts';
import { medicalWarningFlagTable } from './medical-warning-flag.ts';
import { occupationTable } from './occupation.ts';
import { paymentMethodTable } from './payment-method.ts';
import { relationshipTable } from './relationship.ts';
import { rhBloodGroupTable } from './rh-blood-group.ts';
import { sexTable } from './sex.ts';
import { terminalTypeTable } from './terminal-type.ts';
import { treatmentStepTable } from './treatment-step.ts';

export const ALL_TABLES: readonly CodeTable[] = [
  sexTable,
  ethnicityTable,
  idDocumentTypeTable,
  educationTable,
  maritalStatusTable,
  occupationTable,
  relationshipTable,
  addressTypeTable,
  paymentMethodTable,
  aboBloodGroupTable,
  rhBloodGroupTable,
  medicalWarningFlagTable,
  departmentSubjectTable,
  treatmentStepTable,
  terminalTypeTable,
  cardStatusTable,
  cardStatusReasonTable,
  cardOperationTypeTable,
];
