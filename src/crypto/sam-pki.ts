// The PKI material a SAM holds (its SM2 key and the issuer and SAM certificates), building a root → issuer →
// SAM hierarchy, and the published demo PKI with the demo SAM PIN (测试密钥 — reproducible by anyone, never
// for real cards).
import { issueIssuerCertificate, issueSamCertificate, type IssueOptions } from './certificates.ts';
import { sm2KeyPairFromLabel, type Sm2KeyPair } from './sm2.ts';

/** What a (virtual) SAM holds: its SM2 key and the two certificates it serves from DF01/001B–001C. */
export interface SamPki {
  readonly samKey: Sm2KeyPair;
  readonly samCertificate: Uint8Array;
  readonly issuerCertificate: Uint8Array;
  /** The root public key the certificates chain to (public; for verifiers and tests). */
  readonly rootPublicKey: string;
}

export interface DemoPki extends SamPki {
  readonly isTestKeys: true;
  readonly rootKey: Sm2KeyPair;
  readonly issuerKey: Sm2KeyPair;
}

export interface PkiIdentity {
  readonly issuerCode: string;
  readonly cityCode: string;
  readonly samSerial: Uint8Array;
  readonly terminalId: Uint8Array;
  readonly validFrom: string;
  readonly validTo: string;
}

/** Identity of the demo SAM and issuer (test values, documented in src/crypto/README.md). */
export const DEMO_PKI_IDENTITY: PkiIdentity = {
  issuerCode: '4101000000000000000001',
  cityCode: '410100',
  samSerial: Uint8Array.from(Buffer.from('52484353414D00000001', 'hex')), // "RHCSAM" ‖ 00 00 00 01
  terminalId: Uint8Array.from([0x41, 0x01, 0x01, 0x00, 0x00, 0x01]),
  validFrom: '20240101',
  validTo: '20991231',
};

/** PIN of the demo SAM (createDemoSam in src/cos, `rhc agent` and `rhc demo` defaults). */
export const DEMO_SAM_PIN = '123456';

export const DEMO_KEY_LABELS = {
  root: 'RHC DEMO TEST SM2 ROOT KEY — NOT FOR PRODUCTION',
  issuer: 'RHC DEMO TEST SM2 ISSUER KEY — NOT FOR PRODUCTION',
  sam: 'RHC DEMO TEST SM2 SAM KEY — NOT FOR PRODUCTION',
} as const;

/** Builds a root → issuer → SAM hierarchy from the given key pairs. */
export function buildPki(
  keys: { root: Sm2KeyPair; issuer: Sm2KeyPair; sam: Sm2KeyPair },
  identity: PkiIdentity,
  options: IssueOptions & { issuerSerial?: number; samSerialNumber?: number } = {},
): SamPki {
  const issuerSerial = options.issuerSerial ?? 1;
  const issuerCertificate = issueIssuerCertificate(
    keys.root,
    {
      issuerCode: identity.issuerCode,
      cityCode: identity.cityCode,
      serial: issuerSerial,
      validFrom: identity.validFrom,
      validTo: identity.validTo,
      publicKey: keys.issuer.publicKey,
    },
    options,
  );
  const samCertificate = issueSamCertificate(
    keys.issuer,
    {
      samSerial: identity.samSerial,
      terminalId: identity.terminalId,
      issuerCode: identity.issuerCode,
      serial: options.samSerialNumber ?? 1,
      validFrom: identity.validFrom,
      validTo: identity.validTo,
      issuerCertSerial: issuerSerial,
      publicKey: keys.sam.publicKey,
    },
    options,
  );
  return { samKey: keys.sam, samCertificate, issuerCertificate, rootPublicKey: keys.root.publicKey };
}

/**
 * The published demo PKI (测试密钥): every private key is derived from a labelled SM3 seed
 * (DEMO_KEY_LABELS), certificates use deterministic nonces, so the result is the same on every machine.
 * Anyone can recompute these keys: never use them for real cards.
 */
export function createDemoPki(identity: PkiIdentity = DEMO_PKI_IDENTITY): DemoPki {
  const rootKey = sm2KeyPairFromLabel(DEMO_KEY_LABELS.root);
  const issuerKey = sm2KeyPairFromLabel(DEMO_KEY_LABELS.issuer);
  const samKey = sm2KeyPairFromLabel(DEMO_KEY_LABELS.sam);
  const pki = buildPki({ root: rootKey, issuer: issuerKey, sam: samKey }, identity, { deterministic: true });
  return { ...pki, isTestKeys: true, rootKey, issuerKey };
}
