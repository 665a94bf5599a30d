import { DEFAULT_LIMITS } from '@deliverkit/action-kit';
import {
  type Credential,
  formatScope,
  normalizeScopes,
  parseTokenResponse,
  parseWwwAuthenticate,
  type Scope,
  type TokenResponse,
} from './auth';
import { RegistryError, type RegistryErrorContext } from './errors';
import { describeError, header, tooLarge } from './http-util';
import { DOCKER_HUB, DOCKER_HUB_API_HOST } from '@deliverkit/oci-core';
import {
  type AttemptResult,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  withRetry,
} from './retry';
import type { RegistryHttp } from './registry-http';
import { BodyTooLargeError, discardBody, type HttpRequest, type HttpResponse, readBody } from './transport';

/**
 * The auth state of one registry host: its scheme (anonymous, Basic, Bearer), the token realm, and
 * Bearer tokens per scope set, reused until expiry and fetched once however many requests want them.
 */
export class AuthSession {
  authScheme: 'unknown' | 'anonymous' | 'basic' | 'bearer' = 'unknown';
  private bearer: { realm: string; service?: string } | undefined;
  private readonly tokens = new Map<string, TokenResponse>();
  private readonly tokenFetches = new Map<string, Promise<TokenResponse>>();
  private credential: Promise<Credential | undefined> | undefined;

  constructor(private readonly http: RegistryHttp) {}

  getCredential(): Promise<Credential | undefined> {
    this.credential ??= this.http.shared.credentials().get(this.http.registry);
    return this.credential;
  }

  async authHeader(scopes: Scope[], operation: string, repository?: string): Promise<string | undefined> {
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
  async realmCredential(realm: URL, ctx: RegistryErrorContext): Promise<Credential | undefined> {
    const credential = await this.getCredential();
    if (!credential) return undefined;
    const registryTls = this.http.capabilities.tls !== false;
    if (registryTls && realm.protocol === 'http:') {
      throw new RegistryError(
        'DENIED',
        ctx,
        `the token realm ${realm.host} is plain http while the registry is https: credentials for ${this.http.registry} are not sent there`,
      );
    }
    if (sameSite(this.http.host, realm.hostname)) return credential;
    const own = await this.http.shared.credentials().get(realm.host);
    if (own) return own;
    throw new RegistryError(
      'DENIED',
      ctx,
      `the registry names a token realm on another host (${realm.host}); credentials for ${this.http.registry} are not sent there. ` +
        `If ${realm.host} is this registry's token service, give it its own registry-auths entry`,
    );
  }

  async token(
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
  cachedToken(scopes: Scope[]): TokenResponse | undefined {
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

  async fetchToken(
    scopes: string[],
    extra: string[],
    operation: string,
    repository?: string,
  ): Promise<TokenResponse> {
    const bearer = this.bearer!;
    const ctx = this.http.context(`authenticate for ${operation}`, repository);
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
    this.http.logger.debug(
      `RegistryClient.fetchToken: ${url.host} scopes=${allScopes.join(' ') || '(none)'}`,
    );
    const request = tokenRequest(url, bearer.service, allScopes, credential);
    return withRetry(this.http.shared, async (attempt, backoff): Promise<AttemptResult<TokenResponse>> => {
      let res: HttpResponse;
      try {
        res = await this.http.shared.transport.request(request);
      } catch (error) {
        const delay = isRetryableNetworkError(error) ? backoff() : undefined;
        if (delay !== undefined) return { waitMs: delay };
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
          return { value: parseTokenResponse(body.toString('utf8')) };
        } catch (error) {
          throw new RegistryError(
            'PROTOCOL_ERROR',
            ctx,
            `token endpoint ${url.host}: ${(error as Error).message}`,
          );
        }
      }
      const delay = isRetryableStatus(res.status)
        ? backoff(parseRetryAfter(header(res, 'retry-after')))
        : undefined;
      await discardBody(res);
      if (delay !== undefined) return { waitMs: delay };
      if (res.status === 401 || res.status === 403) {
        throw new RegistryError(
          res.status === 401 ? 'UNAUTHORIZED' : 'DENIED',
          { ...ctx, status: res.status },
          `token endpoint ${url.host} answered ${res.status}: ${credential ? `check the credentials for ${this.http.registry}` : `no credentials are configured for ${this.http.registry}`}`,
        );
      }
      throw new RegistryError(
        'HTTP_ERROR',
        { ...ctx, status: res.status, attempts: attempt },
        `token endpoint ${url.host} answered ${res.status}`,
      );
    });
  }

  /** Learns the auth scheme from a 401. Returns true when a retry with new credentials makes sense. */
  async onChallenge(
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
      this.http.capabilities.auth = 'bearer';
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
      this.authScheme = 'basic';
      this.http.capabilities.auth = 'basic';
      const credential = await this.getCredential();
      // A request that went out without them (all first requests at once, before the scheme was known) goes again
      // with the credentials; one that carried them was refused.
      return credential?.username !== undefined && !sent?.startsWith('Basic ');
    }
    return false;
  }

  /** Records the scheme (and token realm) a 401 names. */
  learnChallenge(res: HttpResponse): void {
    const challenges = parseWwwAuthenticate(header(res, 'www-authenticate') ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm) {
      this.authScheme = 'bearer';
      this.http.capabilities.auth = 'bearer';
      this.bearer = { realm: bearer.params.realm, service: bearer.params.service };
    } else if (challenges.some((c) => c.scheme === 'basic')) {
      this.authScheme = 'basic';
      this.http.capabilities.auth = 'basic';
    }
  }
}

/**
 * The request for a token, built once so that every attempt asks for the same thing: an OAuth2 refresh-token POST
 * with an identity token, else a GET naming the service, each scope and the account (Basic auth when there is a
 * password).
 */
function tokenRequest(
  realm: URL,
  service: string | undefined,
  scopes: string[],
  credential: Credential | undefined,
): HttpRequest {
  if (credential?.identityToken) {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credential.identityToken,
      client_id: 'deliverkit',
    });
    if (service) form.set('service', service);
    if (scopes.length) form.set('scope', scopes.join(' '));
    return {
      method: 'POST',
      url: realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(form.toString()),
    };
  }
  const url = new URL(realm);
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = {};
  if (credential?.username !== undefined && credential.password !== undefined) {
    url.searchParams.set('account', credential.username);
    headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
  }
  return { method: 'GET', url, headers, followRedirects: true };
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
