import { BaseError } from '@deliverkit/action-kit';

export type DeployErrorCode =
  | 'API_ERROR'
  | 'LOCK_HELD'
  | 'LOCK_LOST'
  | 'ROLLOUT_FAILED'
  | 'ROLLOUT_TIMEOUT'
  | 'ENDPOINTS_NOT_READY'
  | 'SMOKE_FAILED'
  | 'VERIFY_FAILED'
  | 'NOTHING_PENDING'
  | 'NOTHING_TO_ROLL_BACK'
  | 'GITOPS_FAILED'
  | 'KUSTOMIZE_FAILED'
  /** A caller's mistake: deploy or plan without the app model, plan with a client that is not a dry run. */
  | 'INVALID_CALL';

/** A deployment step that failed against the cluster (not a mistake in the inputs). */
export class DeployError extends BaseError<DeployErrorCode> {}

export type KubeApiErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CONFLICT'
  | 'FIELD_CONFLICT'
  | 'INVALID'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'UNAVAILABLE'
  | 'UNKNOWN';

/** A Kubernetes API call that answered with an error Status: `status` is that Status' HTTP code. */
export class KubeApiError extends BaseError<KubeApiErrorCode> {
  constructor(
    code: KubeApiErrorCode,
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export type KubeConnectionErrorCode = 'UNREACHABLE' | 'TIMEOUT';

/**
 * A request the Kubernetes client sent got no answer: the connection was refused, reset or never made (UNREACHABLE),
 * or nothing came back in time (TIMEOUT). A service outage, never a configuration error; the message is the one the
 * plain Error had (the socket's, or the timeout's). Not a DeployError: an operation that meets it throws, as it did
 * with the plain Error, rather than reporting a failed deploy.
 */
export class KubeConnectionError extends BaseError<KubeConnectionErrorCode> {}

export type KubeObjectErrorCode = 'UNKNOWN_KIND' | 'INVALID_OBJECT';

/**
 * An object the client cannot address: a kind the cluster's discovery does not list (a CRD that is not installed),
 * or an object without a kind or name. Not a KubeApiError (no Status came back) and not a DeployError, so an
 * operation that meets it throws, as it did with the plain Error before.
 */
export class KubeObjectError extends BaseError<KubeObjectErrorCode> {}
