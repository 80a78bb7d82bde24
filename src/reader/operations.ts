// High-level operations as the deployment guide names them: write personal details / basic health / one
// outpatient visit / one inpatient stay; read card info, resident info, basic health and its parts, the
// visit and stay lists, one record and its parts; verify a record's signature offline.
import type { CardProfile } from '../card/image.ts';
import {
  encodeRecord,
  type Addresses,
  type Allergy,
  type ClinicalBasics,
  type Contacts,
  type Documents,
  type HolderIdentity,
  type Immunization,
  type IssuerData,
  type OccupationMarriage,
  type SpecialInfo,
  type ValidityAndContacts,
} from '../card/models/index.ts';
import {
  decodeSamCertificate,
  recordSignatureDigest,
  verifyRecordSignature,
  type RecordSignatureResult,
} from '../crypto/index.ts';
import { CardFiles, type EncounterSection, type Values } from './files.ts';
import {
  elementByApi,
  encounterFiles,
  fileOfSection,
  indexFileFor,
  layoutOf,
  type EfLocation,
} from './locate.ts';
import type { Reader } from './reader.ts';
import { concat } from './sam-client.ts';
import { cardDataError } from './validate.ts';
import {
  INPATIENT_VIEWS,
  OUTPATIENT_VIEWS,
  SLOT_AGE_ITEMS,
  fieldsOfItems,
  type InpatientView,
  type OutpatientView,
} from './views.ts';

export interface PersonalDetails {
  /** DDF1/EF06 — only while the card is in personalisation state (§2.3). */
  holder?: Partial<HolderIdentity>;
  /** DDF1/EF08 validity, own phones, payment methods. */
  validity?: Partial<ValidityAndContacts>;
  addresses?: Partial<Addresses>;
  contacts?: Partial<Contacts>;
  occupation?: Partial<OccupationMarriage>;
  documents?: Partial<Documents>;
  /** JPEG bytes for DDF1/EF07. */
  photo?: Uint8Array;
}

export interface BasicHealth {
  clinical?: Partial<ClinicalBasics>;
  special?: Partial<SpecialInfo>;
  /** Appended oldest first, so the last one becomes record 1 (newest). */
  allergies?: Partial<Allergy>[];
  immunizations?: Partial<Immunization>[];
}

export interface ResidentInfo {
  holder: HolderIdentity;
  validity: ValidityAndContacts;
  addresses: Addresses;
  contacts: Contacts;
  occupation: OccupationMarriage;
  documents: Documents;
  /** Base64 JPEG, when asked for and present. */
  photo?: string;
}

export interface WrittenRecord {
  slot: number;
  /** True when no slot was free and the oldest record was overwritten. */
  replacedOldest: boolean;
}

export interface ListEntry {
  slot: number;
  values: Values;
}

export class HealthCardOperations {
  readonly files: CardFiles;

  constructor(readonly reader: Reader) {
    this.files = new CardFiles(reader);
  }

  get profile(): CardProfile {
    return this.reader.profile;
  }

  private loc(section: string): EfLocation {
    return fileOfSection(this.profile, section);
  }

  // ---------- writes ----------

  /** Personal details (documents, demographics, contacts): DDF1 files first, then DF01, so each DF is entered once. */
  async writePersonalDetails(d: PersonalDetails): Promise<void> {
    if (d.holder) await this.files.writeTlvFile(this.loc('holder'), d.holder);
    if (d.validity) await this.files.writeTlvFile(this.loc('validity'), d.validity);
    if (d.photo) await this.files.writeDdf1Ef07(d.photo);
    for (const section of ['addresses', 'contacts', 'occupation', 'documents'] as const) {
      const v = d[section];
      if (v) await this.files.writeTlvFile(this.loc(section), v);
    }
  }

  /** Basic health information (blood groups, warnings, mental-illness flag, allergies, immunizations) in DF02. */
  async writeBasicHealth(h: BasicHealth): Promise<void> {
    if (h.clinical) await this.files.writeTlvFile(this.loc('clinical'), h.clinical);
    if (h.special) await this.files.writeTlvFile(this.loc('special'), h.special);
    for (const a of h.allergies ?? []) await this.files.writeDf02Ef07(a);
    for (const i of h.immunizations ?? []) await this.files.writeDf02Ef08(i);
  }

  writeOutpatientVisit(values: Values): Promise<WrittenRecord> {
    return this.writeEncounter('outpatient', values);
  }

  writeInpatientStay(values: Values): Promise<WrittenRecord> {
    return this.writeEncounter('inpatient', values);
  }

