// What the library knows about the card during one presentation (power-on to removal): ATR, card and
// city factors, the selected DF/EF and the rights granted in that DF. Invalidated on removal or reset, so
// every operation sends only the SELECTs and authentications the card state actually requires.

export class CardSession {
  /** DF path currently selected (MF first); undefined = unknown, the next select starts at MF. */
  dfPath: readonly number[] | undefined;
  /** EF currently selected inside dfPath. */
  efFid: number | undefined;
  /** Keys whose EXTERNAL AUTHENTICATE succeeded in the current DF (§2.3: cleared on DF change). */
  readonly granted = new Set<string>();
  /** READ BINARY Le the card accepted (learnt from 6C xx / 67 00 answers). */
  readChunk: number;
  /** Whether the card selects a sibling DF directly (learnt on first use; undefined = not tried yet). */
  siblingSelect: boolean | undefined;
  /** DDF1/EF05 values needed for record signing, read once per presentation (raw bytes as stored). */
  identity?: { cardNumber: Uint8Array; chipSerial: Uint8Array };
  private alive = true;

  constructor(
    readonly atr: Uint8Array,
    readonly cardFactor: Uint8Array,
    readonly cityCode: string,
    readonly cityFactor: Uint8Array,
    dfPath: readonly number[],
    efFid: number | undefined,
    readChunk: number,
  ) {
    this.dfPath = dfPath;
    this.efFid = efFid;
    this.readChunk = readChunk;
  }

  get valid(): boolean {
    return this.alive;
  }

  invalidate(): void {
    this.alive = false;
    this.granted.clear();
    this.dfPath = undefined;
    this.efFid = undefined;
    this.identity = undefined;
  }

  /** Records that the card now has `dfPath` selected; rights of the previous DF are gone if it changed. */
  enteredDf(dfPath: readonly number[]): void {
    const same =
      this.dfPath && this.dfPath.length === dfPath.length && this.dfPath.every((f, i) => f === dfPath[i]);
    if (!same) this.granted.clear();
    this.dfPath = dfPath;
    this.efFid = undefined;
  }

  /** After a failed SELECT the card's position is unknown: start from MF next time. */
  lost(): void {
    this.dfPath = undefined;
    this.efFid = undefined;
    this.granted.clear();
  }
}
