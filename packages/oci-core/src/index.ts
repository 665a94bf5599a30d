export { OciCoreError, type OciCoreErrorCode } from './errors';
export { computeDigest, digestAlgorithm, digestHex, type DigestAlgorithm, isSha256Digest } from './digest';
export {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
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
