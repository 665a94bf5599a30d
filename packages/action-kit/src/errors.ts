/**
 * The one place the toolkit's error types live. Every package and action imports them from
 * @deliverkit/action-kit; none keeps its own copy.
 *
 * Two families: user mistakes (InputError, ConfigurationError — "fix your workflow") and everything
 * else, which the action runner reports as an internal error with the stack in debug output.
 */
import { OciCoreError } from '@deliverkit/oci-core';

/** Base for errors that cross a package boundary: a closed `code` union and the original `cause`. */
export class BaseError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export type InputErrorCode = 'INPUT_REQUIRED' | 'INPUT_INVALID' | 'INPUT_TOO_LARGE';

/**
 * An action input the user gave is missing or malformed. The message names the input and, unless
 * the input is secret, the value that was given.
 */
export class InputError extends BaseError<InputErrorCode> {
  readonly input: string;

  constructor(
    input: string,
    message: string,
    code: InputErrorCode = 'INPUT_INVALID',
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.input = input;
  }
}

export type ConfigurationErrorCode =
  'MISSING_PERMISSION' | 'MISSING_TOOL' | 'UNSUPPORTED' | 'CONFLICTING_INPUTS' | 'INVALID_CONFIGURATION';

/** The environment or the combination of inputs cannot work: a missing tool, permission or setting. */
export class ConfigurationError extends BaseError<ConfigurationErrorCode> {}

/** A child process exited non-zero. The message carries the last line of stderr. */
export class CommandInvocationError extends BaseError<'COMMAND_FAILED' | 'COMMAND_NOT_FOUND'> {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(params: {
    cmd: string;
    args: readonly string[];
    exitCode: number | null;
    stderr: string;
    code?: 'COMMAND_FAILED' | 'COMMAND_NOT_FOUND';
    cause?: unknown;
  }) {
    const last = lastLine(params.stderr);
    const how = params.exitCode === null ? 'could not be run' : `exited with code ${params.exitCode}`;
    super(params.code ?? 'COMMAND_FAILED', `${params.cmd} ${how}${last ? `: ${last}` : ''}`, {
      cause: params.cause,
    });
    this.cmd = params.cmd;
    this.args = params.args;
    this.exitCode = params.exitCode;
    this.stderr = params.stderr;
  }
}

/** Runs an @deliverkit/oci-core parser; its error, naming the input it was given, becomes that input's InputError. */
export function withInputError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof OciCoreError && e.input !== undefined) {
      throw new InputError(e.input, e.message, 'INPUT_INVALID', { cause: e });
    }
    throw e;
  }
}

/** True for errors that mean "the user must change something", reported without a stack. */
export function isUserError(e: unknown): e is InputError | ConfigurationError {
  return e instanceof InputError || e instanceof ConfigurationError;
}

/** A message for any thrown value, so that even `throw 'text'` or `throw {}` fails the step usefully. */
export function getErrorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  try {
    const json = JSON.stringify(e);
    return json === undefined ? String(e) : json;
  } catch {
    return String(e);
  }
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]) return lines[i] as string;
  }
  return '';
}
