import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  DEFAULT_LIMITS,
  howToRaise,
  type Limits,
  type Logger,
  resolveLimits,
  silentLogger,
} from '@deliverkit/action-kit';
import {
  type Credential,
  type CredentialProvider,
  DockerConfigCredentials,
  formatScope,
  normalizeScopes,
  parseTokenResponse,
  parseWwwAuthenticate,
  type Scope,
  type TokenResponse,
} from './auth';
import { computeDigest, digestAlgorithm, Digester, digestHex } from './digest';
import { RegistryError, type RegistryErrorCode, type RegistryErrorContext } from './errors';
import { KeyedMutex, KeyedSemaphores } from './limiter';
import {
  type Descriptor,
  type ImageIndex,
  isIndex,
  MANIFEST_MEDIA_TYPES,
  type Manifest,
  MediaType,
  referrerArtifactType,
} from './media-types';
import { DOCKER_HUB, DOCKER_HUB_API_HOST, isValidDigest } from './reference';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy,
  sleep as defaultSleep,
} from './retry';
import { BodyTooLargeError, discardBody, HttpTransport, type HttpResponse, readBody } from './transport';

export interface RegistryHostOptions {
  /** Plain HTTP. Loopback registries fall back to HTTP automatically when they do not speak TLS. */
  insecure?: boolean;
  /** Extra CA (PEM text) trusted for this registry. */
  ca?: string;
  /** Path of a PEM file with the extra CA. */
  caFile?: string;
  /** Do not verify the certificate (self-signed test registries only). */
  insecureSkipVerify?: boolean;
}

export interface RegistriesOptions {
  /** Default: ~/.docker/config.json (auths, credHelpers, credsStore). */
  credentials?: CredentialProvider;
  /** TLS / plain-HTTP settings per registry host (`host[:port]`). */
  hosts?: Record<string, RegistryHostOptions>;
  /** Concurrent requests per registry host (default 4). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  userAgent?: string;
  idleTimeoutMs?: number;
  /** Called with every credential secret as soon as it is read. */
  onSecret?: (secret: string) => void;
  /** Raised bounds (manifest-bytes, referrers, index-depth, redirects); the rest keep their defaults. */
  limits?: Partial<Limits>;
  /** Test seams. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RegistryCapabilities {
  registry: string;
  /** GET /v2/<name>/referrers/<digest> is implemented. */
  referrersApi: boolean | null;
  /** OCI manifest media types were accepted on push (null: not observed yet). */
  ociMediaTypes: boolean | null;
  /** PATCH chunks with Content-Range are accepted (null: not probed). */
  chunkedUpload: boolean | null;
  /** Cross-repository mount answered 201 (null: not tried). */
  crossRepoMount: boolean | null;
  auth: 'anonymous' | 'basic' | 'bearer' | null;
  tls: boolean | null;
}

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  manifest: Manifest;
}

export interface ReferrersResult {
  descriptors: Descriptor[];
  via: 'api' | 'tag-schema';
  /** The `sha256-<hex>` index as stored, when the tag schema was used and the tag exists. */
  tagSchemaIndex?: FetchedManifest;
}

/** For calls made inside a transfer that already holds this host's concurrency permit. */
export interface TransferOptions {
  slotHeld?: boolean;
  signal?: AbortSignal;
}

/** Where upload bytes come from: a one-shot live stream and/or a way to (re)open them from an offset. */
export interface BlobSource {
  first?: Readable;
  open?: (offset: number) => Promise<Readable>;
}

export interface UploadOptions extends TransferOptions {
  /** Upload in PATCH chunks of this size (resumable after a failure) instead of one PUT. */
  chunkSize?: number;
  /** Called with the bytes the registry accepted (per PUT, or per PATCH chunk), for accounting. */
  onBytes?: (n: number) => void;
}

export const MAX_MANIFEST_BYTES = DEFAULT_LIMITS['manifest-bytes'];
const ERROR_BODY_BYTES = 64 * 1024;

/** Holds one RegistryClient per registry plus what they share: transport, limits, credentials. */
export class Registries {
  readonly transport: HttpTransport;
  readonly limits: KeyedSemaphores;
  readonly policy: RetryPolicy;
  readonly logger: Logger;
  /** The bounds on what registries hand us (LIMITS in @deliverkit/action-kit). */
  readonly bounds: Limits;
  private readonly clients = new Map<string, RegistryClient>();

  constructor(readonly options: RegistriesOptions = {}) {
    const hosts = options.hosts ?? {};
    this.bounds = resolveLimits(options.limits);
    this.transport = new HttpTransport({
      maxRedirects: this.bounds.redirects,
      userAgent: options.userAgent,
      idleTimeoutMs: options.idleTimeoutMs,
      tls: (host) => {
        const caOf = (s: RegistryHostOptions) =>
          s.ca ?? (s.caFile ? readFileSync(s.caFile, 'utf8') : undefined);
        const settings = hosts[host];
        if (settings) return { ca: caOf(settings), insecureSkipVerify: settings.insecureSkipVerify };
        // A token realm or storage redirect is often served under the same private CA as its registry:
        // trust every CA the user configured (still verifying) for hosts with no settings of their own.
        const all = Object.values(hosts)
          .map(caOf)
          .filter((ca): ca is string => Boolean(ca));
        return all.length > 0 ? { ca: all.join('\n') } : undefined;
      },
    });
    this.limits = new KeyedSemaphores(options.concurrency ?? 4);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.logger = options.logger ?? silentLogger;
  }

  /** The client for a registry name as it appears in references (`docker.io`, `ghcr.io`, `localhost:5000`). */
  client(registry: string): RegistryClient {
    let client = this.clients.get(registry);
    if (!client) {
      client = new RegistryClient(registry, this);
      this.clients.set(registry, client);
    }
    return client;
  }

  credentials(): CredentialProvider {
    this.credentialProvider ??=
      this.options.credentials ?? new DockerConfigCredentials({ onSecret: this.options.onSecret });
    return this.credentialProvider;
  }
  private credentialProvider: CredentialProvider | undefined;

  /** Takes one permit per listed registry (repeats count), in a deadlock-free order. */
  acquireTransfer(registries: readonly string[]): Promise<() => void> {
    return this.limits.acquireAll(registries.map((r) => this.client(r).host));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.options.sleep ? this.options.sleep(ms) : defaultSleep(ms, signal);
  }

  random(): number {
    return (this.options.random ?? Math.random)();
  }

