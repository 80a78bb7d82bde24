// Finds files and keys in the card profile (the card image is data: FIDs, access rules and key table are
// looked up here, never written into the reader's code).
import type { CardProfile, DfSpec, EfSpec, KeySpec, RecordLayout, TlvElementSpec } from '../card/image.ts';
import { ReaderError } from './errors.ts';

export interface EfLocation {
  /** FIDs of the DFs from MF down to the EF's parent, e.g. [0x3F00, 0xDDF1, 0xDF01]. */
  readonly dfPath: readonly number[];
  readonly df: DfSpec;
  readonly ef: EfSpec;
  /** 'DDF1/DF01/EF05' (MF omitted). */
  readonly name: string;
}

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

export function efLocations(profile: CardProfile): EfLocation[] {
  const out: EfLocation[] = [];
  const walk = (df: DfSpec, path: number[]) => {
    for (const child of df.children) {
      if (child.kind === 'df') walk(child, [...path, child.fid]);
      else out.push({ dfPath: path, df, ef: child, name: [...path.slice(1), child.fid].map(hex4).join('/') });
    }
  };
  walk(profile.mf, [profile.mf.fid]);
  return out;
}

const cache = new WeakMap<CardProfile, EfLocation[]>();
function all(profile: CardProfile): EfLocation[] {
  let v = cache.get(profile);
  if (!v) cache.set(profile, (v = efLocations(profile)));
  return v;
}

/** The EF `efFid` inside the DF `dfFid` (e.g. 0xDF01, 0xEF05). */
export function locate(profile: CardProfile, dfFid: number, efFid: number): EfLocation {
  const loc = all(profile).find((l) => l.df.fid === dfFid && l.ef.fid === efFid);
  if (!loc)
    throw new ReaderError('FILE_NOT_FOUND', {
      detail: `${hex4(dfFid)}/${hex4(efFid)} not in profile ${profile.id}`,
    });
  return loc;
}

export function locateByName(profile: CardProfile, name: string): EfLocation {
  const loc = all(profile).find((l) => l.name === name.toUpperCase());
  if (!loc) throw new ReaderError('FILE_NOT_FOUND', { detail: `${name} not in profile ${profile.id}` });
  return loc;
}

export function allLocations(profile: CardProfile): readonly EfLocation[] {
  return all(profile);
}

export function keyByName(profile: CardProfile, name: string): KeySpec {
  const k = profile.keys.find((x) => x.name === name);
  if (!k)
    throw new ReaderError('BAD_PARAMETER', {
      detail: `key ${name} missing from the key table of ${profile.id}`,
    });
  return k;
}

/** The secure-messaging key held by a DF (STK_DDF1, STK_DF01 …). */
export function smKeyOfDf(profile: CardProfile, dfFid: number): KeySpec {
  const k = profile.keys.find((x) => x.df === dfFid && x.usage === 'secure-messaging');
  if (!k) throw new ReaderError('BAD_PARAMETER', { detail: `no STK for DF ${hex4(dfFid)}` });
  return k;
}

/** A TLV element by its tag (= item number 1–57) anywhere in the profile. */
export function elementByTag(
  profile: CardProfile,
  tag: number,
): { loc: EfLocation; element: TlvElementSpec; record: number } | undefined {
  for (const loc of all(profile)) {
    const i = loc.ef.elements?.findIndex((e) => e.tag === tag) ?? -1;
    if (i >= 0) return { loc, element: loc.ef.elements![i], record: i + 1 };
  }
  return undefined;
}

export function elementByApi(
  profile: CardProfile,
  api: string,
): { loc: EfLocation; element: TlvElementSpec; record: number } {
  for (const loc of all(profile)) {
    const i = loc.ef.elements?.findIndex((e) => e.api === api) ?? -1;
    if (i >= 0) return { loc, element: loc.ef.elements![i], record: i + 1 };
  }
  throw new ReaderError('BAD_PARAMETER', { detail: `element ${api} not in profile ${profile.id}` });
}

/** Encounter record files (transparent EFs of the section 'inpatient' / 'outpatient'), ordered by slot. */
export function encounterFiles(profile: CardProfile, section: 'inpatient' | 'outpatient'): EfLocation[] {
  return all(profile)
    .filter((l) => l.ef.structure === 'transparent' && l.ef.section === section && l.ef.slot !== undefined)
    .sort((x, y) => x.ef.slot! - y.ef.slot!);
}

/** The index file (有效标志, linear-fixed 1-byte records) of the same section. */
export function indexFileFor(profile: CardProfile, section: 'inpatient' | 'outpatient'): EfLocation {
  const loc = all(profile).find((l) => l.ef.structure === 'linear-fixed' && l.ef.section === section);
  if (!loc) throw new ReaderError('FILE_NOT_FOUND', { detail: `no ${section} index file in ${profile.id}` });
  return loc;
}

/** The EF of a CardContents section ('issuer', 'holder', 'photo', …) that has exactly one file. */
export function fileOfSection(profile: CardProfile, section: string): EfLocation {
  const locs = all(profile).filter((l) => l.ef.section === section && l.ef.structure !== 'linear-fixed');
  if (locs.length !== 1)
    throw new ReaderError('FILE_NOT_FOUND', { detail: `section ${section} in ${profile.id}` });
  return locs[0];
}

export function layoutOf(loc: EfLocation): RecordLayout {
  if (!loc.ef.layout) throw new ReaderError('BAD_PARAMETER', { detail: `${loc.name} has no record layout` });
  return loc.ef.layout;
}
