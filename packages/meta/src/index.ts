export { parseMetadataList, parseEntryFields } from './csv';
export {
  type GitHubContext,
  type RepoInfo,
  type EventPayload,
  type ContextFromEnvOptions,
  contextFromEnv,
  commitDateFromPayload,
  repoFromPayload,
} from './context';
export {
  type TagRule,
  type TagType,
  type Flavor,
  type ImageEntry,
  type AnnotationEntry,
  TAG_TYPES,
  DEFAULT_PRIORITIES,
  DEFAULT_TAG_RULES,
  parseTagRule,
  parseTagRules,
  parseFlavor,
  parseImages,
  parseAnnotationEntries,
} from './rules';
export { isRawStatement, isDefaultBranch } from './expressions';
export {
  type MetaConfig,
  type MetaOptions,
  type Metadata,
  type MetadataJson,
  type Version,
  computeMetadata,
  sanitizeTag,
  labelRecord,
} from './meta';