  close(): void {
    this.transport.close();
  }
}

interface CallOptions extends TransferOptions {
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
 * A client for one registry host: auth (anonymous, Basic, Bearer token per scope set, reused until
 * expiry), retries with jittered backoff honouring Retry-After, a per-host concurrency limit, and
 * digest verification of everything read and written.
 */
export class RegistryClient {
  /** API host (`registry-1.docker.io` for Docker Hub). */
  readonly host: string;
  private base: Promise<string> | undefined;
  private authScheme: 'unknown' | 'anonymous' | 'basic' | 'bearer' = 'unknown';
  private bearer: { realm: string; service?: string } | undefined;
  private readonly tokens = new Map<string, TokenResponse>();
  private readonly tokenFetches = new Map<string, Promise<TokenResponse>>();
  private credential: Promise<Credential | undefined> | undefined;
  private readonly tagSchemaLock = new KeyedMutex();
  readonly capabilities: RegistryCapabilities;

  /** The bounds its Registries was opened with. */
  get bounds(): Limits {
    return this.shared.bounds;
  }

  constructor(
    readonly registry: string,
    private readonly shared: Registries,
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
  }

  private get logger(): Logger {
    return this.shared.logger;
  }

  private hostOptions(): RegistryHostOptions {
    return this.shared.options.hosts?.[this.host] ?? this.shared.options.hosts?.[this.registry] ?? {};
  }

