export { RegistryError } from './errors';
export {
  ImageReference,
  parseReference,
  isValidDigest,
  DOCKER_HUB,
  DOCKER_HUB_API_HOST,
  type ParseReferenceOptions,
} from './reference';
export {
  computeDigest,
  Digester,
  VerifyingStream,
  DigestMismatchError,
  digestHex,
  type DigestAlgorithm,
} from './digest';
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
  type Platform,
  platformMatches,
  referrerArtifactType,
} from './media-types';
export { Registries } from './client';
export { describePlan, parseDestinations, formatBytes, type CopyDestination } from './plan';
export { copyImage, CopyError, type CopyResult } from './copy';
export { openRegistries, parseRegistryAuths, type RegistryAuth } from './registry-auths';
