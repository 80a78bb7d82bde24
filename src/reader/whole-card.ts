// Whole-card read and write through the library (what `rhc card dump/read/write` use): every file decoded
// into the CardContents shape of src/card/contents.ts, and CardContentsInput written back with the
// high-level operations.
import { toHex } from '../card/apdu.ts';
import type { CardContents, CardContentsInput } from '../card/contents.ts';
import type { EncounterSection, Values } from './files.ts';
import { decodeRecord } from '../card/models/index.ts';
import { allLocations, layoutOf } from './locate.ts';
import type { HealthCardOperations } from './operations.ts';

type Signed = Record<string, string | boolean | undefined> & {
  signature?: string;
  samCertificate?: string;
  signatureValid?: boolean;
  signatureProblem?: string;
};

export interface ReadWholeCardOptions {
  /** Verify each record's signature against this root key (adds `signatureValid`). */
  rootPublicKey?: string;
}

/**
 * Reads and decodes every file of the card, walking the files in profile order so each DF is entered once
 * and each read key is presented once (the minimum of src/reader/apdu-minimum.ts).
 */
export async function readWholeCard(
  ops: HealthCardOperations,
  opts: ReadWholeCardOptions = {},
): Promise<CardContents> {
  const profile = ops.profile;
  const out: Record<string, unknown> = { profile: profile.id };
  const flags: Partial<Record<EncounterSection, boolean[]>> = {};
  const encounters: Record<EncounterSection, (Signed | null)[]> = { inpatient: [], outpatient: [] };
  const records: { section: EncounterSection; slot: number }[] = [];
  for (const loc of allLocations(profile)) {
    const { ef } = loc;
    const section = ef.section;
    if (!section) continue;
    if (ef.structure === 'tlv-records') out[section] = await ops.files.readTlvFile(loc);
    else if (ef.structure === 'cyclic')
      out[section] = (await ops.files.readCyclicAll(ef.fid)).filter((r) =>
        Object.values(r).some((v) => v !== ''),
      );
    else if (ef.structure === 'linear-fixed' && (section === 'inpatient' || section === 'outpatient'))
      flags[section] = await ops.files.readIndex(section);
    else if (
      ef.structure === 'transparent' &&
      ef.slot !== undefined &&
      (section === 'inpatient' || section === 'outpatient')
    ) {
      const used = (flags[section] ??= await ops.files.readIndex(section))[ef.slot - 1];
      if (!used) {
        encounters[section][ef.slot - 1] = null;
        continue;
      }
      const layout = layoutOf(loc);
      const bytes = await ops.files.readEncounterBytes(section, ef.slot, 0, layout.totalLength, false);
      const values: Signed = decodeRecord(layout, bytes.subarray(0, layout.dataLength));
      const tail = bytes.subarray(layout.dataLength);
      if (tail.some((b) => b !== 0)) {
        values.signature = toHex(tail.subarray(0, 64));
        values.samCertificate = toHex(tail.subarray(64));
        records.push({ section, slot: ef.slot });
      }
      encounters[section][ef.slot - 1] = values;
    } else if (ef.structure === 'transparent' && section === 'photo') {
      const jpeg = await ops.files.readDdf1Ef07();
      if (jpeg.length) out.photo = { jpegBase64: Buffer.from(jpeg).toString('base64') };
    }
  }
  // Signature checks re-read records: done last, and only when a root key is given.
  if (opts.rootPublicKey)
    for (const { section, slot } of records) {
      const v = await ops.verifyRecord(section, slot, opts.rootPublicKey);
      const rec = encounters[section][slot - 1]!;
      rec.signatureValid = v.valid;
      if (!v.valid) rec.signatureProblem = v.reason;
    }
  return {
    ...out,
    inpatient: encounters.inpatient,
    outpatient: encounters.outpatient,
  } as unknown as CardContents;
}

const nonEmpty = (v: object | undefined): Values | undefined =>
  v
    ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string' && x !== '')) as Values)
    : undefined;

/**
 * Writes CardContentsInput with the high-level operations: personal details, basic health (allergies and
 * immunizations appended oldest first so the card's record order matches the list), then each non-null
 * encounter record through slot choice and signing. Issuer data (DDF1/EF05) is personalisation data and
 * is not written here.
 */
export async function writeWholeCard(
  ops: HealthCardOperations,
  input: CardContentsInput,
): Promise<{ inpatientSlots: number[]; outpatientSlots: number[] }> {
  await ops.writePersonalDetails({
    holder: nonEmpty(input.holder),
    validity: nonEmpty(input.validity),
    addresses: nonEmpty(input.addresses),
    contacts: nonEmpty(input.contacts),
    occupation: nonEmpty(input.occupation),
    documents: nonEmpty(input.documents),
    photo: input.photo ? new Uint8Array(Buffer.from(input.photo.jpegBase64, 'base64')) : undefined,
  });
  await ops.writeBasicHealth({
    clinical: nonEmpty(input.clinical),
    special: nonEmpty(input.special),
    allergies: [...(input.allergies ?? [])].reverse().map((a) => nonEmpty(a) ?? {}),
    immunizations: [...(input.immunizations ?? [])].reverse().map((a) => nonEmpty(a) ?? {}),
  });
  const strip = (r: object): Values => {
    const v = nonEmpty(r) ?? {};
    delete v.signature;
    delete v.samCertificate;
    delete v.signatureValid;
    delete v.signatureProblem;
    return v;
  };
  const inpatientSlots: number[] = [];
  for (const r of input.inpatient ?? [])
    if (r) inpatientSlots.push((await ops.writeInpatientStay(strip(r))).slot);
  const outpatientSlots: number[] = [];
  for (const r of input.outpatient ?? [])
    if (r) outpatientSlots.push((await ops.writeOutpatientVisit(strip(r))).slot);
  return { inpatientSlots, outpatientSlots };
}
