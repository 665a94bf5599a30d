import { Readable } from 'node:stream';
import { type Logger } from '@deliverkit/action-kit';
import { type Scope } from './auth';
import { AuthSession } from './auth-session';
import type { Registries, RegistryCapabilities, RegistryHostOptions, TransferOptions } from './client';
import { RegistryError, type RegistryErrorCode, type RegistryErrorContext } from './errors';
import { describeError, header } from './http-util';
import { DOCKER_HUB, DOCKER_HUB_API_HOST } from '@deliverkit/oci-core';
import {
  type AttemptResult,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  withRetry,
} from './retry';
import { discardBody, type HttpResponse, readBody } from './transport';

const ERROR_BODY_BYTES = 64 * 1024;

export interface CallOptions extends TransferOptions {
  operation: string;
  repository?: string;
  scopes: Scope[];
  method: string;
  /** Path below the registry root (`/v2/...`) or an absolute URL (upload locations). */
  path: string;
  headers?: Record<string, string | number | undefined>;
  /** Buffer or factory: replayable, so the call is retried. A bare stream is sent once. */
  body?: Buffer | Readable | (() => Readable);
  expect: number[];
  followRedirects?: boolean;
}

/**
 * One registry host's HTTP side: the base URL (https, or http for an insecure or plain loopback
 * registry), one call with auth, retries and the host's concurrency limit, and the capability record.
 */
export class RegistryHttp {
  /** API host (`registry-1.docker.io` for Docker Hub). */
  readonly host: string;
  readonly capabilities: RegistryCapabilities;
  readonly auth: AuthSession;
  private base: Promise<string> | undefined;
  private readonly pushRepositories = new Set<string>();

  constructor(
    readonly registry: string,
    readonly shared: Registries,
  ) {
    this.host = registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
    this.capabilities = {
      registry,
      referrersApi: null,
      ociMediaTypes: null,
      chunkedUpload: null,
      crossRepoMount: null,
      auth: null,
      tls: null,
    };
    this.auth = new AuthSession(this);
  }

  get logger(): Logger {
    return this.shared.logger;
  }

  hostOptions(): RegistryHostOptions {
    return this.shared.options.hosts?.[this.host] ?? this.shared.options.hosts?.[this.registry] ?? {};
  }

  /**
   * https unless configured insecure. A loopback registry with no TLS settings is tried over https
   * first and falls back to http, as Docker does for localhost.
   */
  baseUrl(): Promise<string> {
    this.base ??= (async () => {
      const options = this.hostOptions();
      if (options.insecure) return this.setTls(false);
      const hostname = this.host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
      const loopback = hostname === 'localhost' || /^127\./.test(hostname) || hostname === '::1';
      if (!loopback || options.ca || options.caFile) return this.setTls(true);
      try {
        const res = await this.shared.transport.request({
          method: 'GET',
          url: new URL(`https://${this.host}/v2/`),
        });
        await discardBody(res);
        return this.setTls(true);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        const message = (error as Error).message ?? '';
        if (/EPROTO|ERR_SSL|ECONNRESET/.test(code) || /wrong version number|packet length/i.test(message)) {
          this.logger.debug(`RegistryClient.baseUrl: ${this.host} does not speak TLS, using http`);
          return this.setTls(false);
        }
        return this.setTls(true);
      }
    })();
    return this.base;
  }

  setTls(tls: boolean): string {
    this.capabilities.tls = tls;
    return `${tls ? 'https' : 'http'}://${this.host}`;
  }

  context(
    operation: string,
    repository?: string,
    extra: Partial<RegistryErrorContext> = {},
  ): RegistryErrorContext {
    return { registry: this.registry, repository, operation, ...extra };
  }

