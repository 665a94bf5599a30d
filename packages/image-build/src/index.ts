export { BuildError, type BuildErrorCode } from './errors';
export { parsePlatforms } from './platform';
export {
  type ImageBuildRequest,
  type ImageBuildDeps,
  type ImageBuildOutcome,
  type ImageBuildMode,
  type ImageBuildInputNames,
  buildImage,
  planImageBuild,
} from './image-build';
export {
  type BuildEnvironment,
  type GitHubVariable,
  GITHUB_VARIABLES,
  parseSourceDateEpoch,
} from './environment';
export { type CacheMode } from './spec';
export { type BuilderChoice, type Backend, parseBuilderChoice } from './builder';
export { dockerfilePath } from './dockerfile';
export { type PlatformResult, type BuildResult } from './run-buildah';
