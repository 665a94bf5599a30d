import { BaseError } from '@deliverkit/action-kit';

export type BuildErrorCode =
  | 'BUILD_FAILED'
  | 'METADATA_INVALID'
  | 'DIGEST_UNAVAILABLE'
  | 'PUSH_FAILED'
  | 'MERGE_INVALID'
  /** A builder's command failed outside a build step (a push to a layout, `buildah info`); the cause says how. */
  | 'COMMAND_FAILED'
  /** A builder printed something this package cannot read (its version, its store paths). */
  | 'TOOL_OUTPUT_INVALID'
  /** A base image has no manifest for the platform a stage needs. */
  | 'BASE_IMAGE_UNAVAILABLE'
  /** A value that must be a digest (`algorithm:hex`) is not one. */
  | 'DIGEST_INVALID';

/** A build, push or merge that failed for a reason other than the user's configuration. */
export class BuildError extends BaseError<BuildErrorCode> {
  /** The platform the failure belongs to, when there is one. */
  readonly platform?: string;

  constructor(code: BuildErrorCode, message: string, options: { cause?: unknown; platform?: string } = {}) {
    super(code, message, { cause: options.cause });
    this.platform = options.platform;
  }
}