  /**
   * https unless configured insecure. A loopback registry with no TLS settings is tried over https
   * first and falls back to http, as Docker does for localhost.
   */
  private baseUrl(): Promise<string> {
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

  private setTls(tls: boolean): string {
    this.capabilities.tls = tls;
    return `${tls ? 'https' : 'http'}://${this.host}`;
  }

  private context(
    operation: string,
    repository?: string,
    extra: Partial<RegistryErrorContext> = {},
  ): RegistryErrorContext {
    return { registry: this.registry, repository, operation, ...extra };
  }

  private getCredential(): Promise<Credential | undefined> {
    this.credential ??= this.shared.credentials().get(this.registry);
    return this.credential;
  }

  private async authHeader(
    scopes: Scope[],
    operation: string,
    repository?: string,
  ): Promise<string | undefined> {
    if (this.authScheme === 'basic') {
      const credential = await this.getCredential();
      if (credential?.username !== undefined && credential.password !== undefined) {
        return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      }
      return undefined;
    }
    if (this.authScheme === 'bearer' && this.bearer) {
      const credential = await this.getCredential();
      if (credential?.registryToken) return `Bearer ${credential.registryToken}`;
      const token = await this.token(scopes, [], operation, repository);
      return `Bearer ${token.token}`;
    }
    return undefined;
  }

  /**
   * The credential to present at a token realm. The registry names the realm, so a hostile or compromised
   * registry could name a host of its choosing to collect the password: the registry's credential goes
   * only to a realm on the same host or site (`auth.docker.io` for `docker.io`, `token.example.com` for
   * `registry.example.com`), never from https down to plain http. Elsewhere the realm gets the credential
   * configured for its own host, or none, and the error says so.
   */
  private async realmCredential(realm: URL, ctx: RegistryErrorContext): Promise<Credential | undefined> {
    const credential = await this.getCredential();
    if (!credential) return undefined;
    const registryTls = this.capabilities.tls !== false;
    if (registryTls && realm.protocol === 'http:') {
      throw new RegistryError(
        'DENIED',
        ctx,
        `the token realm ${realm.host} is plain http while the registry is https: credentials for ${this.registry} are not sent there`,
      );
    }
    if (sameSite(this.host, realm.hostname)) return credential;
    const own = await this.shared.credentials().get(realm.host);
    if (own) return own;
    throw new RegistryError(
      'DENIED',
      ctx,
      `the registry names a token realm on another host (${realm.host}); credentials for ${this.registry} are not sent there. ` +
        `If ${realm.host} is this registry's token service, give it its own registry-auths entry`,
    );
  }

  private async token(
    scopes: Scope[],
    extra: string[],
    operation: string,
    repository?: string,
  ): Promise<TokenResponse> {
    const key = normalizeScopes(scopes).map(formatScope).join(' ');
    if (extra.length === 0) {
      const cached = this.cachedToken(scopes);
      if (cached) return cached;
    }
    let pending = this.tokenFetches.get(key);
    if (!pending) {
      pending = this.fetchToken(key ? key.split(' ') : [], extra, operation, repository).finally(() =>
        this.tokenFetches.delete(key),
      );
      this.tokenFetches.set(key, pending);
    }
    const token = await pending;
    this.tokens.set(key, token);
    return token;
  }

  /** A live token whose scopes cover `scopes` (a pull,push token serves pull requests too). */
  private cachedToken(scopes: Scope[]): TokenResponse | undefined {
    const now = Date.now();
    const key = normalizeScopes(scopes).map(formatScope).join(' ');
    const exact = this.tokens.get(key);
    if (exact && exact.expiresAt > now) return exact;
    const wanted = normalizeScopes(scopes);
    for (const [cachedKey, token] of this.tokens) {
      if (token.expiresAt <= now) continue;
      const granted = new Map(
        cachedKey
          .split(' ')
          .filter(Boolean)
          .map((s) => {
            const parts = s.split(':');
            return [parts.slice(1, -1).join(':'), new Set(parts[parts.length - 1]!.split(','))] as const;
          }),
      );
      if (wanted.every((w) => w.actions.every((a) => granted.get(w.repository)?.has(a)))) return token;
    }
    return undefined;
  }

  private async fetchToken(
    scopes: string[],
    extra: string[],
    operation: string,
    repository?: string,
  ): Promise<TokenResponse> {
    const bearer = this.bearer!;
    const ctx = this.context(`authenticate for ${operation}`, repository);
    let url: URL;
    try {
      url = new URL(bearer.realm);
    } catch {
      throw new RegistryError('PROTOCOL_ERROR', ctx, `the token realm is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RegistryError('PROTOCOL_ERROR', ctx, `the token realm is a ${url.protocol} URL, not http(s)`);
    }
    const credential = await this.realmCredential(url, ctx);
    const allScopes = [...new Set([...scopes, ...extra])];
    this.logger.debug(`RegistryClient.fetchToken: ${url.host} scopes=${allScopes.join(' ') || '(none)'}`);
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse;
      try {
        if (credential?.identityToken) {
          const form = new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: credential.identityToken,
            client_id: 'deliverkit',
          });
          if (bearer.service) form.set('service', bearer.service);
          if (allScopes.length) form.set('scope', allScopes.join(' '));
          res = await this.shared.transport.request({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(form.toString()),
          });
        } else {
          if (bearer.service) url.searchParams.set('service', bearer.service);
          for (const scope of allScopes) url.searchParams.append('scope', scope);
          const headers: Record<string, string> = {};
          if (credential?.username !== undefined && credential.password !== undefined) {
            url.searchParams.set('account', credential.username);
            headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
          }
          res = await this.shared.transport.request({ method: 'GET', url, headers, followRedirects: true });
        }
      } catch (error) {
        const delay = isRetryableNetworkError(error)
          ? retryDelay(attempt, this.shared.policy, undefined, () => this.shared.random())
          : undefined;
        if (delay !== undefined) {
          await this.shared.sleep(delay);
          continue;
        }
        throw new RegistryError(
          'NETWORK_ERROR',
          { ...ctx, attempts: attempt },
          `token endpoint ${url.host}: ${describeError(error)}`,
          { cause: error },
        );
      }
      if (res.status === 200) {
        const limit = DEFAULT_LIMITS['token-response-bytes'];
        const body = await readBody(res, limit).catch((error: unknown) => {
          throw error instanceof BodyTooLargeError
            ? new RegistryError(
                'TOO_LARGE',
                ctx,
                `token endpoint ${url.host}: ${tooLarge('token-response-bytes', limit, 'answer')}`,
              )
            : new RegistryError('NETWORK_ERROR', ctx, `token endpoint ${url.host}: ${describeError(error)}`, {
                cause: error,
              });
        });
        try {
          return parseTokenResponse(body.toString('utf8'));
        } catch (error) {
          throw new RegistryError(
            'PROTOCOL_ERROR',
            ctx,
            `token endpoint ${url.host}: ${(error as Error).message}`,
          );
        }
      }
      const delay = isRetryableStatus(res.status)
        ? retryDelay(attempt, this.shared.policy, parseRetryAfter(header(res, 'retry-after')), () =>
            this.shared.random(),
          )
        : undefined;
      await discardBody(res);
      if (delay !== undefined) {
        await this.shared.sleep(delay);
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw new RegistryError(
          res.status === 401 ? 'UNAUTHORIZED' : 'DENIED',
          { ...ctx, status: res.status },
          `token endpoint ${url.host} answered ${res.status}: ${credential ? `check the credentials for ${this.registry}` : `no credentials are configured for ${this.registry}`}`,
        );
      }
      throw new RegistryError(
        'HTTP_ERROR',
        { ...ctx, status: res.status, attempts: attempt },
        `token endpoint ${url.host} answered ${res.status}`,
      );
    }
  }

  /** Learns the auth scheme from a 401. Returns true when a retry with new credentials makes sense. */
  private async onChallenge(
    res: HttpResponse,
    scopes: Scope[],
    operation: string,
    repository: string | undefined,
    sent: string | undefined,
  ): Promise<boolean> {
    const challenges = parseWwwAuthenticate(header(res, 'www-authenticate') ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer?.params.realm) {
      this.authScheme = 'bearer';
      this.capabilities.auth = 'bearer';
      this.bearer = { realm: bearer.params.realm, service: bearer.params.service };
      // The challenge may ask for more than we knew to request (e.g. registry:catalog:*).
      const extra = (bearer.params.scope ?? '').split(' ').filter(Boolean);
      const have = new Set(normalizeScopes(scopes).map(formatScope));
      const missing = extra.filter((s) => !have.has(s));
      const key = normalizeScopes(scopes).map(formatScope).join(' ');

      // Parallel first requests all meet a 401: once one of them has fetched a token, the others use it.
      const fresh = missing.length === 0 ? this.cachedToken(scopes) : undefined;
      if (fresh && `Bearer ${fresh.token}` !== sent) return true;
      const pending = this.tokenFetches.get(key);
      if (pending && missing.length === 0) {
        await pending;
        return true;
      }
      // A rejected cached token may have been revoked early: fetch a fresh one once (the caller
      // retries a 401 only once, so wrong credentials cannot loop).
      this.tokens.delete(key);
      await this.token(scopes, missing, operation, repository);
      return true;
    }
    if (basic) {
      const first = this.authScheme !== 'basic';
      this.authScheme = 'basic';
      this.capabilities.auth = 'basic';
      const credential = await this.getCredential();
      return first && credential?.username !== undefined;
    }
    return false;
  }

  /** One HTTP exchange with auth, retries and the host's concurrency limit. */
  private async call(options: CallOptions): Promise<HttpResponse> {
    const base = await this.baseUrl();
    const url = /^https?:\/\//.test(options.path) ? new URL(options.path) : new URL(`${base}${options.path}`);
    options = { ...options, scopes: this.widen(options.scopes) };
    const replayable = !(options.body instanceof Readable);
    const semaphore = this.shared.limits.get(this.host);
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      const release = options.slotHeld ? () => {} : await semaphore.acquire();
      let res: HttpResponse;
      let authorization: string | undefined;
      try {
        authorization = await this.authHeader(options.scopes, options.operation, options.repository);
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
          replayable && isRetryableNetworkError(error) && !options.signal?.aborted
            ? retryDelay(attempt, this.shared.policy, undefined, () => this.shared.random())
            : undefined;
        this.logger.debug(
          `RegistryClient.call: ${options.operation} attempt ${attempt}: ${describeError(error)}`,
        );
        if (delay !== undefined) {
          await this.shared.sleep(delay, options.signal);
          continue;
        }
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
      if (this.authScheme === 'unknown' && res.status !== 401) {
        this.authScheme = 'anonymous';
        this.capabilities.auth ??= 'anonymous';
      }
      if (res.status === 401 && !authRetried && replayable && !options.expect.includes(401)) {
        await discardBody(res);
        if (
          await this.onChallenge(res, options.scopes, options.operation, options.repository, authorization)
        ) {
          authRetried = true;
          attempt--;
          continue;
        }
        throw new RegistryError(
          'UNAUTHORIZED',
          this.context(options.operation, options.repository, { status: 401 }),
          (await this.getCredential())
            ? `the registry rejected the credentials for ${this.registry}`
            : `the registry requires credentials and none are configured for ${this.registry}`,
        );
      }
      if (options.expect.includes(res.status)) return res;
      if (isRetryableStatus(res.status) && replayable) {
        const delay = retryDelay(
          attempt,
          this.shared.policy,
          parseRetryAfter(header(res, 'retry-after')),
          () => this.shared.random(),
        );
        if (delay !== undefined) {
          await discardBody(res);
          this.logger.debug(
            `RegistryClient.call: ${options.operation} answered ${res.status}, retrying in ${delay} ms`,
          );
          await this.shared.sleep(delay, options.signal);
          continue;
        }
      }
      throw await this.errorFromResponse(res, options, attempt);
    }
  }

  private async errorFromResponse(
    res: HttpResponse,
    options: CallOptions,
    attempts: number,
  ): Promise<RegistryError> {
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
  private async exchange(options: CallOptions): Promise<HttpResponse> {
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
    if (res.status === 401) this.learnChallenge(res);
  }

  /** Records the scheme (and token realm) a 401 names. */
  private learnChallenge(res: HttpResponse): void {
    const challenges = parseWwwAuthenticate(header(res, 'www-authenticate') ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm) {
      this.authScheme = 'bearer';
      this.capabilities.auth = 'bearer';
      this.bearer = { realm: bearer.params.realm, service: bearer.params.service };
    } else if (challenges.some((c) => c.scheme === 'basic')) {
      this.authScheme = 'basic';
      this.capabilities.auth = 'basic';
    }
  }

  /**
   * Declares that this run will push to `repository`: pull requests on it then ask for a pull,push
   * token right away, so one token serves the whole copy instead of one per scope set.
   */
  declarePush(repository: string): void {
    this.pushRepositories.add(repository);
  }
  private readonly pushRepositories = new Set<string>();

  private widen(scopes: Scope[]): Scope[] {
    return scopes.map((s) =>
      this.pushRepositories.has(s.repository) && !s.actions.includes('push')
        ? { ...s, actions: [...s.actions, 'push'] }
        : s,
    );
  }

  async headManifest(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<Descriptor | undefined> {
    const operation = `HEAD manifest ${reference}`;
    const res = await this.exchange({
      ...options,
      operation,
      repository,
      scopes: pull(repository),
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
      expect: [200, 404],
    });
    if (res.status === 404) return undefined;
    const digest = header(res, 'docker-content-digest');
    const mediaType = header(res, 'content-type');
    const size = Number(header(res, 'content-length'));
    if (!digest || !isValidDigest(digest) || !mediaType || !Number.isFinite(size)) {
      // Not enough to trust: fetch and hash instead.
      const fetched = await this.getManifest(repository, reference, options);
      return fetched.descriptor;
    }
    if (reference.includes(':') && digest !== reference) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.context(operation, repository),
        `registry reported ${digest}`,
      );
    }
    return { mediaType: mediaType.split(';')[0]!.trim(), digest, size };
  }

  /** GET a manifest by tag or digest; verifies its bytes against the requested digest and Docker-Content-Digest. */
  async getManifest(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<FetchedManifest> {
    const operation = `GET manifest ${reference}`;
    const res = await this.call({
      ...options,
      operation,
      repository,
      scopes: pull(repository),
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
      expect: [200],
    });
    let bytes: Buffer;
    try {
      bytes = await readBody(res, this.shared.bounds['manifest-bytes']);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new RegistryError(
          'TOO_LARGE',
          this.context(operation, repository),
          tooLarge('manifest-bytes', this.shared.bounds['manifest-bytes'], 'manifest'),
        );
      }
      throw new RegistryError('NETWORK_ERROR', this.context(operation, repository), describeError(error), {
        cause: error,
      });
    }
    const headerDigest = header(res, 'docker-content-digest');
    const isDigest = reference.includes(':');
    const expected = isDigest ? reference : headerDigest;
    const algorithm = expected && isValidDigest(expected) ? digestAlgorithm(expected) : 'sha256';
    const actual = computeDigest(bytes, algorithm);
    if (expected && actual !== expected) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.context(operation, repository),
        `content is ${actual}, expected ${expected}`,
      );
    }
    if (isDigest && headerDigest && headerDigest !== reference && isValidDigest(headerDigest)) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.context(operation, repository),
        `registry reported ${headerDigest}`,
      );
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    } catch {
      throw new RegistryError(
        'MANIFEST_INVALID',
        this.context(operation, repository),
        'manifest is not JSON',
      );
    }
    const mediaType = manifest.mediaType ?? header(res, 'content-type')?.split(';')[0]?.trim() ?? '';
    if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) {
      throw new RegistryError(
        'UNSUPPORTED',
        this.context(operation, repository),
        `manifest media type "${mediaType}" is not supported`,
      );
    }
    return { descriptor: { mediaType, digest: actual, size: bytes.length }, bytes, manifest };
  }

  /**
   * PUT a manifest under a tag or its digest. Checks the registry's Docker-Content-Digest against our
   * bytes. Returns the OCI-Subject header when the registry processed a subject (referrers API).
   */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
    options: TransferOptions = {},
  ): Promise<{ digest: string; subjectProcessed: boolean; confirmed: boolean }> {
    const operation = `PUT manifest ${reference}`;
    const digest = computeDigest(
      bytes,
      reference.includes(':') && isValidDigest(reference) ? digestAlgorithm(reference) : 'sha256',
    );
    if (reference.includes(':') && digest !== reference) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.context(operation, repository),
        `content is ${digest}, not ${reference}`,
      );
    }
    const res = await this.exchange({
      ...options,
      operation,
      repository,
      scopes: push(repository),
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { 'content-type': mediaType },
      body: bytes,
      expect: [200, 201, 202],
    }).catch((error: unknown) => {
      if (
        error instanceof RegistryError &&
        mediaType.includes('vnd.oci') &&
        (error.status === 400 || error.status === 415)
      ) {
        this.capabilities.ociMediaTypes = false;
      }
      throw error;
    });
    if (mediaType.includes('vnd.oci')) this.capabilities.ociMediaTypes = true;
    const reported = header(res, 'docker-content-digest');
    if (
      reported &&
      isValidDigest(reported) &&
      digestAlgorithm(reported) === digestAlgorithm(digest) &&
      reported !== digest
    ) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.context(operation, repository),
        `registry stored ${reported}, we sent ${digest}`,
      );
    }
    const subjectProcessed = Boolean(header(res, 'oci-subject'));
    if (subjectProcessed) this.capabilities.referrersApi = true;
    // `confirmed`: the registry named the digest it stored, and it is ours.
    return { digest, subjectProcessed, confirmed: reported === digest };
  }

  async deleteManifest(repository: string, digest: string): Promise<void> {
    await this.exchange({
      operation: `DELETE manifest ${digest}`,
      repository,
      scopes: [{ repository, actions: ['delete'] }],
      method: 'DELETE',
      path: `/v2/${repository}/manifests/${digest}`,
      expect: [202, 200, 404],
    });
  }

  /** Blob size when the blob exists in the repository, else undefined. */
  async headBlob(
    repository: string,
    digest: string,
    options: TransferOptions = {},
  ): Promise<number | undefined> {
    const res = await this.exchange({
      ...options,
      operation: `HEAD blob ${digest}`,
      repository,
      scopes: pull(repository),
      method: 'HEAD',
      path: `/v2/${repository}/blobs/${digest}`,
      followRedirects: true,
      expect: [200, 404],
    });
    if (res.status === 404) return undefined;
    const size = Number(header(res, 'content-length'));
    return Number.isFinite(size) ? size : -1;
  }

  /**
   * Streams a blob, verifying size and digest. Connection failures mid-body resume with a Range
   * request from the last byte received (or re-read and skip when the registry ignores Range). The
   * final chunk is released only after the digest checks out.
   */
  openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    options: TransferOptions & { onBytes?: (n: number) => void } = {},
  ): Readable {
    return Readable.from(this.readBlob(repository, descriptor, options), { objectMode: false });
  }

  /** openBlob's chunks as an async iterable, without a stream around them (one hop less per chunk). */
  async *readBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    options: TransferOptions & { onBytes?: (n: number) => void },
  ): AsyncGenerator<Buffer> {
    const { digest, size } = descriptor;
    const operation = `GET blob ${digest}`;
    const digester = new Digester(digestAlgorithm(digest));
    let pending: Buffer | undefined;
    let received = 0;
    for (let attempt = 1; ; attempt++) {
      const res = await this.call({
        ...options,
        operation,
        repository,
        scopes: pull(repository),
        method: 'GET',
        path: `/v2/${repository}/blobs/${digest}`,
        headers: received > 0 ? { range: `bytes=${received}-` } : undefined,
        followRedirects: true,
        expect: received > 0 ? [200, 206] : [200],
      });
      let skip = received > 0 && res.status === 200 ? received : 0;
      // A registry announcing more than the descriptor's size (a 2 GB Content-Length on a tiny blob)
      // is refused before a byte is read, instead of after a long wait for bytes that never come.
      const announced = Number(header(res, 'content-length'));
      const expected = res.status === 206 ? size - received : size;
      if (size >= 0 && Number.isFinite(announced) && announced > expected) {
        res.body.destroy();
        throw new RegistryError(
          'SIZE_MISMATCH',
          this.context(operation, repository),
          `the registry announces ${announced} bytes, the descriptor says ${size}`,
        );
      }
      try {
        for await (const raw of res.body as AsyncIterable<Buffer>) {
          let chunk = raw;
          if (skip > 0) {
            if (chunk.length <= skip) {
              skip -= chunk.length;
              continue;
            }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          digester.update(chunk);
          received += chunk.length;
          options.onBytes?.(chunk.length);
          if (size >= 0 && received > size) {
            res.body.destroy();
            throw new RegistryError(
              'SIZE_MISMATCH',
              this.context(operation, repository),
              `more than the expected ${size} bytes`,
            );
          }
          if (pending) yield pending;
          pending = chunk;
        }
        break;
      } catch (error) {
        if (error instanceof RegistryError) throw error;
        const delay = isRetryableNetworkError(error)
          ? retryDelay(attempt, this.shared.policy, undefined, () => this.shared.random())
          : undefined;
        this.logger.debug(
          `RegistryClient.openBlob: ${digest} broke after ${received} bytes: ${describeError(error)}`,
        );
        if (delay === undefined) {
          throw new RegistryError(
            'NETWORK_ERROR',
            this.context(operation, repository, { attempts: attempt }),
            describeError(error),
            { cause: error },
          );
        }
        await this.shared.sleep(delay, options.signal);
      }
    }
    const actual = digester.digest();
    if (size >= 0 && received !== size) {
      throw new RegistryError(
        'SIZE_MISMATCH',
        this.context(operation, repository),
        `got ${received} bytes, expected ${size}`,
      );
    }
    if (actual !== digest) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.context(operation, repository),
        `content is ${actual}, which does not match the digest`,
      );
    }
    if (pending) yield pending;
  }

  /**
   * Reads a small blob (a config, a signature payload) into memory, verified. Bounded by `maxBytes`
   * (the manifest-bytes limit) whatever the descriptor says: a size of -1 (unknown, as headBlob
   * reports for a registry without Content-Length) or a registry that sends more is cut off.
   */
  async fetchBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes = this.shared.bounds['manifest-bytes'],
  ): Promise<Buffer> {
    const operation = `GET blob ${descriptor.digest}`;
    if (descriptor.size > maxBytes) {
      throw new RegistryError(
        'TOO_LARGE',
        this.context(operation, repository),
        tooLarge('manifest-bytes', maxBytes, `blob of ${descriptor.size} bytes`),
      );
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const stream = this.openBlob(repository, descriptor);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) {
        stream.destroy();
        throw new RegistryError(
          'TOO_LARGE',
          this.context(operation, repository),
          tooLarge('manifest-bytes', maxBytes, `blob of more than ${maxBytes} bytes`),
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /**
   * Cross-repository mount. `mounted` on 201; on 202 the registry opened an upload session instead,
   * which we cancel (the caller uploads, possibly much later) and report `not-mounted`.
   */
  async mountBlob(
    repository: string,
    digest: string,
    from: string,
    options: TransferOptions = {},
  ): Promise<'mounted' | 'not-mounted'> {
    const operation = `mount blob ${digest} from ${from}`;
    const res = await this.exchange({
      ...options,
      operation,
      repository,
      scopes: [...push(repository), { repository: from, actions: ['pull'] }],
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      expect: [201, 202],
    });
    if (res.status === 201) {
      this.capabilities.crossRepoMount = true;
      const reported = header(res, 'docker-content-digest');
      if (reported && reported !== digest) {
        throw new RegistryError(
          'DIGEST_MISMATCH',
          this.context(operation, repository),
          `registry mounted ${reported}`,
        );
      }
      return 'mounted';
    }
    const location = header(res, 'location');
    if (location) await this.cancelUpload(repository, location, options).catch(() => undefined);
    this.capabilities.crossRepoMount ??= false;
    return 'not-mounted';
  }

  private async startUpload(
    repository: string,
    options: TransferOptions,
  ): Promise<{ location: string; minChunk: number }> {
    const base = await this.baseUrl();
    const res = await this.exchange({
      ...options,
      operation: 'start blob upload',
      repository,
      scopes: push(repository),
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/`,
      expect: [202],
    });
    const location = header(res, 'location');
    if (!location)
      throw new RegistryError(
        'PROTOCOL_ERROR',
        this.context('start blob upload', repository),
        'no Location header',
      );
    return {
      location: new URL(location, base).toString(),
      minChunk: Number(header(res, 'oci-chunk-min-length')) || 0,
    };
  }

  private async cancelUpload(repository: string, location: string, options: TransferOptions): Promise<void> {
    const base = await this.baseUrl();
    await this.exchange({
      ...options,
      operation: 'cancel blob upload',
      repository,
      scopes: push(repository),
      method: 'DELETE',
      path: new URL(location, base).toString(),
      expect: [204, 200, 202, 404],
    });
  }

  /**
   * Uploads a blob: one streamed PUT (monolithic), or PATCH chunks when `chunkSize` is set. A failed
   * chunked upload resumes from the offset the registry reports; a failed monolithic upload restarts
   * from `source.open(0)`. The registry's digest is checked against ours.
   */
  async uploadBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource,
    options: UploadOptions = {},
  ): Promise<void> {
    const { digest, size } = descriptor;
    const operation = `upload blob ${digest}`;
    let first = source.first;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.shared.policy.maxAttempts; attempt++) {
      try {
        if (options.chunkSize && source.open) {
          const live = first;
          first = undefined;
          await this.uploadChunked(repository, descriptor, source.open, options, live);
        } else {
          const body = first ?? (source.open ? await source.open(0) : undefined);
          first = undefined;
          if (!body) break;
          try {
            const { location } = await this.startUpload(repository, options);
            await this.completeUpload(
              repository,
              digest,
              withDigest(location, digest),
              body,
              size,
              operation,
              options,
            );
          } catch (error) {
            // Tells a fan-out writer feeding this stream to stop waiting for it.
            body.destroy();
            throw error;
          }
        }
        return;
      } catch (error) {
        lastError = error;
        const retryable =
          source.open &&
          (isRetryableNetworkError(error) ||
            (error instanceof RegistryError &&
              (error.code === 'NETWORK_ERROR' ||
                // A streamed body cannot be replayed after a 401 (token expired mid-copy): the next
                // attempt starts with a fresh session, which re-authenticates.
                (error.code === 'UNAUTHORIZED' && attempt === 1) ||
                (error.status !== undefined && isRetryableStatus(error.status)))));
        this.logger.debug(
          `RegistryClient.uploadBlob: ${digest} attempt ${attempt} failed: ${describeError(error)}`,
        );
        if (!retryable || attempt >= this.shared.policy.maxAttempts) break;
        await this.shared.sleep(
          retryDelay(attempt, this.shared.policy, undefined, () => this.shared.random()) ?? 0,
          options.signal,
        );
      }
    }
    if (lastError instanceof RegistryError) throw lastError;
    throw new RegistryError(
      'NETWORK_ERROR',
      this.context(operation, repository),
      describeError(lastError ?? 'no data to upload'),
      { cause: lastError },
    );
  }

