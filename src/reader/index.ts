// Public entry point of the reader layer: the reader and its devices (memory, PC/SC), the health-card
// operations and the standard iR_/iW_ API over them, file values and views, the error catalogue.
export * from './channel.ts';
export * from './device.ts';
export * from './errors.ts';
export * from './files.ts';
export * from './locate.ts';
export * from './operations.ts';
export * from './reader.ts';
export * from './secure-channel.ts';
export * from './standard-api.ts';
export * from './transports/memory.ts';
export * from './transports/pcsc.ts';
export * from './transports/transcript.ts';
export * from './views.ts';
export * from './whole-card.ts';
