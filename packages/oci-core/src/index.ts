export { OciCoreError, type OciCoreErrorCode } from './errors';
export { computeDigest, digestAlgorithm, digestHex, type DigestAlgorithm, isSha256Digest } from './digest';
export {
  BUILDKIT_ATTESTATION_MANIFEST,
  BUILDKIT_REFERENCE_DIGEST,
  BUILDKIT_REFERENCE_TYPE,
  type Descriptor,
  IMAGE_MEDIA_TYPES,
  type ImageIndex,
  type ImageManifest,
  INDEX_MEDIA_TYPES,
  isBuildkitAttestation,
  isImageMediaType,
  isIndex,
  isIndexMediaType,
  type Manifest,
  MANIFEST_MEDIA_TYPES,
  MediaType,
  referrerArtifactType,
} from './media-types';
export {
  formatPlatform,
  parsePlatform,
  parsePlatforms,
  type Platform,
  platformMatches,
  platformSlug,
} from './platform';
export {
  DOCKER_HUB,
  DOCKER_HUB_API_HOST,
  ImageReference,
  isValidDigest,
  parseReference,
  type ParseReferenceOptions,
} from './reference';
