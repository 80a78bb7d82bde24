// The one interface between the layers above the card (reader, apps) and whatever answers APDUs:
// the in-memory virtual card, PC/SC, a transcript replayer.
import type { CommandApdu, ResponseApdu } from './apdu.ts';

export interface Transport {
  /** Sends one command APDU and resolves with the card's answer (never rejects for a non-9000 SW). */
  transmit(command: CommandApdu): Promise<ResponseApdu>;
}

/** A transport for a card that can be powered: reset returns the ATR (PC/SC) bytes. */
export interface CardConnection extends Transport {
  reset(): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Raised by a transport when the card went away during an exchange (not a status word). */
export class CardRemovedError extends Error {
  readonly code = 'CARD_REMOVED';
}
