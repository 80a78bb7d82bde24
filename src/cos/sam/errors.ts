// Coded errors for bad SAM configuration (constructor input, key files). APDU-level problems are never
// exceptions: they are status words.

export class SamConfigError extends Error {
  readonly code = 'SAM_CONFIG';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
