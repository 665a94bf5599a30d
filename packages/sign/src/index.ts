export { SignError, type SignErrorCode, VerifyError, type VerifyErrorCode } from './errors';
export {
  type SignInputNames,
  signAndAttest,
  signerName,
  type SignReport,
  type SignRequest,
  verifyImageGate,
  type VerifyReport,
  type VerifyRequest,
} from './image-gate';
export { parseAttestation, type AttestationSpec } from './attestation-spec';
export { PREDICATE_TYPES } from './statement';
export {
  instanceForVisibility,
  parseSigstoreInstance,
  type RepositoryVisibility,
  type SigstoreInstance,
} from './instance';
export { type CertificatePolicy, validateCertificatePolicy } from './policy';
export { PUBLIC_GOOD_TUF_MIRROR, type TrustSource } from './trust';
export type { SignatureFormat } from './store';
