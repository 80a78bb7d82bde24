// Turns the card model's codec errors (CardDataError: field too long, not digits, bad date…) into the reader's
// coded BAD_PARAMETER error, keeping the field name and the reason.
import { ReaderError } from './errors.ts';

export function cardDataError(e: unknown, field?: string): ReaderError {
  if (e instanceof ReaderError) return e;
  const err = e as { code?: string; field?: string; message?: string };
  return new ReaderError('BAD_PARAMETER', {
    field: err.field ?? field,
    detail: [err.code, err.message].filter(Boolean).join(': '),
    cause: e,
  });
}
