// The SAM PIN: digits held as text, sent as packed BCD (`12 34 56`; an odd digit count ends with nibble F),
// with a retry counter that survives resets (it is non-volatile on a real SAM).
import { SamConfigError } from '../errors.ts';

/** Digits of a BCD PIN, or undefined when a nibble is not a digit (trailing F allowed once, at the end). */
export function decodePinBcd(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  const hex = Buffer.from(bytes).toString('hex').toUpperCase();
  const digits = hex.endsWith('F') ? hex.slice(0, -1) : hex;
  return /^\d+$/.test(digits) ? digits : undefined;
}

export function encodePinBcd(pin: string): Uint8Array {
  checkPin(pin, 'pin');
  return Uint8Array.from(Buffer.from(pin.length % 2 ? pin + 'F' : pin, 'hex'));
}

export function checkPin(pin: string, field: string): void {
  if (!/^\d{4,12}$/.test(pin)) throw new SamConfigError(field, 'must be 4–12 decimal digits');
}

export type PinCheck = { ok: true } | { ok: false; blocked: boolean; triesLeft: number };

export class PinState {
  #pin: string;
  #triesLeft: number;

  constructor(
    pin: string,
    readonly retryLimit: number,
  ) {
    checkPin(pin, 'pin');
    if (!Number.isInteger(retryLimit) || retryLimit < 1 || retryLimit > 15)
      throw new SamConfigError('pinRetryLimit', 'must be 1…15 (it is reported in one nibble of 63 Cx)');
    this.#pin = pin;
    this.#triesLeft = retryLimit;
  }

  get triesLeft(): number {
    return this.#triesLeft;
  }

  get blocked(): boolean {
    return this.#triesLeft === 0;
  }

  /** Compares a candidate PIN; a success resets the counter, a failure decrements it. */
  check(candidate: string): PinCheck {
    if (this.blocked) return { ok: false, blocked: true, triesLeft: 0 };
    // constant-time over the longer of the two strings
    const a = candidate.padEnd(12, '#');
    const b = this.#pin.padEnd(12, '#');
    let diff = candidate.length ^ this.#pin.length;
    for (let i = 0; i < 12; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    if (diff === 0) {
      this.#triesLeft = this.retryLimit;
      return { ok: true };
    }
    this.#triesLeft--;
    return { ok: false, blocked: false, triesLeft: this.#triesLeft };
  }

  change(next: string): void {
    checkPin(next, 'newPin');
    this.#pin = next;
  }
}