  /** One HTTP exchange with auth, retries and the host's concurrency limit. */
  async call(options: CallOptions): Promise<HttpResponse> {
    const base = await this.baseUrl();
    const url = /^https?:\/\//.test(options.path) ? new URL(options.path) : new URL(`${base}${options.path}`);
    options = { ...options, scopes: this.widen(options.scopes) };
    const replayable = !(options.body instanceof Readable);
    const semaphore = this.shared.limits.get(this.host);
    let authRetried = false;
    return withRetry(
      this.shared,
      async (attempt, backoff): Promise<AttemptResult<HttpResponse>> => {
        const release = options.slotHeld ? () => {} : await semaphore.acquire();
        let res: HttpResponse;
        let authorization: string | undefined;
        try {
          authorization = await this.auth.authHeader(options.scopes, options.operation, options.repository);
          const body = typeof options.body === 'function' ? options.body() : options.body;
          res = await this.shared.transport.request({
            method: options.method,
            url,
            headers: { ...options.headers, authorization },
            body,
            followRedirects: options.followRedirects,
            signal: options.signal,
          });
        } catch (error) {
          release();
          if (error instanceof RegistryError) throw error;
          const delay =
            replayable && isRetryableNetworkError(error) && !options.signal?.aborted ? backoff() : undefined;
          this.logger.debug(
            `RegistryClient.call: ${options.operation} attempt ${attempt}: ${describeError(error)}`,
          );
          if (delay !== undefined) return { waitMs: delay };
          throw new RegistryError(
            'NETWORK_ERROR',
            this.context(options.operation, options.repository, { attempts: attempt }),
            describeError(error),
            {
              cause: error,
            },
          );
        }
        res.body.once('close', release);
        if (this.auth.authScheme === 'unknown' && res.status !== 401) {
          this.auth.authScheme = 'anonymous';
          this.capabilities.auth ??= 'anonymous';
        }
        if (res.status === 401 && !authRetried && replayable && !options.expect.includes(401)) {
          await discardBody(res);
          if (
            await this.auth.onChallenge(
              res,
              options.scopes,
              options.operation,
              options.repository,
              authorization,
            )
          ) {
            authRetried = true;
            return { again: true };
          }
          throw new RegistryError(
            'UNAUTHORIZED',
            this.context(options.operation, options.repository, { status: 401 }),
            (await this.auth.getCredential())
              ? `the registry rejected the credentials for ${this.registry}`
              : `the registry requires credentials and none are configured for ${this.registry}`,
          );
        }
        if (options.expect.includes(res.status)) return { value: res };
        if (isRetryableStatus(res.status) && replayable) {
          const delay = backoff(parseRetryAfter(header(res, 'retry-after')));
          if (delay !== undefined) {
            await discardBody(res);
            this.logger.debug(
              `RegistryClient.call: ${options.operation} answered ${res.status}, retrying in ${delay} ms`,
            );
            return { waitMs: delay };
          }
        }
        throw await this.errorFromResponse(res, options, attempt);
      },
      options.signal,
    );
  }

  async errorFromResponse(res: HttpResponse, options: CallOptions, attempts: number): Promise<RegistryError> {
    let detail = `${res.status}`;
    let registryCode: string | undefined;
    try {
      const text = options.method === 'HEAD' ? '' : (await readBody(res, ERROR_BODY_BYTES)).toString('utf8');
      const parsed = text
        ? (JSON.parse(text) as { errors?: { code?: string; message?: string }[] })
        : undefined;
      const first = parsed?.errors?.[0];
      if (first) {
        registryCode = first.code;
        detail += ` ${first.code ?? ''}${first.message ? `: ${first.message}` : ''}`;
      }
    } catch {
      await discardBody(res);
    }
    const code: RegistryErrorCode =
      res.status === 401
        ? 'UNAUTHORIZED'
        : res.status === 403
          ? 'DENIED'
          : res.status === 404
            ? 'NOT_FOUND'
            : res.status === 415
              ? 'UNSUPPORTED'
              : registryCode === 'DIGEST_INVALID'
                ? 'DIGEST_MISMATCH'
                : registryCode === 'SIZE_INVALID'
                  ? 'SIZE_MISMATCH'
                  : registryCode?.startsWith('MANIFEST_')
                    ? 'MANIFEST_INVALID'
                    : 'HTTP_ERROR';
    return new RegistryError(
      code,
      this.context(options.operation, options.repository, { status: res.status, attempts }),
      detail.trim(),
    );
  }

  /** Like call, for exchanges whose body we do not need: drains it and returns status and headers. */
  async exchange(options: CallOptions): Promise<HttpResponse> {
    const res = await this.call(options);
    await discardBody(res);
    return res;
  }

  /** GET /v2/: checks the registry answers and learns its auth scheme. */
  /**
   * GET /v2/: checks the registry answers and learns its auth scheme from the challenge, without
   * fetching a token (the next request asks for one with the scopes it needs).
   */
  async ping(): Promise<void> {
    const res = await this.exchange({
      operation: 'ping',
      scopes: [],
      method: 'GET',
      path: '/v2/',
      expect: [200, 401],
    });
    if (res.status === 401) this.auth.learnChallenge(res);
  }

  /**
   * Declares that this run will push to `repository`: pull requests on it then ask for a pull,push
   * token right away, so one token serves the whole copy instead of one per scope set.
   */
  declarePush(repository: string): void {
    this.pushRepositories.add(repository);
  }

  widen(scopes: Scope[]): Scope[] {
    return scopes.map((s) =>
      this.pushRepositories.has(s.repository) && !s.actions.includes('push')
        ? { ...s, actions: [...s.actions, 'push'] }
        : s,
    );
  }
}
