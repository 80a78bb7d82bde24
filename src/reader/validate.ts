// Turns the card model's codec errors (CardDataError: field too long, not digits, bad date…) into the reader's
// coded BAD_PARAMETER error, keeping the field name and the reason.
import { CodedError } from '../base/errors.ts';
import { ReaderError } from './errors.ts';

export function cardDataError(e: unknown, field?: string): ReaderError {
  if (e instanceof ReaderError) return e;
  const err = e as { field?: string; message?: string };
  // a card-layer error names its symbol and reason; anything else only has its message
  const reason = e instanceof CodedError ? [e.symbol, e.detail] : [err.message];
  return new ReaderError('BAD_PARAMETER', {
    field: err.field ?? field,
    detail: reason.filter(Boolean).join(': '),
    cause: e,
  });
}
