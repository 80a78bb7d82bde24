// Types of the RHC reader agent browser client (rhc-agent-client.js).
export type Values = Record<string, string>;

export interface AgentErrorBody {
  code: number;
  symbol: string;
  zh: string;
  en: string;
  sw?: string;
  field?: string;
  detail?: string;
}

export declare class RhcAgentError extends Error {
  readonly status: number;
  readonly code: number;
  readonly symbol: string;
  readonly zh: string;
  readonly en: string;
  readonly sw?: string;
  readonly field?: string;
}

export interface ListEntry {
  slot: number;
  values: Values;
}

export type OutpatientView = 'summary' | 'medication' | 'lab' | 'surgery' | 'costs';
export type InpatientPart =
  'admission' | 'serology' | 'diagnoses' | 'surgery' | 'transfusion' | 'discharge' | 'costs';

export interface CardEvent {
  type: 'hello' | 'card-inserted' | 'card-removed';
  reader?: string;
  at: string;
}

export declare class RhcAgentClient {
  constructor(options: { token: string; baseUrl?: string });
  status(): Promise<{ reader: string; cardPresent: boolean; samNumber: string; queued: number }>;
  verifySamPin(pin: string): Promise<{ ok: true }>;
  readCardInfo(): Promise<Values>;
  readResidentInfo(options?: { photo?: boolean }): Promise<Record<string, Values> & { photo?: string }>;
  readBasicHealth(): Promise<{
    clinical: Values;
    special: Values;
    allergies: Values[];
    immunizations: Values[];
  }>;
  readBloodAndAllergies(): Promise<{ blood: Values; allergies: Values[] }>;
  readImmunizations(): Promise<Values[]>;
  listOutpatientVisits(): Promise<ListEntry[]>;
  readOutpatientVisit(slot: number, view?: OutpatientView): Promise<Values>;
  listInpatientStays(): Promise<ListEntry[]>;
  readInpatientStay(slot: number, part?: InpatientPart): Promise<Values>;
  verifyRecord(
    section: 'inpatient' | 'outpatient',
    slot: number,
  ): Promise<{ valid: boolean; reason?: string; message?: string }>;
  writePersonalDetails(details: {
    holder?: Values;
    validity?: Values;
    addresses?: Values;
    contacts?: Values;
    occupation?: Values;
    documents?: Values;
    photoJpegBase64?: string;
  }): Promise<{ ok: true }>;
  writeBasicHealth(health: {
    clinical?: Values;
    special?: Values;
    allergies?: Values[];
    immunizations?: Values[];
  }): Promise<{ ok: true }>;
  writeOutpatientVisit(record: Values): Promise<{ slot: number; replacedOldest: boolean }>;
  writeInpatientStay(record: Values): Promise<{ slot: number; replacedOldest: boolean }>;
  onCardEvent(listener: (e: CardEvent) => void): () => void;
}
