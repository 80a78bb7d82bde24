// Turns any thrown error into a catalogue entry + details, the same for every binding.
import { CodedError } from '../../base/errors.ts';
import { RhcError, errorEntry, isPublished } from '../errors.ts';
import type { ErrorEntry } from '../errors.ts';
import { issueToError } from './validation.ts';
import type { IssueLike } from './validation.ts';

export interface Problem {
  entry: ErrorEntry;
  field?: string;
  detail: string;
  /** Seconds for a `Retry-After` header (throttled sign-ins). */
  retryAfterSeconds?: number;
  /** Unexpected failure: log it (the client gets 9001 without internals). */
  internal?: unknown;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: {
    keyword: string;
    instancePath: string;
    message?: string;
    params?: Record<string, unknown>;
  }[];
}

const entry = errorEntry;

export function toProblem(err: unknown): Problem {
  // platform refusals and the published codes of the layers below (an unknown code table) alike
  if (err instanceof CodedError && isPublished(err.entry))
    return {
      entry: err.entry,
      ...(err.field ? { field: err.field } : {}),
      detail: err.detail ?? err.entry.en,
      ...(err instanceof RhcError && err.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: err.retryAfterSeconds }
        : {}),
    };
  const e = (err ?? {}) as FastifyLikeError;
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const v = e.validation[0]!;
    const issue: IssueLike = {
      code: v.keyword,
      path: v.instancePath.split('/').filter(Boolean),
      message: v.message ?? '',
      ...(Array.isArray(v.params?.keys) ? { keys: v.params.keys as string[] } : {}),
    };
    return toProblem(issueToError(issue));
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { entry: entry('MESSAGE_PARSE'), detail: 'request body exceeds the size limit' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { entry: entry('MESSAGE_PARSE'), detail: 'unsupported content type (use application/json)' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { entry: entry('FIELD_MISSING'), field: 'body', detail: 'empty body' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { entry: entry('MESSAGE_PARSE'), detail: 'malformed JSON body' };
  }
  if (err instanceof SyntaxError || e.statusCode === 400)
    return { entry: entry('MESSAGE_PARSE'), detail: 'malformed request' };
  return { entry: entry('INTERNAL'), detail: 'internal error', internal: err };
}

/** HTTP status of a problem (413/415 for size and media type, else the catalogue's). */
export function httpStatusOf(err: unknown, p: Problem): number {
  const code = (err as FastifyLikeError | undefined)?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 413;
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 415;
  return p.entry.http;
}
