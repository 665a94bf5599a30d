export {
  BaseError,
  CommandInvocationError,
  ConfigurationError,
  type ConfigurationErrorCode,
  getErrorMessage,
  InputError,
  type InputErrorCode,
  isUserError,
  withInputError,
} from './errors';
export { ActionsLogger, ConsoleLogger, type Logger, silentLogger } from './logger';
export { exec, type ExecOptions, type ExecResult } from './exec';
export { Git, type GitOptions } from './git';
export {
  getBoolean,
  getDuration,
  getEnum,
  getImageReference,
  getInteger,
  getKeyValues,
  getList,
  getParsed,
  getRequiredString,
  getString,
  getStructured,
  type IntegerOptions,
  type ListOptions,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseImageReference,
  parseInteger,
  parseKeyValues,
  parseList,
  parseStructured,
  parseWith,
  type ReadOptions,
  readRaw,
  roughNesting,
  type StructuredOptions,
} from './inputs';
export { reportFailure, run, runWithInputs } from './action-runner';
export { formatOutput, type OutputValue, setOutputs } from './outputs';
export {
  type Cell,
  escapeCell,
  formatPlanText,
  type Plan,
  type PlanStep,
  renderPlan,
  SummaryBuilder,
} from './summary';
export {
  type InstalledTool,
  installTool,
  sha256File,
  ToolInstallError,
  type ToolInstallErrorCode,
  type ToolSpec,
} from './tools';
export {
  CATALOGER_FILE_BYTES,
  catalogerFileBytes,
  DEFAULT_LIMITS,
  formatLimitValue,
  howToRaise,
  LimitError,
  type LimitName,
  type Limits,
  LIMITS,
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
