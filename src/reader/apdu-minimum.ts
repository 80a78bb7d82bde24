// The fewest APDUs the spec's flows allow for the benchmarked operations, computed from the profile's data
// (file sizes, record counts, access rules) — independent of how the library walks the card, so the benchmark
// and docs/reader-apdus.md can compare the measured counts with it.
import type { CardProfile } from '../card/image.ts';
import { allLocations, encounterFiles } from './locate.ts';

const AUTH_CARD = 2; // GET CHALLENGE + EXTERNAL AUTHENTICATE
const AUTH_SAM = 3; // 80 DE + 80 FA + GET RESPONSE

export interface ApduBudget {
  card: number;
  sam: number;
}

/** Writing one signed encounter record into a free slot, card already powered (DDF1/EF05 selected). */
export function minimumEncounterWrite(
  profile: CardProfile,
  section: 'inpatient' | 'outpatient',
  samCertCached: boolean,
): ApduBudget {
  const file = encounterFiles(profile, section)[0].ef;
  const chunk = profile.options.transparentChunk;
  const card =
    2 + // card number + chip serial for the signed message (§7.6)
    1 + // SELECT DF03 (child of DDF1)
    1 + // SELECT index EF
    AUTH_CARD + // RK1_DF03
    1 + // READ RECORD of the first (free) index record
    1 + // SELECT EE0n / ED0n
    AUTH_CARD + // UK1_DF03
    Math.ceil((file.size ?? 0) / chunk) + // UPDATE BINARY: data ‖ signature ‖ SAM certificate
    1 + // SELECT index EF again
    1; // WRITE RECORD
  const sam =
    2 * AUTH_SAM + 2 /* 80 CE + GET RESPONSE */ + (samCertCached ? 0 : 2); /* SELECT + READ BINARY 001C */
  return { card, sam };
}

/**
 * Reading every file of a fully written card after power-on (DDF1/EF05 selected): every record once, every
 * transparent file in READ BINARY chunks of `readChunk`, one SELECT per EF and per DF entered, one RK per
 * protected DF.
 */
export function minimumFullRead(profile: CardProfile, readChunk: number, photoBytes: number): ApduBudget {
  let card = 0;
  const dfs = new Set<number>();
  const rks = new Set<string>();
  for (const loc of allLocations(profile)) {
    const ef = loc.ef;
    card += 1; // SELECT
    dfs.add(loc.df.fid);
    if (ef.access.read.right !== 'always') rks.add(ef.access.read.right);
    if (ef.structure === 'tlv-records') card += ef.elements?.length ?? 0;
    else if (ef.structure === 'cyclic' || ef.structure === 'linear-fixed') card += ef.recordCount ?? 0;
    else if (ef.layout) card += Math.ceil(ef.layout.totalLength / readChunk);
    else card += Math.ceil(Math.max(photoBytes, 1) / readChunk);
  }
  card -= 1; // DDF1/EF05 is selected by power-on
  card += dfs.size - 1; // DDF1 is selected by power-on
  card += rks.size * AUTH_CARD;
  return { card, sam: rks.size * AUTH_SAM };
}
