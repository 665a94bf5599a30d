import { BaseError } from '@deliverkit/action-kit';

export type RegistryErrorCode =
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'NOT_FOUND'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'MANIFEST_INVALID'
  | 'UNSUPPORTED'
  | 'TOO_LARGE'
  | 'HTTP_ERROR'
  | 'NETWORK_ERROR'
  | 'PROTOCOL_ERROR';

export interface RegistryErrorContext {
  /** Registry host as the user wrote it, e.g. `ghcr.io` or `localhost:5000`. */
  registry: string;
  repository?: string;
  /** What we were doing, e.g. `GET manifest sha256:…`, `upload blob sha256:…`. */
  operation: string;
  status?: number;
  attempts?: number;
}

/**
 * Any failure talking to a registry. The message always names the registry, the repository and the
 * operation, so the last line of a failed step says what failed where; it never carries credentials.
 */
export class RegistryError extends BaseError<RegistryErrorCode> {
  readonly registry: string;
  readonly repository: string | undefined;
  readonly operation: string;
  readonly status: number | undefined;
  readonly attempts: number | undefined;

  constructor(
    code: RegistryErrorCode,
    context: RegistryErrorContext,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const where = context.repository ? `${context.registry}/${context.repository}` : context.registry;
    const tries = context.attempts && context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
    super(code, `${context.operation} at ${where} failed${tries}: ${detail}`, options);
    this.registry = context.registry;
    this.repository = context.repository;
    this.operation = context.operation;
    this.status = context.status;
    this.attempts = context.attempts;
  }
}

export type CredentialErrorCode = 'CREDENTIALS_UNREADABLE' | 'CREDENTIAL_HELPER_FAILED';

/** The credentials could not be read: a docker config that does not parse, or a credential helper that failed. */
export class CredentialError extends BaseError<CredentialErrorCode> {}

/** The copy's spool file (CopyOptions.spool) could not be written, so a failed upload could not retry from it. */
export class SpoolError extends BaseError<'SPOOL_WRITE_FAILED'> {}
