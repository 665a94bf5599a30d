export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** First backoff ceiling; doubles each attempt (full jitter below it). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the attempt fails instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HPE_INVALID_CONSTANT',
  'IDLE_TIMEOUT',
]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Connection-level failures worth another attempt: resets, refusals, timeouts, truncated bodies. */
export function isRetryableNetworkError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && RETRYABLE_ERROR_CODES.has(code)) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /socket hang up|aborted|premature close/i.test(message);
}

/** Retry-After as milliseconds from `now`: either delta-seconds or an HTTP-date. Undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * How long to wait before attempt `attempt + 1` (attempt counts from 1). Full jitter: uniform in
 * [0, min(max, base·2^(attempt-1))], so that many clients retrying at once spread out. A server's
 * Retry-After wins when given (it is a floor, with a little jitter above it), unless it exceeds the
 * policy's bound, in which case the result is undefined: give up.
 */
export function retryDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) return undefined;
    return retryAfterMs + Math.floor(random() * Math.min(1000, policy.baseDelayMs));
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Where a retry loop takes its policy, its clock and its dice from (Registries; fakes in tests). */
export interface RetryRuntime {
  readonly policy: RetryPolicy;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/**
 * What one attempt came to: a value; another attempt after `waitMs` (a delay its `backoff` gave); or
 * another attempt at once that does not count as one (a 401 answered by fetching fresh credentials).
 */
export type AttemptResult<T> = { value: T } | { waitMs: number } | { again: true };

/**
 * The retry loop: runs `attempt(n, backoff)` for n = 1, 2, … until it returns a value or throws.
 * `backoff(retryAfterMs?)` is the wait before attempt n + 1 under the policy (retryDelay: jittered,
 * honouring a server's Retry-After), undefined when the policy is spent or the Retry-After is too long.
 * Which failures retry, and what is thrown when they stop, stay with the caller.
 */
export async function withRetry<T>(
  runtime: RetryRuntime,
  attempt: (n: number, backoff: Backoff) => Promise<AttemptResult<T>>,
  signal?: AbortSignal,
): Promise<T> {
  const loop = withRetryStream<never, T>(
    runtime,
    // An attempt with no chunks: its result is the generator's return value.
    // eslint-disable-next-line require-yield
    async function* (n, backoff) {
      return await attempt(n, backoff);
    },
    signal,
  );
  for (;;) {
    const step = await loop.next();
    if (step.done) return step.value;
  }
}

/** The wait before the next attempt under the policy (undefined: give up), given a server's Retry-After if any. */
export type Backoff = (retryAfterMs?: number) => number | undefined;

/**
 * withRetry for a stream (the one loop; withRetry runs through it): each attempt is an async generator whose
 * chunks pass through to the caller as they come, and whose return value is the attempt's result. A blob read
 * that breaks mid-body yields what it received, returns `{ waitMs }`, and the next attempt resumes from there.
 */
export async function* withRetryStream<C, T>(
  runtime: RetryRuntime,
  attempt: (n: number, backoff: Backoff) => AsyncGenerator<C, AttemptResult<T>>,
  signal?: AbortSignal,
): AsyncGenerator<C, T> {
  for (let n = 1; ; n++) {
    const result = yield* attempt(n, (retryAfterMs) =>
      retryDelay(n, runtime.policy, retryAfterMs, () => runtime.random()),
    );
    if ('value' in result) return result.value;
    if ('again' in result) {
      n--;
      continue;
    }
    await runtime.sleep(result.waitMs, signal);
  }
}
