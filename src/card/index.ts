// Public entry point of the card layer: APDU types and codecs, status words, command objects, the card
// profiles and file layouts as data, the file models and codecs, card contents, transports' interfaces.
export * from './apdu.ts';
export * from './codecs.ts';
export * from './commands/index.ts';
export * from './contents.ts';
export * from './errors.ts';
export * from './factors.ts';
export * from './image.ts';
export * from './layouts/allergy.ts';
export * from './layouts/immunization.ts';
export * from './layouts/inpatient.ts';
export * from './layouts/outpatient.ts';
export * from './models/index.ts';
export * from './profiles/index.ts';
export * from './status-words.ts';
export * from './tlv.ts';
export * from './transport.ts';