  /**
   * Flow F with signing (§7.4 F, §7.6): choose the slot (first free, else the oldest), sign data via the SAM,
   * erase the flag first when reusing a used slot, write data ‖ signature ‖ SAM certificate, then set the flag.
   */
  async writeEncounter(section: EncounterSection, values: Values): Promise<WrittenRecord> {
    const files = encounterFiles(this.profile, section);
    const layout = layoutOf(files[0]);
    let data: Uint8Array;
    try {
      data = encodeRecord(layout, values).slice(0, layout.dataLength);
    } catch (e) {
      throw cardDataError(e);
    }
    return this.reader.withCard(async (io) => {
      const identity = await this.identity();
      const { slot, used, replacedOldest } = await this.chooseSlot(section);
      const samCert = await this.reader.sam.readFile('samCertificate');
      const samPublicKey = decodeSamCertificate(samCert).publicKey;
      const digest = recordSignatureDigest(samPublicKey, identity.cardNumber, identity.chipSerial, data);
      const signature = await this.reader.sam.sm2SignHash(digest);
      const index = indexFileFor(this.profile, section);
      if (used) await io.setIndexFlag(index, slot, false);
      await io.updateBinary(files[slot - 1], 0, concat(data, signature, samCert));
      await io.setIndexFlag(index, slot, true);
      return { slot, replacedOldest };
    });
  }

  /** Card number and chip serial as stored (DDF1/EF05, free read), cached for the card presentation. */
  private async identity(): Promise<{ cardNumber: Uint8Array; chipSerial: Uint8Array }> {
    const session = await this.reader.currentSession();
    if (session.identity) return session.identity;
    const kh = elementByApi(this.profile, 'KH');
    const serial = elementByApi(this.profile, 'XPXLH');
    const id = await this.reader.withCard(async (io) => ({
      cardNumber: (await io.readRecord(kh.loc, kh.record, kh.element.length + 2)).slice(2),
      chipSerial: (await io.readRecord(serial.loc, serial.record, serial.element.length + 2)).slice(2),
    }));
    session.identity = id;
    return id;
  }

  /** Slot choice of §5.4: first free index record, else the slot whose record is oldest. */
  async chooseSlot(
    section: EncounterSection,
  ): Promise<{ slot: number; used: boolean; replacedOldest: boolean }> {
    const index = indexFileFor(this.profile, section);
    const files = encounterFiles(this.profile, section);
    return this.reader.withCard(async (io) => {
      for (let n = 1; n <= files.length; n++) {
        const flag = (await io.readRecord(index, n, 1))[0];
        if (flag !== 0x00) return { slot: n, used: false, replacedOldest: false };
      }
      const layout = layoutOf(files[0]);
      const ageFields = fieldsOfItems(layout, SLOT_AGE_ITEMS[section]);
      let best = { slot: 1, key: '' };
      for (let n = 1; n <= files.length; n++) {
        const v = await this.files.readEncounterFields(
          section,
          n,
          ageFields.map((f) => f.key),
          false,
        );
        // Empty dates sort first: a record without a date is treated as the oldest.
        const key = ageFields.map((f) => (v[f.key] ?? '').padEnd(f.length * 2, '0')).join('|');
        if (n === 1 || key < best.key) best = { slot: n, key };
      }
      return { slot: best.slot, used: true, replacedOldest: true };
    });
  }

  // ---------- reads ----------

  /** Card information: DDF1/EF05 (free read, no authentication). */
  async readCardInfo(): Promise<IssuerData> {
    return (await this.files.readTlvFile(this.loc('issuer'))) as IssuerData;
  }

  /** Resident information: holder identity, validity/phones, addresses, contacts, occupation, documents. */
  async readResidentInfo(opts: { photo?: boolean } = {}): Promise<ResidentInfo> {
    const out: Record<string, unknown> = {};
    for (const section of ['holder', 'validity', 'addresses', 'contacts', 'occupation', 'documents'])
      out[section] = await this.files.readTlvFile(this.loc(section));
    if (opts.photo) {
      const jpeg = await this.files.readDdf1Ef07();
      if (jpeg.length) out.photo = Buffer.from(jpeg).toString('base64');
    }
    return out as unknown as ResidentInfo;
  }

  /** All basic health information: clinical basics, special flag, allergies, immunizations. */
  async readBasicHealth(): Promise<{
    clinical: ClinicalBasics;
    special: SpecialInfo;
    allergies: Allergy[];
    immunizations: Immunization[];
  }> {
    return {
      clinical: (await this.files.readTlvFile(this.loc('clinical'))) as ClinicalBasics,
      special: (await this.files.readTlvFile(this.loc('special'))) as SpecialInfo,
      allergies: await this.readAllergies(),
      immunizations: await this.readImmunizations(),
    };
  }

