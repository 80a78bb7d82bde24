// Diversification inputs (card-format.md §7.2): the 8-byte card factor taken from the card's answer to
// reset, and the 8-byte city factor built from the first byte of 应用城市代码.

export type CardFactorRule = 'historical' | 'last8';

/**
 * Card factor from a PC/SC ATR. 'historical': the first 8 historical bytes (T0's low nibble gives their
 * count; interface bytes are skipped per ISO 7816-3). 'last8': the last 8 bytes before TCK, as a later DLL
 * variant does. For the RHC virtual card (`3B 88 80 01` ‖ 8 bytes ‖ TCK) both give the same bytes.
 */
export function cardFactorFromAtr(atr: Uint8Array, rule: CardFactorRule = 'historical'): Uint8Array {
  if (atr.length < 2) throw new RangeError('ATR too short');
  const t0 = atr[1];
  const k = t0 & 0x0f;
  let i = 2;
  let y = t0 >> 4;
  let protocolsOtherThanT0 = false;
  for (;;) {
    if (y & 1) i++; // TAi
    if (y & 2) i++; // TBi
    if (y & 4) i++; // TCi
    if (!(y & 8)) break;
    const td = atr[i++];
    if (td === undefined) throw new RangeError('ATR truncated in interface bytes');
    if ((td & 0x0f) !== 0) protocolsOtherThanT0 = true;
    y = td >> 4;
  }
  const historical = atr.slice(i, i + k);
  if (historical.length < k) throw new RangeError('ATR truncated in historical bytes');
  if (rule === 'historical') {
    if (k < 8) throw new RangeError(`ATR has ${k} historical bytes, the card factor needs 8`);
    return historical.slice(0, 8);
  }
  const end = protocolsOtherThanT0 ? atr.length - 1 : atr.length; // drop TCK when present
  if (end - 8 < 2) throw new RangeError('ATR too short for the last-8 rule');
  return atr.slice(end - 8, end);
}

/** City factor: ASCII of the two province digits of 应用城市代码 followed by six ASCII '0'. */
export function cityFactor(applicationCityCode: string): Uint8Array {
  if (!/^\d{6}$/.test(applicationCityCode))
    throw new RangeError(`应用城市代码 must be 6 digits: ${applicationCityCode}`);
  return new TextEncoder().encode(applicationCityCode.slice(0, 2) + '000000');
}

/** PC/SC ATR of a contactless card with 8 historical bytes, as the RHC virtual card answers. */
export function contactlessAtr(historical: Uint8Array): Uint8Array {
  if (historical.length !== 8) throw new RangeError('the RHC virtual card has exactly 8 historical bytes');
  const body = [0x3b, 0x88, 0x80, 0x01, ...historical];
  let tck = 0;
  for (let i = 1; i < body.length; i++) tck ^= body[i];
  return Uint8Array.from([...body, tck]);
}
