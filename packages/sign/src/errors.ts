import { BaseError } from '@deliverkit/action-kit';

/**
 * Failures of signing, attaching or verifying. User mistakes (bad input, missing permission) are
 * InputError / ConfigurationError from action-kit instead; these are the domain's own failures.
 */
export type SignErrorCode =
  | 'KEY_INVALID'
  | 'KEY_UNSUPPORTED'
  | 'KEY_DECRYPT_FAILED'
  | 'IDENTITY_TOKEN_FAILED'
  | 'CERTIFICATE_REQUEST_FAILED'
  | 'TLOG_FAILED'
  | 'TIMESTAMP_FAILED'
  | 'PREDICATE_INVALID'
  | 'PREDICATE_TOO_LARGE'
  | 'IMAGE_NOT_FOUND'
  | 'REGISTRY_FAILED'
  | 'TRUST_ROOT_UNAVAILABLE'
  /** sigstore-js failed in a way none of the codes above names: not the user's to fix. */
  | 'SIGNING_FAILED'
  | 'ATTESTATION_SPEC_INVALID';

export class SignError extends BaseError<SignErrorCode> {}

/** Why an image failed verification; each is a reason to block a deploy. */
export type VerifyErrorCode =
  | 'NO_SIGNATURES'
  | 'BUNDLE_INVALID'
  | 'SIGNATURE_INVALID'
  | 'CERTIFICATE_INVALID'
  | 'TLOG_INVALID'
  | 'TIMESTAMP_INVALID'
  | 'IDENTITY_MISMATCH'
  | 'CLAIM_MISMATCH'
  | 'PUBLIC_KEY_MISMATCH'
  | 'SUBJECT_MISMATCH'
  | 'MISSING_ATTESTATION';

export class VerifyError extends BaseError<VerifyErrorCode> {}