  /** Blood groups (ABO, Rh) and allergies only. */
  async readBloodAndAllergies(): Promise<{ blood: Values; allergies: Allergy[] }> {
    const abo = elementByApi(this.profile, 'ABOXX');
    const rh = elementByApi(this.profile, 'RHXX');
    const blood = await this.files.readTlvElements(abo.loc, [abo.element.key, rh.element.key]);
    return { blood, allergies: await this.readAllergies() };
  }

  private async readAllergies(): Promise<Allergy[]> {
    return nonEmpty(await this.files.readCyclicAll(this.loc('allergies').ef.fid)) as Allergy[];
  }

  /** Immunizations only (newest first). */
  async readImmunizations(): Promise<Immunization[]> {
    return nonEmpty(await this.files.readCyclicAll(this.loc('immunizations').ef.fid)) as Immunization[];
  }

  private async list(section: EncounterSection, items: readonly number[]): Promise<ListEntry[]> {
    const flags = await this.files.readIndex(section);
    const layout = layoutOf(encounterFiles(this.profile, section)[0]);
    const keys = fieldsOfItems(layout, items).map((f) => f.key);
    const out: ListEntry[] = [];
    for (let i = 0; i < flags.length; i++)
      if (flags[i])
        out.push({ slot: i + 1, values: await this.files.readEncounterFields(section, i + 1, keys, false) });
    return out;
  }

  /** Outpatient list: institution, date-time, department, first diagnosis of every used slot. */
  listOutpatientVisits(): Promise<ListEntry[]> {
    return this.list('outpatient', OUTPATIENT_VIEWS.list);
  }

  listInpatientStays(): Promise<ListEntry[]> {
    return this.list('inpatient', INPATIENT_VIEWS.list);
  }

  /** One outpatient visit in full (all data items) or one of its views. */
  async readOutpatientVisit(slot: number, view?: Exclude<OutpatientView, 'list'>): Promise<Values> {
    const layout = layoutOf(this.files.checkSlot('outpatient', slot));
    const keys = view ? fieldsOfItems(layout, OUTPATIENT_VIEWS[view]).map((f) => f.key) : undefined;
    return this.files.readEncounterFields('outpatient', slot, keys);
  }

  readOutpatientSummary = async (slot: number) => this.readOutpatientVisit(slot, 'summary');
  readOutpatientMedication = async (slot: number) => this.readOutpatientVisit(slot, 'medication');
  readOutpatientLab = async (slot: number) => this.readOutpatientVisit(slot, 'lab');
  readOutpatientSurgery = async (slot: number) => this.readOutpatientVisit(slot, 'surgery');

  /** One inpatient stay in full or one of its parts (admission, serology, diagnoses, surgery, transfusion, discharge, costs). */
  async readInpatientStay(slot: number, part?: Exclude<InpatientView, 'list'>): Promise<Values> {
    const layout = layoutOf(this.files.checkSlot('inpatient', slot));
    const keys = part ? fieldsOfItems(layout, INPATIENT_VIEWS[part]).map((f) => f.key) : undefined;
    return this.files.readEncounterFields('inpatient', slot, keys);
  }

  /**
   * Offline verification of a record's signature (§7.6 step 4): SAM certificate from the record → issuer
   * certificate from DDF1/EF05 → the configured root key; the message binds the card number and chip serial.
   */
  async verifyRecord(
    section: EncounterSection,
    slot: number,
    rootPublicKey: string,
    at?: string,
  ): Promise<RecordSignatureResult> {
    const loc = this.files.checkSlot(section, slot);
    const layout = layoutOf(loc);
    const cert = elementByApi(this.profile, 'FKJGZS');
    const identity = await this.identity();
    const issuerCertificate = await this.reader.withCard(async (io) =>
      (await io.readRecord(cert.loc, cert.record, cert.element.length + 2)).slice(2),
    );
    const record = await this.files.readEncounterBytes(section, slot, 0, layout.totalLength);
    return verifyRecordSignature({
      record,
      kind: section === 'inpatient' ? 'EE' : 'ED',
      cardNumber: identity.cardNumber,
      chipSerial: identity.chipSerial,
      issuerCertificate,
      rootPublicKey,
      at,
    });
  }
}

function nonEmpty(records: Values[]): Values[] {
  return records.filter((r) => Object.values(r).some((v) => v !== ''));
}
