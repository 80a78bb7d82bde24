// The JSON shape of a whole card (`rhc card dump --json` prints it, `rhc card write --from JSON` takes it)
// and its conversion to/from per-file images. Which file holds which section comes from the profile
// (EfSpec.section / slot); the conversion is driven by each file's structure, never by a FID.
import { CardDataError, type EncodeOptions } from './errors.ts';
import type { CardProfile, EfSpec } from './image.ts';
import {
  decodeIndexFile,
  decodePhotoFile,
  decodeRecord,
  decodeTlvFile,
  encodeFullTlvFile,
  encodeIndexFile,
  encodePhotoFile,
  encodeRecord,
  type Addresses,
  type Allergy,
  type ClinicalBasics,
  type Contacts,
  type Documents,
  type FieldValues,
  type HolderIdentity,
  type Immunization,
  type IndexFlag,
  type InpatientRecord,
  type IssuerData,
  type OccupationMarriage,
  type OutpatientRecord,
  type RecordSignature,
  type SpecialInfo,
  type ValidityAndContacts,
} from './models/index.ts';
import { listEfs, pathName } from './profiles/index.ts';

export type SignedInpatientRecord = InpatientRecord & RecordSignature;
export type SignedOutpatientRecord = OutpatientRecord & RecordSignature;

/** A whole card as decoded: every element present ('' = unset); null encounter slot = index flag FF. */
export interface CardContents {
  readonly profile: string;
  readonly issuer: IssuerData;
  readonly holder: HolderIdentity;
  readonly photo?: { readonly jpegBase64: string };
  readonly validity: ValidityAndContacts;
  readonly addresses: Addresses;
  readonly contacts: Contacts;
  readonly occupation: OccupationMarriage;
  readonly documents: Documents;
  readonly clinical: ClinicalBasics;
  readonly special: SpecialInfo;
  /** Newest first (record 1 of the cyclic file). */
  readonly allergies: readonly Allergy[];
  readonly immunizations: readonly Immunization[];
  /** One entry per slot (EE01…): the record, or null when the slot is free. */
  readonly inpatient: readonly (SignedInpatientRecord | null)[];
  readonly outpatient: readonly (SignedOutpatientRecord | null)[];
}

/** What a writer may give: any section or element may be left out (= unset / empty). */
export interface CardContentsInput {
  readonly profile?: string;
  readonly issuer?: Partial<IssuerData>;
  readonly holder?: Partial<HolderIdentity>;
  readonly photo?: { readonly jpegBase64: string };
  readonly validity?: Partial<ValidityAndContacts>;
  readonly addresses?: Partial<Addresses>;
  readonly contacts?: Partial<Contacts>;
  readonly occupation?: Partial<OccupationMarriage>;
  readonly documents?: Partial<Documents>;
  readonly clinical?: Partial<ClinicalBasics>;
  readonly special?: Partial<SpecialInfo>;
  readonly allergies?: readonly Partial<Allergy>[];
  readonly immunizations?: readonly Partial<Immunization>[];
  readonly inpatient?: readonly (Partial<SignedInpatientRecord> | null)[];
  readonly outpatient?: readonly (Partial<SignedOutpatientRecord> | null)[];
}

/** The content of one EF for personalisation / dump: records (record files) or bytes (transparent). */
export interface FileImage {
  records?: Uint8Array[];
  binary?: Uint8Array;
}

type SectionValue =
  FieldValues | readonly (FieldValues | null)[] | { readonly jpegBase64: string } | undefined;

function sectionOf(ef: EfSpec, where: string): string {
  if (!ef.section)
    throw new CardDataError('UNKNOWN_FILE', where, '卡配置未说明此文件的内容段 profile file has no section');
  return ef.section;
}

function listOf(value: SectionValue): readonly (FieldValues | null)[] {
  return Array.isArray(value) ? value : [];
}

function tooMany(where: string, limit: number): CardDataError {
  return new CardDataError(
    'TOO_MANY_RECORDS',
    where,
    `记录数超过 ${limit} more than ${limit} records`,
    limit,
  );
}

