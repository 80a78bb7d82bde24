// Maps schema failures of any binding to catalogue codes: a missing field → 1001, anything else wrong
// with a field → 1002, both naming the field (dotted path).
import type { z } from 'zod';
import { RhcError } from '../errors.ts';

export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  keys?: readonly string[];
}

export function issueToError(issue: IssueLike): RhcError {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys?.[0] ?? '';
    return new RhcError('FIELD_FORMAT', {
      field: path ? `${path}.${key}` : key,
      detail: `unknown field ${key}`,
    });
  }
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
    return new RhcError('FIELD_MISSING', { field: path || 'body', detail: `${path || 'body'} is required` });
  return new RhcError('FIELD_FORMAT', { field: path || 'body', detail: issue.message });
}

/** Validates with the interface schema; throws the coded error of the first issue. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw issueToError(r.error.issues[0]! as IssueLike);
  return r.data as z.infer<S>;
}
