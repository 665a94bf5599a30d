export { parseMetadataList } from './csv';
export {
  type GitHubContext,
  type RepoInfo,
  type EventPayload,
  type ContextFromEnvOptions,
  contextFromEnv,
  repoFromPayload,
} from './context';
export { type TagRule, type ImageEntry, parseTagRules, parseImages } from './rules';
export {
  type MetaConfig,
  type MetaOptions,
  type Metadata,
  type MetadataJson,
  type Version,
  computeMetadata,
  labelRecord,
} from './meta';