/** Per-file images (keyed by pathName, e.g. 'DDF1/DF01/EF05') that personalise a card with `contents`. */
export function contentsToFileImages(
  profile: CardProfile,
  contents: CardContentsInput,
  opts: EncodeOptions = {},
): Map<string, FileImage> {
  if (contents.profile !== undefined && contents.profile !== profile.id)
    throw new CardDataError(
      'UNKNOWN_PROFILE',
      'profile',
      `内容属于卡配置 ${contents.profile} contents are for another profile`,
    );
  const sections = contents as Readonly<Record<string, SectionValue>>;
  checkSections(profile, sections);
  const images = new Map<string, FileImage>();
  for (const { path, ef } of listEfs(profile)) {
    const where = pathName(path);
    const section = sectionOf(ef, where);
    const value = sections[section];
    switch (ef.structure) {
      case 'tlv-records':
        images.set(where, { records: encodeFullTlvFile(ef, (value as FieldValues | undefined) ?? {}, opts) });
        break;
      case 'linear-fixed': {
        const slots = listOf(value);
        const count = ef.recordCount ?? 0;
        if (slots.length > count) throw tooMany(section, count);
        const flags = Array.from({ length: count }, (_, i): IndexFlag => (slots[i] ? '00' : 'FF'));
        images.set(where, { records: encodeIndexFile(flags) });
        break;
      }
      case 'cyclic': {
        const items = listOf(value);
        const count = ef.recordCount ?? 0;
        if (items.length > count) throw tooMany(section, count);
        const layout = requireLayout(ef, where);
        images.set(where, { records: items.map((it) => encodeRecord(layout, it ?? {}, opts)) });
        break;
      }
      case 'transparent': {
        const binary = new Uint8Array(ef.size ?? 0);
        if (ef.slot !== undefined) {
          const rec = listOf(value)[ef.slot - 1];
          if (rec) binary.set(encodeRecord(requireLayout(ef, where), rec, opts));
        } else if (value && 'jpegBase64' in value && typeof value.jpegBase64 === 'string') {
          binary.set(
            encodePhotoFile(
              new Uint8Array(Buffer.from(value.jpegBase64, 'base64')),
              ef.contentLimit ?? ef.size,
            ),
          );
        }
        images.set(where, { binary });
        break;
      }
    }
  }
  return images;
}

/** JSON input is checked for shape: unknown sections and wrong kinds are errors, not silently dropped. */
function checkSections(profile: CardProfile, sections: Readonly<Record<string, SectionValue>>): void {
  const lists = new Set<string>();
  const known = new Set<string>(['profile']);
  for (const { ef } of listEfs(profile)) {
    if (!ef.section) continue;
    known.add(ef.section);
    if (ef.structure !== 'tlv-records' && !(ef.structure === 'transparent' && ef.slot === undefined))
      lists.add(ef.section);
  }
  for (const [name, value] of Object.entries(sections)) {
    if (!known.has(name))
      throw new CardDataError(
        'BAD_SECTION',
        name,
        `卡配置 ${profile.id} 没有此内容段 unknown section "${name}"`,
      );
    if (value === undefined || name === 'profile') continue;
    const isList = Array.isArray(value);
    const ok = lists.has(name)
      ? isList && value.every((v) => v === null || (typeof v === 'object' && !Array.isArray(v)))
      : !isList && typeof value === 'object' && value !== null;
    if (!ok)
      throw new CardDataError(
        'BAD_SECTION',
        name,
        lists.has(name) ? '须为对象数组 must be an array of objects (or null)' : '须为对象 must be an object',
      );
  }
}

function requireLayout(ef: EfSpec, where: string) {
  if (!ef.layout)
    throw new CardDataError('UNKNOWN_FILE', where, '卡配置缺少记录布局 profile file has no layout');
  return ef.layout;
}

const isAllZeroHex = (hex: string | undefined): boolean => hex !== undefined && /^0*$/.test(hex);

/** Decodes per-file images into CardContents. A missing image reads as an empty file. */
export function fileImagesToContents(
  profile: CardProfile,
  images: ReadonlyMap<string, FileImage>,
): CardContents {
  const out: Record<string, unknown> = { profile: profile.id };
  const efs = listEfs(profile);
  // Index flags first: an encounter slot is meaningful only while its flag is 00 (§3.4).
  const flags = new Map<string, IndexFlag[]>();
  for (const { path, ef } of efs)
    if (ef.structure === 'linear-fixed')
      flags.set(
        sectionOf(ef, pathName(path)),
        decodeIndexFile(
          images.get(pathName(path))?.records ??
            Array.from({ length: ef.recordCount ?? 0 }, () => Uint8Array.of(0xff)),
        ),
      );
  for (const [section, f] of flags) out[section] = f.map(() => null);

  for (const { path, ef } of efs) {
    const where = pathName(path);
    const section = sectionOf(ef, where);
    const image = images.get(where) ?? {};
    switch (ef.structure) {
      case 'tlv-records':
        out[section] = image.records
          ? decodeTlvFile(ef, image.records)
          : Object.fromEntries((ef.elements ?? []).map((e) => [e.key, '']));
        break;
      case 'cyclic':
        out[section] = (image.records ?? []).map((r) => decodeRecord(requireLayout(ef, where), r));
        break;
      case 'transparent':
        if (ef.slot !== undefined) {
          if (flags.get(section)?.[ef.slot - 1] !== '00' || !image.binary) break;
          const layout = requireLayout(ef, where);
          const rec = decodeRecord(layout, image.binary.subarray(0, layout.totalLength));
          for (const f of layout.fields) if (f.role === 'sig' && isAllZeroHex(rec[f.key])) delete rec[f.key];
          (out[section] as unknown[])[ef.slot - 1] = rec;
        } else if (image.binary) {
          const jpeg = decodePhotoFile(image.binary, ef.contentLimit ?? ef.size);
          if (jpeg) out[section] = { jpegBase64: Buffer.from(jpeg).toString('base64') };
        }
        break;
      case 'linear-fixed':
        break; // decoded above
    }
  }
  return out as unknown as CardContents;
}
