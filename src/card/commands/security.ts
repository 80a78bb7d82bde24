// Security commands of the user card (card-format.md §6.2, §7.3–§7.5) and GET RESPONSE.
import { command } from '../apdu.ts';
import type { ApduFailure, CardCommand } from './command.ts';

/** GET CHALLENGE `00 84 00 00 Le`. */
export function getChallenge(le = 8): CardCommand {
  return {
    name: 'GET CHALLENGE',
    apdu: command(0x00, 0x84, 0x00, 0x00, undefined, le),
    statusWords: { OK: 'ok', BYTES_AVAILABLE: 'get-response' },
    otherwise: 'CARD_ERROR',
  };
}

/** EXTERNAL AUTHENTICATE `00 82 00 keyId Lc cryptogram(8) ‖ authData(8) ‖ version`. */
export function externalAuthenticate(cardKeyId: number, data: Uint8Array): CardCommand {
  return {
    name: 'EXTERNAL AUTHENTICATE',
    apdu: command(0x00, 0x82, 0x00, cardKeyId, data),
    statusWords: { OK: 'ok' },
    otherwise: 'AUTH_FAILED',
  };
}

/** INTERNAL AUTHENTICATE `00 88 00 keyId Lc random(8) ‖ authData(8) ‖ version [Le]`. */
export function internalAuthenticate(cardKeyId: number, data: Uint8Array, le?: number): CardCommand {
  return {
    name: 'INTERNAL AUTHENTICATE',
    apdu: command(0x00, 0x88, 0x00, cardKeyId, data, le),
    statusWords: { OK: 'ok', BYTES_AVAILABLE: 'get-response' },
    otherwise: 'AUTH_FAILED',
  };
}

/** GET RESPONSE `00 C0 00 00 Le` after 61 xx; a failure is reported as the failure of the command it follows. */
export function getResponse(le: number, otherwise: ApduFailure = 'CARD_ERROR'): CardCommand {
  return {
    name: 'GET RESPONSE',
    apdu: command(0x00, 0xc0, 0x00, 0x00, undefined, le),
    statusWords: { OK: 'ok' },
    otherwise,
  };
}
