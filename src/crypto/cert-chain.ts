// Verification of the §7.6 chain: root key (configured in the verifier) → issuer certificate → SAM
// certificate. Failures are results with a reason, not exceptions: a bad certificate on a card is data.
import { ISSUER_CERT_LAYOUT, SAM_CERT_LAYOUT } from './cert-layouts.ts';
import { signedPart } from './cert-codec.ts';
import {
  decodeIssuerCertificate,
  decodeSamCertificate,
  rootKeyId,
  type IssuerCertificate,
  type SamCertificate,
} from './certificates.ts';
import { describeError } from './errors.ts';
import { equalBytes } from './mac.ts';
import { sm2Verify } from './sm2.ts';

export type ChainFailure =
  | 'ISSUER_CERT_MALFORMED'
  | 'ISSUER_CERT_WRONG_ROOT'
  | 'ISSUER_CERT_SIGNATURE'
  | 'SAM_CERT_MALFORMED'
  | 'SAM_CERT_WRONG_ISSUER'
  | 'SAM_CERT_SIGNATURE'
  | 'CERT_EXPIRED';

export interface ChainResult {
  readonly valid: boolean;
  readonly reason?: ChainFailure;
  readonly message?: string;
  readonly issuer?: IssuerCertificate;
  readonly sam?: SamCertificate;
}

const fail = (reason: ChainFailure, message: string, extra: Partial<ChainResult> = {}): ChainResult => ({
  valid: false,
  reason,
  message,
  ...extra,
});

/**
 * Root → issuer certificate → SAM certificate. `at` (YYYYMMDD), when given, must lie inside both validity
 * periods; without it dates are not checked (signatures on old records stay verifiable).
 */
export function verifyCertificateChain(
  samCert: Uint8Array,
  issuerCert: Uint8Array,
  rootPublicKey: string,
  at?: string,
): ChainResult {
  let issuer: IssuerCertificate;
  try {
    issuer = decodeIssuerCertificate(issuerCert);
  } catch (e) {
    return fail('ISSUER_CERT_MALFORMED', describeError(e));
  }
  if (!equalBytes(issuer.rootKeyId, rootKeyId(rootPublicKey)))
    return fail('ISSUER_CERT_WRONG_ROOT', 'issuer certificate names another root key', { issuer });
  if (!sm2Verify(rootPublicKey, signedPart(ISSUER_CERT_LAYOUT, issuerCert), issuer.signature))
    return fail('ISSUER_CERT_SIGNATURE', 'root signature on the issuer certificate is invalid', { issuer });
  let sam: SamCertificate;
  try {
    sam = decodeSamCertificate(samCert);
  } catch (e) {
    return fail('SAM_CERT_MALFORMED', describeError(e), { issuer });
  }
  if (sam.issuerCode !== issuer.issuerCode || sam.issuerCertSerial !== issuer.serial)
    return fail('SAM_CERT_WRONG_ISSUER', 'SAM certificate was not issued under this issuer certificate', {
      issuer,
      sam,
    });
  if (!sm2Verify(issuer.publicKey, signedPart(SAM_CERT_LAYOUT, samCert), sam.signature))
    return fail('SAM_CERT_SIGNATURE', 'issuer signature on the SAM certificate is invalid', { issuer, sam });
  if (at !== undefined) {
    for (const c of [issuer, sam])
      if (at < c.validFrom || at > c.validTo)
        return fail('CERT_EXPIRED', `certificate not valid on ${at} (${c.validFrom}–${c.validTo})`, {
          issuer,
          sam,
        });
  }
  return { valid: true, issuer, sam };
}
