export { RegistryError, type RegistryErrorCode, type RegistryErrorContext } from './errors';
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
export {
  type Credential,
  type CredentialProvider,
  type Challenge,
  type Scope,
  parseWwwAuthenticate,
  formatScope,
  normalizeScopes,
  parseTokenResponse,
  StaticCredentials,
  DockerConfigCredentials,
  chainCredentials,
  normalizeRegistryKey,
  type DockerConfigOptions,
} from './auth';
export {
  DEFAULT_RETRY_POLICY,
  retryDelay,
  parseRetryAfter,
  isRetryableStatus,
  isRetryableNetworkError,
  type RetryPolicy,
} from './retry';
export { Semaphore, KeyedSemaphores, KeyedMutex } from './limiter';
export { HttpTransport, type HttpRequest, type HttpResponse, type TlsSettings } from './transport';
export {
  Registries,
  RegistryClient,
  referrersTag,
  referrerDescriptor,
  MAX_MANIFEST_BYTES,
  type RegistriesOptions,
  type RegistryHostOptions,
  type RegistryCapabilities,
  type FetchedManifest,
  type ReferrersResult,
  type BlobSource,
  type UploadOptions,
  type TransferOptions,
} from './client';
export {
  resolveClosure,
  LEGACY_TAG_SUFFIXES,
  type ImageClosure,
  type ClosureManifest,
  type ClosureOptions,
} from './closure';
export {
  planCopy,
  describePlan,
  parseDestination,
  parseDestinations,
  formatBytes,
  type CopyDestination,
  type CopyPlan,
  type BlobPlan,
  type ManifestPlan,
  type TagPlan,
  type DestinationState,
  type PlanInput,
} from './plan';
export {
  copyImage,
  fanOut,
  CopyError,
  type CopyOptions,
  type CopyResult,
  type DestinationReport,
} from './copy';
export {
  openRegistries,
  parseRegistryAuths,
  type OpenRegistriesOptions,
  type RegistryAuth,
} from './registry-auths';
