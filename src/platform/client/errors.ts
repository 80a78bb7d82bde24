// What a platform client call can fail with: the platform refused it (its catalogue code travels back in the
// problem body), or the platform could not be reached in time (the catalogue's 9002 UPSTREAM_UNAVAILABLE).
import { CodedError } from '../../base/errors.ts';
import type { ErrorEntry } from '../../base/errors.ts';
import { RhcError, errorByCode, errorEntry } from '../errors.ts';

/** The problem body every binding answers a refusal with (api/server.ts error handler). */
export interface ProblemBody {
  code?: string;
  name?: string;
  zh?: string;
  title?: string;
  detail?: string;
  field?: string;
  requestId?: string;
  status?: number;
}

/** The platform answered with a refusal: its code, symbol and message as the platform sent them. */
export class PlatformCallError extends CodedError {
  /** HTTP status of the answer. */
  readonly status: number;
  readonly requestId: string | undefined;
  readonly wireCode: string;
  readonly wireSymbol: string;

  constructor(status: number, body: ProblemBody, what: string) {
    const known = body.code ? errorByCode(body.code) : undefined;
    const entry: ErrorEntry = known ?? {
      ...errorEntry('INTERNAL'),
      code: body.code ?? String(status),
      symbol: body.name ?? 'UNKNOWN',
      en: body.title ?? `HTTP ${status}`,
      zh: body.zh ?? `HTTP ${status}`,
    };
    super(entry, {
      ...(body.field ? { field: body.field } : {}),
      detail: body.detail ?? entry.en,
    });
    this.name = 'PlatformCallError';
    this.status = status;
    this.requestId = body.requestId;
    this.wireCode = body.code ?? String(status);
    this.wireSymbol = body.name ?? entry.symbol;
    this.message = `${what}: ${this.wireCode} ${this.wireSymbol}${body.field ? ` [${body.field}]` : ''}: ${body.detail ?? entry.en}`;
  }

  override get code(): string {
    return this.wireCode;
  }

  override get symbol(): string {
    return this.wireSymbol;
  }
}

/** The platform did not answer (refused connection, reset, TLS failure, timeout): 9002, retry later. */
export class PlatformUnavailable extends RhcError {
  constructor(detail: string, opts: { cause?: unknown } = {}) {
    super('UPSTREAM_UNAVAILABLE', { detail, cause: opts.cause });
    this.name = 'PlatformUnavailable';
  }
}
