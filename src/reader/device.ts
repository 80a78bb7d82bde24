// A physical or virtual reader as the library needs it: a user-card slot and a SAM slot, each a
// CardConnection, plus insert/remove events. Transports (in-memory, PC/SC, transcript) implement this.
import type { CardConnection } from '../card/transport.ts';

export type CardEvent = { type: 'inserted'; reader: string } | { type: 'removed'; reader: string };

export interface ReaderDevice {
  /** Reader name (PC/SC name, or 'memory'). */
  readonly name: string;
  /** Connects the user-card slot; rejects with ReaderError NO_CARD when no card is present. */
  connectCard(): Promise<CardConnection>;
  /** Connects the SAM slot; rejects with ReaderError NO_READER / SAM_NOT_READY when there is none. */
  connectSam(): Promise<CardConnection>;
  /** True when a card is in the field right now (without connecting). */
  cardPresent(): Promise<boolean>;
  /** Reader serial number (IReader_GetDeviceCSN), when the device has one. */
  serialNumber(): Promise<string>;
  /** Subscribes to insert/remove events; returns the unsubscribe function. */
  onCardEvent(listener: (e: CardEvent) => void): () => void;
  close(): Promise<void>;
}

/** Small event helper shared by the device implementations. */
export class CardEventHub {
  private readonly listeners = new Set<(e: CardEvent) => void>();
  on(listener: (e: CardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: CardEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
}
