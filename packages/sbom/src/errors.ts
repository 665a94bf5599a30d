import { BaseError } from '@deliverkit/action-kit';

export type SbomErrorCode =
  | 'LAYER_NOT_TAR'
  | 'LAYER_TRUNCATED'
  | 'LAYER_DIGEST_MISMATCH'
  | 'UNSUPPORTED_COMPRESSION'
  | 'PLATFORM_NOT_FOUND'
  | 'IMAGE_NOT_FOUND'
  | 'INVALID_IMAGE'
  | 'SYFT_NOT_FOUND'
  | 'SYFT_UNAVAILABLE';

/** Reading an image for an SBOM failed; `code` says why, `cause` keeps the original error. */
export class SbomError extends BaseError<SbomErrorCode> {}
