export { BuildError, type BuildErrorCode } from './errors';
export { CliTool, type ExecFn, type ToolOptions } from './tool';
export { parsePlatform, parsePlatforms, hostPlatform } from './platform';
export {
  type BuildSpec,
  type BuildSecret,
  type AnnotationLevel,
  type LeveledAnnotation,
  type CacheMode,
  type CacheRefs,
  parseAnnotation,
  annotationsFor,
  resolveCacheRefs,
  cacheScopeName,
  type CacheScope,
  stripTag,
  parseSourceDateEpoch,
} from './spec';
export {
  Buildx,
  type BuildxOptions,
  type BuildxOutput,
  type BuildxArgsOptions,
  type BuildxMetadata,
  type BuildxDescriptor,
  type BuildxStepStats,
  buildxBuildArgs,
  buildxAnnotations,
  exportsSingleManifest,
  parseBuildxCacheStats,
  parseBuildxMetadata,
} from './buildx';
export {
  Buildah,
  type BuildahOptions,
  type BuildahRegistryOptions,
  type BuildahBuildOptions,
  type BuildahCacheStats,
  buildahBuildArgs,
  buildahPushLayoutArgs,
  buildahManifestPushArgs,
  parseBuildahCacheStats,
  failingStep,
} from './buildah';
export {
  type BuilderChoice,
  type Backend,
  type Availability,
  selectBackend,
  parseBuilderChoice,
} from './builder';
export {
  type FromLine,
  type LocatedFromLine,
  parseFromLines,
  locateFromLines,
  rewriteFromLines,
  platformArgs,
  dockerfilePath,
} from './dockerfile';
export {
  type ArgStepCache,
  PRIME_TAG,
  argStepCaches,
  primeBuildahCache,
  recordBuildahPrime,
} from './buildah-cache';
export {
  type PinnedBase,
  type UnpinnedBase,
  type PinnedDockerfile,
  type PinOptions,
  pinBaseImages,
} from './base-images';
export {
  type PlatformImage,
  type IndexOptions,
  type PublishResult,
  pushLayoutByDigest,
  setLayoutAnnotations,
  readPlatformImage,
  buildIndex,
  publishIndex,
  ensureInRepository,
} from './layout-publish';
export {
  type PlatformResult,
  type BuildResult,
  type BuildMode,
  type BuildahRunOptions,
  type PlatformCommands,
  type BuildahPlanOptions,
  planBuildah,
  buildWithBuildah,
  pinBuildahBases,
  platformBuildahs,
  manifestAnnotations,
} from './run-buildah';
export { type BuildxRunOptions, planBuildx, buildWithBuildx, buildxOutputFor } from './run-buildx';
export { type MergeOptions, mergeDigests } from './run-merge';
export {
  type ProvenanceStatement,
  type ProvenanceInput,
  type BaseImageDigest,
  type ResourceDescriptor,
  IN_TOTO_STATEMENT_V1,
  SLSA_PROVENANCE_V1,
  GITHUB_WORKFLOW_BUILD_TYPE,
  buildProvenance,
  dockerPurl,
} from './provenance';
