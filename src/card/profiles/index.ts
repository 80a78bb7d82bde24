// Card profiles and navigation over their file trees. Everything that needs a FID, a record size or a
// key id asks these helpers instead of hard-coding it.
import { CardDataError } from '../errors.ts';
import type { CardProfile, DfSpec, EfSpec, KeySpec, KeyUsage } from '../image.ts';
import { NATIONAL } from './national.ts';
import { SHAANXI_64K } from './shaanxi-64k.ts';

export { NATIONAL } from './national.ts';
export { SHAANXI_64K } from './shaanxi-64k.ts';

export const PROFILES: ReadonlyMap<string, CardProfile> = new Map([
  [NATIONAL.id, NATIONAL],
  [SHAANXI_64K.id, SHAANXI_64K],
]);

export const PROFILE_IDS: readonly string[] = [...PROFILES.keys()];

export function getProfile(id: string): CardProfile {
  const p = PROFILES.get(id);
  if (!p)
    throw new CardDataError(
      'UNKNOWN_PROFILE',
      'profile',
      `未知的卡配置 unknown card profile "${id}" (known: ${PROFILE_IDS.join(', ')})`,
    );
  return p;
}

export interface EfEntry {
  /** FIDs from the MF, e.g. [0x3F00, 0xDDF1, 0xDF01, 0xEF05]. */
  readonly path: readonly number[];
  /** The DF that directly contains the EF. */
  readonly df: DfSpec;
  readonly ef: EfSpec;
}

/** Every EF of the profile in tree order (depth first, children in declaration order). */
export function listEfs(profile: CardProfile): EfEntry[] {
  const out: EfEntry[] = [];
  const walk = (df: DfSpec, path: number[]): void => {
    for (const c of df.children) {
      if (c.kind === 'ef') out.push({ path: [...path, c.fid], df, ef: c });
      else walk(c, [...path, c.fid]);
    }
  };
  walk(profile.mf, [profile.mf.fid]);
  return out;
}

/** Every DF (including the MF) with its path. */
export function listDfs(profile: CardProfile): { path: readonly number[]; df: DfSpec }[] {
  const out: { path: readonly number[]; df: DfSpec }[] = [];
  const walk = (df: DfSpec, path: number[]): void => {
    out.push({ path, df });
    for (const c of df.children) if (c.kind === 'df') walk(c, [...path, c.fid]);
  };
  walk(profile.mf, [profile.mf.fid]);
  return out;
}

export function findDf(profile: CardProfile, fid: number): DfSpec | undefined {
  return listDfs(profile).find((d) => d.df.fid === fid)?.df;
}

export function findEf(profile: CardProfile, dfFid: number, efFid: number): EfSpec | undefined {
  const df = findDf(profile, dfFid);
  const ef = df?.children.find((c) => c.kind === 'ef' && c.fid === efFid);
  return ef?.kind === 'ef' ? ef : undefined;
}

/** The EF entry for a path name such as 'DDF1/DF01/EF05' (see pathName). */
export function findEfByPath(profile: CardProfile, name: string): EfEntry | undefined {
  return listEfs(profile).find((e) => pathName(e.path) === name);
}

export function findKey(profile: CardProfile, name: string): KeySpec | undefined {
  return profile.keys.find((k) => k.name === name);
}

/** Like findKey, but a missing key is a coded error (profile data inconsistent with its access rules). */
export function requireKey(profile: CardProfile, name: string): KeySpec {
  const k = findKey(profile, name);
  if (!k) throw new CardDataError('UNKNOWN_KEY', name, `卡配置 ${profile.id} 中没有密钥 key not in profile`);
  return k;
}

/**
 * The key a card command addresses by key id while `dfFid` is the current DF. Bit 8 set (8x) = a key of
 * the current DF; without it the key belongs to DDF1 (or, failing that, the MF) — ISO 7816-4 P2
 * convention, §7.1.
 */
export function findCardKey(
  profile: CardProfile,
  dfFid: number,
  cardKeyId: number,
  usage: KeyUsage,
): KeySpec | undefined {
  const match = (df: number) =>
    profile.keys.find((k) => k.df === df && k.cardKeyId === cardKeyId && k.usage === usage);
  const local = match(dfFid);
  if (local || cardKeyId & 0x80) return local;
  const ddf1 = listDfs(profile).find((d) => d.path.length === 2)?.df.fid; // the application under the MF
  return (ddf1 !== undefined ? match(ddf1) : undefined) ?? match(profile.mf.fid);
}

const hex4 = (fid: number): string => fid.toString(16).toUpperCase().padStart(4, '0');

/** 'DDF1/DF01/EF05' for [0x3F00, 0xDDF1, 0xDF01, 0xEF05]; the MF itself is left out. */
export function pathName(path: readonly number[]): string {
  return path.slice(1).map(hex4).join('/');
}

/** Payload bytes of one EF as the RHC virtual card allocates it (§2.2 notes). */
export function efPayloadBytes(ef: EfSpec): number {
  switch (ef.structure) {
    case 'tlv-records':
      return (ef.elements ?? []).reduce((n, e) => n + 2 + e.length, 0);
    case 'cyclic':
    case 'linear-fixed':
      return (ef.recordCount ?? 0) * (ef.recordSize ?? 0);
    case 'transparent':
      return ef.size ?? 0;
  }
}

/** Sum of all EF payloads (§2.4): must fit the profile's chip capacity. */
export function profilePayloadBytes(profile: CardProfile): number {
  return listEfs(profile).reduce((n, e) => n + efPayloadBytes(e.ef), 0);
}

export { findElementByTag, findItem, type ItemRef } from './items.ts';
