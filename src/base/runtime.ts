// Injected time and randomness (ARCHITECTURE.md conventions): card sessions, transcripts and tests pass
// their own Clock/Random so that runs are reproducible.
import { randomBytes } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export interface Random {
  bytes(n: number): Uint8Array;
}

export const systemClock: Clock = { now: () => new Date() };

export const systemRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };

export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}

/** Deterministic Random for tests and transcript replay (xorshift32; not for keys). */
export function seededRandom(seed: number): Random {
  let x = seed >>> 0 || 0x9e3779b9;
  return {
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        out[i] = x & 0xff;
      }
      return out;
    },
  };
}

/** Random that hands out pre-recorded values in order (transcript replay), then fails loudly. */
export function replayRandom(values: readonly Uint8Array[]): Random {
  let i = 0;
  return {
    bytes(n) {
      const v = values[i++];
      if (!v) throw new Error('replayRandom: no recorded random value left');
      if (v.length !== n) throw new Error(`replayRandom: recorded ${v.length} bytes, asked for ${n}`);
      return v.slice();
    },
  };
}
