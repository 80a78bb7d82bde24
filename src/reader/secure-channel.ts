// Secure messaging of the user card (card-format.md §6.3, §7.3) written once, as a wrapper over the card
// channel (after OpenHealth-Core's SecureChannel decorator): a ProcessKey is a fresh card challenge the SAM
// diversifies with the named key (80 DE); the SecureChannel sends a plain command object in its SM form.
import { command, toHex } from '../card/apdu.ts';
import { getChallenge, type CardCommand } from '../card/commands/index.ts';
import type { KeySpec } from '../card/image.ts';
import { padIso } from '../crypto/index.ts';
import type { ApduChannel, CommandChannel, ExecuteContext } from './channel.ts';
import { ReaderError } from './errors.ts';
import { concat, type SamClient } from './sam-client.ts';

/** The diversification factors of the card in the field (§7.3). */
export interface CardFactors {
  readonly cardFactor: Uint8Array;
  readonly cityFactor: Uint8Array;
}

/**
 * A process key: GET CHALLENGE on the card, then the SAM derives the key from the card key and that challenge.
 * Each SAM operation under it sends its own 80 DE first (the sequence the deployed flows and our transcripts hold).
 */
export class ProcessKey {
  /** The key version used: the lowest the profile lists. */
  readonly version: number;

  private constructor(
    private readonly sam: SamClient,
    private readonly key: KeySpec,
    private readonly factors: CardFactors,
    readonly challenge: Uint8Array,
  ) {
    this.version = Math.min(...key.versions);
  }

  static async open(
    card: ApduChannel,
    sam: SamClient,
    key: KeySpec,
    factors: CardFactors,
  ): Promise<ProcessKey> {
    const challenge = await card.execute(getChallenge(8));
    if (challenge.length !== 8) throw new ReaderError('CARD_ERROR', { detail: 'challenge length' });
    return new ProcessKey(sam, key, factors, challenge);
  }

  /** 80 DE + 80 FA 00 00: SM4-ECB of `plain` under the process key. */
  async encrypt(plain: Uint8Array): Promise<Uint8Array> {
    await this.derive();
    return this.sam.encrypt(plain);
  }

  /** 80 DE + 80 FA 05 00: the 4-byte MAC over IV 0 ‖ `data` (padded by the caller). */
  async mac(data: Uint8Array): Promise<Uint8Array> {
    await this.derive();
    return this.sam.mac(concat(new Uint8Array(16), data));
  }

  private derive(): Promise<void> {
    const { cardFactor, cityFactor } = this.factors;
    return this.sam.keySetup(this.key, this.version, cardFactor, cityFactor, this.challenge);
  }
}

/**
 * Sends commands with secure messaging under `key` (the DF's STK): CLA gets the SM bit (00 → 04, 80 → 84); a
 * command with data sends E(padIso(L ‖ data)) ‖ MAC, one without data sends the MAC alone; the MAC covers
 * padIso(header ‖ Lc ‖ cipher). Every command gets a fresh process key. `log` sees headers only, never data.
 */
export class SecureChannel implements CommandChannel {
  constructor(
    private readonly card: ApduChannel,
    private readonly sam: SamClient,
    private readonly factors: CardFactors,
    private readonly key: KeySpec,
    private readonly log?: (line: string) => void,
  ) {}

  async execute(plain: CardCommand, ctx: ExecuteContext = {}): Promise<Uint8Array> {
    const { cla, ins, p1, p2, data, le } = plain.apdu;
    const header = Uint8Array.of(cla | 0x04, ins, p1, p2);
    const pk = await ProcessKey.open(this.card, this.sam, this.key, this.factors);
    let body: Uint8Array;
    if (data.length > 0) {
      const cipher = await pk.encrypt(padIso(concat(Uint8Array.of(data.length), data)));
      const mac = await pk.mac(padIso(concat(header, Uint8Array.of(cipher.length + 4), cipher)));
      body = concat(cipher, mac);
    } else body = await pk.mac(padIso(concat(header, Uint8Array.of(4))));
    this.log?.(`${plain.name} ${toHex(header)} SM ${this.key.name}${data.length > 0 ? ' enc+MAC' : ' MAC'}`);
    return this.card.execute({ ...plain, apdu: command(header[0], ins, p1, p2, body, le) }, ctx);
  }
}
