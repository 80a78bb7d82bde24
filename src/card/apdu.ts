// ISO 7816-4 command and response APDUs. Short APDUs only: every command of the health card fits
// (largest data field is 0xC4 bytes; largest Le is 256, encoded as 00).

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (Lc is its length); empty when the command has no data field. */
  readonly data: Uint8Array;
  /** Expected response length; undefined = no Le field; 256 is encoded as 00. */
  readonly le?: number;
}

export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number; // SW1 << 8 | SW2
}

export class ApduFormatError extends Error {
  readonly code = 'APDU_FORMAT';
}

export function command(
  cla: number,
  ins: number,
  p1: number,
  p2: number,
  data: Uint8Array = new Uint8Array(0),
  le?: number,
): CommandApdu {
  for (const [name, v] of [
    ['CLA', cla],
    ['INS', ins],
    ['P1', p1],
    ['P2', p2],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new ApduFormatError(`${name} out of range: ${v}`);
  }
  if (data.length > 255) throw new ApduFormatError(`data field too long for a short APDU: ${data.length}`);
  if (le !== undefined && (!Number.isInteger(le) || le < 0 || le > 256))
    throw new ApduFormatError(`Le out of range: ${le}`);
  return { cla, ins, p1, p2, data, le };
}

/** Encodes a short command APDU (cases 1–4). */
export function encodeCommand(c: CommandApdu): Uint8Array {
  const parts: number[] = [c.cla, c.ins, c.p1, c.p2];
  if (c.data.length > 0) parts.push(c.data.length, ...c.data);
  if (c.le !== undefined) parts.push(c.le === 256 ? 0 : c.le);
  return Uint8Array.from(parts);
}

/**
 * Decodes a short command APDU. Throws ApduFormatError on a malformed one, so a card can answer
 * 67 00 instead of crashing. A 5-byte APDU is case 2 (Le), never case 3 with empty data.
 */
export function decodeCommand(bytes: Uint8Array): CommandApdu {
  if (bytes.length < 4) throw new ApduFormatError(`APDU shorter than 4 bytes (${bytes.length})`);
  const [cla, ins, p1, p2] = bytes;
  if (bytes.length === 4) return { cla, ins, p1, p2, data: new Uint8Array(0) };
  if (bytes.length === 5)
    return { cla, ins, p1, p2, data: new Uint8Array(0), le: bytes[4] === 0 ? 256 : bytes[4] };
  const lc = bytes[4];
  if (lc === 0) throw new ApduFormatError('extended-length APDUs are not supported');
  if (bytes.length === 5 + lc) return { cla, ins, p1, p2, data: bytes.slice(5, 5 + lc) };
  if (bytes.length === 6 + lc) {
    const le = bytes[5 + lc];
    return { cla, ins, p1, p2, data: bytes.slice(5, 5 + lc), le: le === 0 ? 256 : le };
  }
  throw new ApduFormatError(`Lc ${lc} does not match APDU length ${bytes.length}`);
}

export function encodeResponse(r: ResponseApdu): Uint8Array {
  const out = new Uint8Array(r.data.length + 2);
  out.set(r.data, 0);
  out[r.data.length] = r.sw >> 8;
  out[r.data.length + 1] = r.sw & 0xff;
  return out;
}

export function decodeResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new ApduFormatError(`R-APDU shorter than 2 bytes (${bytes.length})`);
  const n = bytes.length - 2;
  return { data: bytes.slice(0, n), sw: (bytes[n] << 8) | bytes[n + 1] };
}

export function response(sw: number, data: Uint8Array = new Uint8Array(0)): ResponseApdu {
  return { data, sw };
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean))
    throw new ApduFormatError(`not a hex string: ${hex}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}
