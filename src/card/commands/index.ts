// Command objects of the user card and the SAM: each builds its APDU and carries its own status-word map.
export * from './command.ts';
export * from './file.ts';
export * from './security.ts';
export * from './sam.ts';
