export type OciCoreErrorCode = 'INVALID_REFERENCE' | 'INVALID_PLATFORM' | 'UNSUPPORTED_DIGEST';

/** A bad reference, platform or digest; `input` is the caller's name for where the value came from. */
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