  private async completeUpload(
    repository: string,
    digest: string,
    url: string,
    body: Readable | Buffer,
    size: number,
    operation: string,
    options: UploadOptions,
  ): Promise<void> {
    const res = await this.exchange({
      ...options,
      operation,
      repository,
      scopes: push(repository),
      method: 'PUT',
      path: url,
      headers: { 'content-type': 'application/octet-stream', 'content-length': size },
      body,
      expect: [201, 204],
    });
    options.onBytes?.(size);
    const reported = header(res, 'docker-content-digest');
    if (reported && reported !== digest) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.context(operation, repository),
        `registry stored ${reported}`,
      );
    }
  }

  /**
   * PATCH chunks, each from `live` (a one-shot stream, e.g. one branch of a fan-out, read in order) while it
   * lasts, else from `open(offset)`. After a failure the live stream is dropped and the upload goes on from the
   * offset the registry reports, so what is sent twice is at most the chunk in flight.
   */
  private async uploadChunked(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: (offset: number) => Promise<Readable>,
    options: UploadOptions,
    live?: Readable,
  ): Promise<void> {
    const { digest, size } = descriptor;
    const operation = `upload blob ${digest}`;
    let slicer = live ? new StreamSlicer(live) : undefined;
    let session: { location: string; minChunk: number };
    try {
      session = await this.startUpload(repository, options);
    } catch (error) {
      live?.destroy();
      throw error;
    }
    const chunkSize = Math.max(options.chunkSize ?? 0, session.minChunk);
    let location = session.location;
    let offset = 0;
    let failures = 0;
    while (offset < size) {
      const end = Math.min(size, offset + chunkSize) - 1;
      const stream = slicer ? slicer.next(end - offset + 1) : await open(offset);
      const limited = slicer ? stream : takeBytes(stream, end - offset + 1);
      try {
        const res = await this.exchange({
          ...options,
          operation: `${operation} (PATCH ${offset}-${end})`,
          repository,
          scopes: push(repository),
          method: 'PATCH',
          path: location,
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': end - offset + 1,
            'content-range': `${offset}-${end}`,
          },
          body: limited,
          expect: [202],
        });
        this.capabilities.chunkedUpload = true;
        options.onBytes?.(end - offset + 1);
        location = new URL(header(res, 'location') ?? location, location).toString();
        offset = end + 1;
      } catch (error) {
        stream.destroy();
        // The live stream is past the failed chunk now: the rest comes from open(offset).
        slicer?.destroy();
        slicer = undefined;
        if (++failures >= this.shared.policy.maxAttempts) throw error;
        if (error instanceof RegistryError && error.status === 416) throw error;
        await this.shared.sleep(
          retryDelay(failures, this.shared.policy, undefined, () => this.shared.random()) ?? 0,
          options.signal,
        );
        // Ask the registry how much it has and resume from there. A registry that dropped the session
        // (distribution does after a body cut mid-PATCH) gets a new one, from the start.
        const status = await this.exchange({
          ...options,
          operation: `${operation} (status)`,
          repository,
          scopes: push(repository),
          method: 'GET',
          path: location,
          expect: [204, 200, 404],
        });
        if (status.status === 404) {
          this.logger.debug(`RegistryClient.uploadChunked: ${digest} session lost, restarting`);
          location = (await this.startUpload(repository, options)).location;
          offset = 0;
          continue;
        }
        const range = /^(?:bytes=)?0-(\d+)$/.exec(header(status, 'range') ?? '');
        if (!range || range[1] === '0') {
          // No range, or `0-0`, which distribution answers both for 0 and for 1 byte received: start over.
          await this.cancelUpload(repository, location, options).catch(() => undefined);
          location = (await this.startUpload(repository, options)).location;
          offset = 0;
          continue;
        }
        offset = Number(range[1]) + 1;
        location = new URL(header(status, 'location') ?? location, location).toString();
      }
    }
    const res = await this.exchange({
      ...options,
      operation,
      repository,
      scopes: push(repository),
      method: 'PUT',
      path: withDigest(location, digest),
      expect: [201, 204],
    });
    const reported = header(res, 'docker-content-digest');
    if (reported && reported !== digest) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.context(operation, repository),
        `registry stored ${reported}`,
      );
    }
  }

  /** Pushes a small blob from memory unless it exists; returns its descriptor. */
  async pushBlob(
    repository: string,
    data: Buffer,
    mediaType = 'application/octet-stream',
  ): Promise<Descriptor> {
    const descriptor: Descriptor = { mediaType, digest: computeDigest(data), size: data.length };
    if ((await this.headBlob(repository, descriptor.digest)) === undefined) {
      await this.uploadBlob(repository, descriptor, {
        open: async (offset) => Readable.from([data.subarray(offset)]),
      });
    }
    return descriptor;
  }

  /** All tags, following `Link` pagination. */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    const base = await this.baseUrl();
    while (path) {
      const res = await this.call({
        operation: 'list tags',
        repository,
        scopes: pull(repository),
        method: 'GET',
        path,
        expect: [200, 404],
      });
      if (res.status === 404) {
        await discardBody(res);
        return tags;
      }
      const json = JSON.parse((await readBody(res, 32 * 1024 * 1024)).toString('utf8')) as {
        tags?: string[] | null;
      };
      tags.push(...(json.tags ?? []));
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(header(res, 'link') ?? '');
      path = link ? new URL(link[1]!, base).toString() : undefined;
    }
    return tags;
  }

  /**
   * Referrers of a manifest: the OCI 1.1 API when the registry has it, else the `sha256-<hex>` tag
   * schema. A 404/400/405/406 from the API marks it absent for this registry.
   */
  async getReferrers(
    repository: string,
    digest: string,
    options: { artifactType?: string } = {},
  ): Promise<ReferrersResult> {
    if (this.capabilities.referrersApi !== false) {
      const query = options.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : '';
      const res = await this.call({
        operation: `GET referrers ${digest}`,
        repository,
        scopes: pull(repository),
        method: 'GET',
        path: `/v2/${repository}/referrers/${digest}${query}`,
        headers: { accept: MediaType.OciIndex },
        expect: [200, 400, 404, 405, 406],
      });
      const contentType = header(res, 'content-type') ?? '';
      if (res.status === 200 && contentType.startsWith(MediaType.OciIndex)) {
        this.capabilities.referrersApi = true;
        const operation = `GET referrers ${digest}`;
        const limit = this.shared.bounds['manifest-bytes'];
        const body = await readBody(res, limit).catch((error: unknown) => {
          throw error instanceof BodyTooLargeError
            ? new RegistryError(
                'TOO_LARGE',
                this.context(operation, repository),
                tooLarge('manifest-bytes', limit, 'referrers listing'),
              )
            : new RegistryError('NETWORK_ERROR', this.context(operation, repository), describeError(error), {
                cause: error,
              });
        });
        let index: ImageIndex;
        try {
          index = JSON.parse(body.toString('utf8')) as ImageIndex;
        } catch {
          throw new RegistryError(
            'PROTOCOL_ERROR',
            this.context(operation, repository),
            'referrers listing is not JSON',
          );
        }
        if (!Array.isArray(index?.manifests ?? []))
          throw new RegistryError(
            'PROTOCOL_ERROR',
            this.context(operation, repository),
            'referrers listing has no manifests array',
          );
        let descriptors = index.manifests ?? [];
        if (options.artifactType && !header(res, 'oci-filters-applied')) {
          descriptors = descriptors.filter((d) => d.artifactType === options.artifactType);
        }
        return { descriptors, via: 'api' };
      }
      await discardBody(res);
      this.capabilities.referrersApi = false;
    }
    const tagged = await this.getManifestIfExists(repository, referrersTag(digest));
    if (!tagged) return { descriptors: [], via: 'tag-schema' };
    let descriptors = isIndex(tagged.manifest) ? tagged.manifest.manifests : [];
    if (options.artifactType)
      descriptors = descriptors.filter((d) => d.artifactType === options.artifactType);
    return { descriptors, via: 'tag-schema', tagSchemaIndex: tagged };
  }

  async getManifestIfExists(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<FetchedManifest | undefined> {
    try {
      return await this.getManifest(repository, reference, options);
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /**
   * Pushes an artifact manifest that has a `subject` and makes it discoverable: nothing more when the
   * registry processed the subject (OCI-Subject header), else adds it to the `sha256-<hex>` index by a
   * read-modify-write that is serialized per subject within this process.
   */
  async pushReferrer(repository: string, bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    if (!manifest.subject) {
      throw new RegistryError(
        'MANIFEST_INVALID',
        this.context('push referrer', repository),
        'the manifest has no subject',
      );
    }
    const { digest, subjectProcessed } = await this.putManifest(
      repository,
      computeDigest(bytes),
      bytes,
      mediaType,
    );
    const descriptor = referrerDescriptor(manifest, { mediaType, digest, size: bytes.length });
    if (!subjectProcessed && this.capabilities.referrersApi !== true) {
      await this.addToReferrersTag(repository, manifest.subject.digest, [descriptor]);
    }
    return descriptor;
  }

  /**
   * Adds descriptors to the tag-schema index of `subject` (creating it from `initial` bytes when the
   * tag does not exist yet, to keep a copied index digest-identical). Returns true when it wrote.
   */
  async addToReferrersTag(
    repository: string,
    subject: string,
    descriptors: Descriptor[],
    initial?: { bytes: Buffer; mediaType: string },
  ): Promise<boolean> {
    const tag = referrersTag(subject);
    return this.tagSchemaLock.run(`${repository}@${tag}`, async () => {
      const existing = await this.getManifestIfExists(repository, tag);
      if (!existing && initial) {
        const index = JSON.parse(initial.bytes.toString('utf8')) as ImageIndex;
        const listed = new Set(index.manifests.map((d) => d.digest));
        if (descriptors.every((d) => listed.has(d.digest))) {
          await this.putManifest(repository, tag, initial.bytes, initial.mediaType);
          return true;
        }
      }
      const index: ImageIndex =
        existing && isIndex(existing.manifest)
          ? existing.manifest
          : { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
      const listed = new Set(index.manifests.map((d) => d.digest));
      const missing = descriptors.filter((d) => !listed.has(d.digest));
      if (existing && missing.length === 0) return false;
      index.manifests.push(...missing);
      await this.putManifest(repository, tag, Buffer.from(JSON.stringify(index)), MediaType.OciIndex);
      return true;
    });
  }

  /**
   * Fills in the capability record: referrers API by a read-only GET; with `write`, chunked upload by
   * opening an upload session, sending one PATCH byte and cancelling it.
   */
  async probeCapabilities(
    repository: string,
    options: { write?: boolean } = {},
  ): Promise<RegistryCapabilities> {
    await this.ping().catch(() => undefined);
    if (this.capabilities.referrersApi === null) {
      // Any digest will do: a registry with the API answers 200 and an empty index even for unknown ones.
      const res = await this.call({
        operation: 'probe referrers API',
        repository,
        scopes: pull(repository),
        method: 'GET',
        path: `/v2/${repository}/referrers/${computeDigest('{}')}`,
        headers: { accept: MediaType.OciIndex },
        expect: [200, 400, 404, 405, 406],
      }).catch(() => undefined);
      if (res) {
        this.capabilities.referrersApi =
          res.status === 200 && (header(res, 'content-type') ?? '').startsWith(MediaType.OciIndex);
        await discardBody(res);
      }
    }
    if (options.write && this.capabilities.chunkedUpload === null) {
      try {
        const session = await this.startUpload(repository, {});
        const res = await this.exchange({
          operation: 'probe chunked upload',
          repository,
          scopes: push(repository),
          method: 'PATCH',
          path: session.location,
          headers: { 'content-type': 'application/octet-stream', 'content-range': '0-0' },
          body: Buffer.from([0x7b]),
          expect: [202, 400, 404, 405, 416],
        });
        this.capabilities.chunkedUpload = res.status === 202;
        const location =
          res.status === 202 ? (header(res, 'location') ?? session.location) : session.location;
        await this.cancelUpload(repository, location, {}).catch(() => undefined);
      } catch (error) {
        this.logger.debug(`RegistryClient.probeCapabilities: chunked probe failed: ${describeError(error)}`);
      }
    }
    return { ...this.capabilities };
  }
}

/** The tag-schema tag for referrers of `digest`: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  return `${digest.slice(0, digest.indexOf(':'))}-${digestHex(digest)}`;
}

/** The descriptor a referrers listing carries for an artifact manifest. */
export function referrerDescriptor(manifest: Manifest, base: Descriptor): Descriptor {
  const descriptor: Descriptor = { mediaType: base.mediaType, digest: base.digest, size: base.size };
  const artifactType = referrerArtifactType(manifest);
  if (artifactType) descriptor.artifactType = artifactType;
  if (manifest.annotations && Object.keys(manifest.annotations).length > 0)
    descriptor.annotations = manifest.annotations;
  return descriptor;
}

function pull(repository: string): Scope[] {
  return [{ repository, actions: ['pull'] }];
}

function push(repository: string): Scope[] {
  return [{ repository, actions: ['pull', 'push'] }];
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/**
 * Cuts a one-shot stream into consecutive bodies of given lengths, in order: each `next(n)` yields the following
 * `n` bytes (fewer only if the stream ends), keeping what it read beyond them for the next body.
 */
class StreamSlicer {
  private readonly chunks: AsyncIterator<Buffer>;
  private leftover: Buffer | undefined;

  constructor(private readonly source: Readable) {
    this.chunks = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  next(n: number): Readable {
    const pull = (max: number) => this.pull(max);
    return Readable.from(
      (async function* () {
        for (let left = n; left > 0;) {
          const chunk = await pull(left);
          if (!chunk) return;
          left -= chunk.length;
          yield chunk;
        }
      })(),
      { objectMode: false },
    );
  }

  private async pull(max: number): Promise<Buffer | undefined> {
    let chunk = this.leftover;
    this.leftover = undefined;
    if (!chunk) {
      const read = await this.chunks.next();
      if (read.done) return undefined;
      chunk = read.value;
    }
    if (chunk.length > max) {
      this.leftover = chunk.subarray(max);
      chunk = chunk.subarray(0, max);
    }
    return chunk;
  }

  destroy(): void {
    this.source.destroy();
  }
}

/** Passes through exactly `n` bytes of a stream, then ends. */
function takeBytes(source: Readable, n: number): Readable {
  let left = n;
  return Readable.from(
    (async function* () {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (left <= 0) break;
        const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= part.length;
        yield part;
        if (left <= 0) break;
      }
      source.destroy();
    })(),
    { objectMode: false },
  );
}

/** The detail of a TOO_LARGE error: the limit, its value and how to raise it. */
function tooLarge(limit: 'manifest-bytes' | 'token-response-bytes', value: number, what: string): string {
  return `${what} over the ${limit} limit (${value} bytes); ${howToRaise(limit)}`;
}

/**
 * Whether `realmHost` belongs to the registry `registryHost` (host[:port]): the same host name, or the same
 * site (the last two labels of a domain name, `docker.io` for `registry-1.docker.io` and `auth.docker.io`).
 * IP addresses match only themselves.
 */
export function sameSite(registryHost: string, realmHost: string): boolean {
  const strip = (h: string) =>
    h
      .replace(/^\[|\](:\d+)?$/g, '')
      .replace(/:\d+$/, '')
      .toLowerCase();
  const a = strip(registryHost === DOCKER_HUB ? DOCKER_HUB_API_HOST : registryHost);
  const b = strip(realmHost);
  if (a === b) return true;
  const isIp = (h: string) => /^[0-9.]+$/.test(h) || h.includes(':');
  if (isIp(a) || isIp(b)) return false;
  const site = (h: string) => h.split('.').slice(-2).join('.');
  return a.includes('.') && b.includes('.') && site(a) === site(b);
}
