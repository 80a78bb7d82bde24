// The persistent state of one virtual user card (what a chip keeps in NVM) and personalisation, which
// builds it from a profile, file images and the master keys (card-format.md §7.2–§7.3).
import type { CardProfile, EfSpec } from '../../card/image.ts';
import { cityFactor } from '../../card/factors.ts';
import { deriveAllCardKeys, type MasterKeySet } from '../../crypto/index.ts';
import { PersonalisationError } from '../errors.ts';
import { FileMemory } from './nvm.ts';
import { ProfileTree } from './tree.ts';

/** Content of one EF as the card-profile layer hands it over (records for record files, else binary). */
export interface FileImage {
  records?: Uint8Array[];
  binary?: Uint8Array;
}

export type Lifecycle = 'personalisation' | 'issued';
export type BlockState = 'temporary' | 'permanent';

export interface CardState {
  readonly profile: CardProfile;
  /** The 8 historical bytes: chip maker (2) ‖ card maker (2) ‖ serial (4); the card factor (§7.2). */
  readonly historicalBytes: Uint8Array;
  readonly applicationCityCode: string;
  lifecycle: Lifecycle;
  cardBlocked: boolean;
  /** Blocked applications by DF path name ('DDF1/DF01'). */
  readonly appBlocks: Map<string, BlockState>;
  /** Per-card keys, `${keyName}:${version}` → 16 bytes (K_card of §7.3). */
  readonly keys: Map<string, Uint8Array>;
  /** Tries left per authentication key name (§7.1); absent = the profile's full limit. */
  readonly retries: Map<string, number>;
  readonly memory: FileMemory;
}

export const cardKeySlot = (name: string, version: number): string => `${name}:${version}`;

/** The unset content of an EF (card-format.md §3.4): TLV records T ‖ L ‖ pad, an/b 00, cn FF. */
export function blankContent(tree: ProfileTree, ef: EfSpec): Uint8Array {
  const out = new Uint8Array(tree.fileSize(ef));
  if (ef.structure === 'tlv-records') {
    let off = 0;
    for (const e of ef.elements ?? []) {
      out[off] = e.tag;
      out[off + 1] = e.length;
      out.fill(e.format === 'cn' ? 0xff : 0x00, off + 2, off + 2 + e.length);
      off += 2 + e.length;
    }
  } else if (ef.structure === 'linear-fixed') {
    out.fill(ef.initialRecordByte ?? 0x00);
  } else if (ef.structure === 'cyclic' && ef.layout && ef.recordSize) {
    for (let r = 0; r < (ef.recordCount ?? 0); r++)
      for (const f of ef.layout.fields)
        if (f.format === 'cn')
          out.fill(0xff, r * ef.recordSize + f.offset, r * ef.recordSize + f.offset + f.length);
  }
  return out;
}

/** Flattens a file image into the card's byte layout, checking every size against the profile. */
export function imageToBytes(tree: ProfileTree, path: string, ef: EfSpec, image: FileImage): Uint8Array {
  const size = tree.fileSize(ef);
  if (ef.structure === 'transparent') {
    if (!image.binary) throw new PersonalisationError(path, 'transparent file needs `binary`');
    if (image.binary.length > size)
      throw new PersonalisationError(
        path,
        `binary content ${image.binary.length} B exceeds the file size ${size} B`,
      );
    const out = new Uint8Array(size);
    out.set(image.binary, 0);
    return out;
  }
  if (!image.records) throw new PersonalisationError(path, 'record file needs `records`');
  const sizes = tree.recordSizes(ef);
  if (image.records.length > sizes.length)
    throw new PersonalisationError(path, `${image.records.length} records, the file has ${sizes.length}`);
  const out = blankContent(tree, ef);
  let off = 0;
  sizes.forEach((recordSize, i) => {
    const rec = image.records?.[i];
    if (rec) {
      if (rec.length !== recordSize)
        throw new PersonalisationError(
          `${path} record ${i + 1}`,
          `${rec.length} B, the record holds ${recordSize} B`,
        );
      const element = ef.elements?.[i];
      if (element && (rec[0] !== element.tag || rec[1] !== element.length))
        throw new PersonalisationError(
          `${path} record ${i + 1}`,
          `TLV header must be tag ${element.tag} length ${element.length}`,
        );
      out.set(rec, off);
    }
    off += recordSize;
  });
  return out;
}

/** The inverse of imageToBytes (dumps and persistence). */
export function bytesToImage(tree: ProfileTree, ef: EfSpec, bytes: Uint8Array): FileImage {
  if (ef.structure === 'transparent') return { binary: bytes.slice() };
  const records: Uint8Array[] = [];
  let off = 0;
  for (const size of tree.recordSizes(ef)) {
    records.push(bytes.slice(off, off + size));
    off += size;
  }
  return { records };
}

export interface PersonaliseOptions {
  readonly profile: CardProfile;
  /** File images by path name ('DDF1/EF05'); files not given start blank (§3.4). */
  readonly images: ReadonlyMap<string, FileImage>;
  readonly masterKeys: MasterKeySet;
  /** 8 bytes: chip maker (2) ‖ card maker (2) ‖ serial (4). */
  readonly historicalBytes: Uint8Array;
  /** 应用城市代码, 6 digits (its province digits form the city factor). */
  readonly applicationCityCode: string;
  /** End personalisation right away (as END PERSONALISATION would). */
  readonly lock?: boolean;
}

export function personaliseCard(opts: PersonaliseOptions): CardState {
  const tree = new ProfileTree(opts.profile);
  if (opts.historicalBytes.length !== 8)
    throw new PersonalisationError('historicalBytes', `must be 8 bytes, got ${opts.historicalBytes.length}`);
  if (!/^\d{6}$/.test(opts.applicationCityCode))
    throw new PersonalisationError('applicationCityCode', 'must be 6 digits (GB/T 2260)');
  for (const path of opts.images.keys()) {
    const node = tree.node(path);
    if (!node || node.kind !== 'ef')
      throw new PersonalisationError(path, `no such EF in profile ${opts.profile.id}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const { path, ef } of tree.efs()) {
    const image = opts.images.get(path);
    files.set(path, image ? imageToBytes(tree, path, ef, image) : blankContent(tree, ef));
  }
  const keys = new Map<string, Uint8Array>();
  const derived = deriveAllCardKeys(
    opts.profile,
    opts.masterKeys,
    opts.historicalBytes,
    cityFactor(opts.applicationCityCode),
  );
  for (const { spec, version, key } of derived) keys.set(cardKeySlot(spec.name, version), key);
  return {
    profile: opts.profile,
    historicalBytes: opts.historicalBytes.slice(),
    applicationCityCode: opts.applicationCityCode,
    lifecycle: opts.lock ? 'issued' : 'personalisation',
    cardBlocked: false,
    appBlocks: new Map(),
    keys,
    retries: new Map(),
    memory: new FileMemory(files),
  };
}
