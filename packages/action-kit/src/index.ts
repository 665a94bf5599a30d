export {
  BaseError,
  CommandInvocationError,
  ConfigurationError,
  type ConfigurationErrorCode,
  getErrorMessage,
  InputError,
  type InputErrorCode,
  withInputError,
} from './errors';
export { ActionsLogger, type Logger, silentLogger } from './logger';
export { exec, type ExecOptions, type ExecResult } from './exec';
export { Git, type GitOptions } from './git';
export {
  getBoolean,
  getDuration,
  getEnum,
  getImageReference,
  getInteger,
  getList,
  getRequiredString,
  getString,
  getStructured,
  type IntegerOptions,
  type ListOptions,
  parseDuration,
  parseImageReference,
  parseKeyValues,
  parseList,
  parseWith,
  type ReadOptions,
  readRaw,
  roughNesting,
  type StructuredOptions,
} from './inputs';
export { run, runWithInputs } from './action-runner';
export { type OutputValue, setOutputs } from './outputs';
export { type Cell, formatPlanText, type Plan, type PlanStep, SummaryBuilder } from './summary';
export {
  type InstalledTool,
  installTool,
  ToolInstallError,
  type ToolInstallErrorCode,
  type ToolSpec,
} from './tools';
export {
  CATALOGER_FILE_BYTES,
  DEFAULT_LIMITS,
  howToRaise,
  LimitError,
  type LimitName,
  type Limits,
  type LimitSpec,
  parseByteSize,
  parseLimits,
  resolveLimits,
} from './limits';
export { assertImageRecordDigest, getImageRecord, imageRecordOutput } from './image-record';
export { formatBytes } from './bytes';
export {
  type ArtifactRuntime,
  ArtifactUploadError,
  type ArtifactUploadErrorCode,
  uploadArtifact,
} from './artifact-upload';
