// Public entry point of the crypto layer: SM2/SM3/SM4, the card's MAC and key-derivation formulas, master
// keys, certificates and chains, record signatures, SAM PKI and demo key material, key files, errors.
// Everything above crypto (cos, reader, platform, apps) imports from here.
export * from './errors.ts';
export * from './sm3.ts';
export * from './sm4.ts';
export * from './mac.ts';
export * from './sm2.ts';
export * from './master-keys.ts';
export * from './cert-layouts.ts';
export { signedPart, type CertValue } from './cert-codec.ts';
export * from './certificates.ts';
export * from './cert-chain.ts';
export * from './record-signature.ts';
export * from './sam-pki.ts';
export * from './key-file.ts';
export * from './key-file-store.ts';
