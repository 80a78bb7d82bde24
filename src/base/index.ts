// Public entry point of the base layer: injected time and randomness, the error-catalogue shape.
export * from './runtime.ts';
export * from './errors.ts';
