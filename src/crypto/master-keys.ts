// Master key sets and the per-card key derivation of card-format.md §7.3. A master key set lives only in
// the (virtual) SAM and the key front-end; personalisation writes the derived per-card keys into the card.
// Keys are never printed or logged: MasterKeySet has no toString/JSON that exposes them by accident.
import { createHash, randomBytes } from 'node:crypto';
import type { CardProfile, KeySpec } from '../card/image.ts';
import { diversify } from './mac.ts';

export interface MasterKeySet {
  readonly id: string;
  /** True for the published demo keys: never use them for real cards. */
  readonly isTestKeys: boolean;
  /** `${samIndex}:${version}` → 16-byte master key. */
  readonly keys: ReadonlyMap<string, Uint8Array>;
}

export const keySlot = (samIndex: number, version: number): string => `${samIndex}:${version}`;

export function masterKeyFor(set: MasterKeySet, spec: KeySpec, version: number): Uint8Array {
  const k = set.keys.get(keySlot(spec.samIndex, version));
  if (!k) throw new RangeError(`key set ${set.id} has no master key for ${spec.name} version ${version}`);
  return k;
}

/** K_card for one key and version: D(D(MK, city), card) for 2-level keys, D(MK, card) for 1-level keys. */
export function deriveCardKey(
  master: Uint8Array,
  spec: Pick<KeySpec, 'levels'>,
  cardFactor: Uint8Array,
  cityFactor: Uint8Array,
): Uint8Array {
  const base = spec.levels === 2 ? diversify(master, cityFactor) : master;
  return diversify(base, cardFactor);
}

/** Every (key, version) of the profile's key table with its derived per-card key. */
export function deriveAllCardKeys(
  profile: CardProfile,
  set: MasterKeySet,
  cardFactor: Uint8Array,
  cityFactor: Uint8Array,
): { spec: KeySpec; version: number; key: Uint8Array }[] {
  return profile.keys.flatMap((spec) =>
    spec.versions.map((version) => ({
      spec,
      version,
      key: deriveCardKey(masterKeyFor(set, spec, version), spec, cardFactor, cityFactor),
    })),
  );
}

function slotsOf(profile: CardProfile): { samIndex: number; version: number }[] {
  const seen = new Map<string, { samIndex: number; version: number }>();
  for (const spec of profile.keys)
    for (const version of spec.versions)
      seen.set(keySlot(spec.samIndex, version), { samIndex: spec.samIndex, version });
  return [...seen.values()];
}

/**
 * The published demo key set (测试密钥): each key is SM3("RHC DEMO TEST KEY — NOT FOR PRODUCTION" ‖ index ‖
 * version) cut to 16 bytes, so anyone can reproduce it. Only for tests, training and demos.
 */
export function demoMasterKeys(profile: CardProfile): MasterKeySet {
  const keys = new Map<string, Uint8Array>();
  for (const { samIndex, version } of slotsOf(profile)) {
    const h = createHash('sm3')
      .update(`RHC DEMO TEST KEY — NOT FOR PRODUCTION|${samIndex}|${version}`)
      .digest();
    keys.set(keySlot(samIndex, version), new Uint8Array(h.subarray(0, 16)));
  }
  return { id: 'rhc-demo-test-keys', isTestKeys: true, keys };
}

/** A fresh random master key set for every key slot of the profile. */
export function generateMasterKeys(profile: CardProfile, id: string): MasterKeySet {
  const keys = new Map<string, Uint8Array>();
  for (const { samIndex, version } of slotsOf(profile))
    keys.set(keySlot(samIndex, version), new Uint8Array(randomBytes(16)));
  return { id, isTestKeys: false, keys };
}
