// Registry of every code table, in the order `rhc codes list` shows them. The tables are data (one JSON
// file each: id, zh, en, source, an optional note on how the codes were chosen, entries).
import type { CodeTable } from '../types.ts';
import sex from './sex.json' with { type: 'json' };
import ethnicity from './ethnicity.json' with { type: 'json' };
import idDocumentType from './id-document-type.json' with { type: 'json' };
import education from './education.json' with { type: 'json' };
import maritalStatus from './marital-status.json' with { type: 'json' };
import occupation from './occupation.json' with { type: 'json' };
import relationship from './relationship.json' with { type: 'json' };
import addressType from './address-type.json' with { type: 'json' };
import paymentMethod from './payment-method.json' with { type: 'json' };
import aboBloodGroup from './abo-blood-group.json' with { type: 'json' };
import rhBloodGroup from './rh-blood-group.json' with { type: 'json' };
import medicalWarningFlag from './medical-warning-flag.json' with { type: 'json' };
import departmentSubject from './department-subject.json' with { type: 'json' };
import treatmentStep from './treatment-step.json' with { type: 'json' };
import terminalType from './terminal-type.json' with { type: 'json' };
import cardStatus from './card-status.json' with { type: 'json' };
import cardStatusReason from './card-status-reason.json' with { type: 'json' };
import cardOperationType from './card-operation-type.json' with { type: 'json' };

export const ALL_TABLES: readonly CodeTable[] = [
  sex,
  ethnicity,
  idDocumentType,
  education,
  maritalStatus,
  occupation,
  relationship,
  addressType,
  paymentMethod,
  aboBloodGroup,
  rhBloodGroup,
  medicalWarningFlag,
  departmentSubject,
  treatmentStep,
  terminalType,
  cardStatus,
  cardStatusReason,
  cardOperationType,
];
