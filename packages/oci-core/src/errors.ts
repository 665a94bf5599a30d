export type OciCoreErrorCode = 'INVALID_REFERENCE' | 'INVALID_PLATFORM' | 'UNSUPPORTED_DIGEST';

/**
 * A value that is not a valid reference, platform or digest. `input` is the name the caller gave for where the value
 * came from (an action input, a Dockerfile line), so the message and a caller's InputError can name it.
 */
export class OciCoreError extends Error {
  readonly code: OciCoreErrorCode;
  readonly input: string | undefined;

  constructor(code: OciCoreErrorCode, message: string, input?: string) {
    super(message);
    this.name = 'OciCoreError';
    this.code = code;
    this.input = input;
  }
}
