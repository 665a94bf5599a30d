import { randomBytes, sign, X509Certificate } from 'node:crypto';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { getTestbedCa } from './ca';
import { registerStopper } from './cleanup';

/** Access a user may be granted. Every action a token carries was asked for AND granted here. */
export interface AccessGrant {
  /** Resource type: `repository` when omitted; `registry` for `registry:catalog:*`. */
  type?: string;
  /** Resource name: exact, a glob whose `*` matches anything (slashes included), or a RegExp. */
  name: string | RegExp;
  /** Granted actions (`pull`, `push`, `delete`, ...); `*` grants every action asked for. */
  actions: string[];
}

export interface TokenUser {
  password: string;
  grants: AccessGrant[];
}

/** One resource scope as in `repository:name:pull,push`, and as carried in the JWT `access` claim. */
export interface ResourceAccess {
  type: string;
  name: string;
  actions: string[];
}

/** A record of one token the server issued. */
export interface IssuedToken {
  at: Date;
  /** undefined for an anonymous request. */
  username: string | undefined;
  method: 'GET' | 'POST';
  requested: ResourceAccess[];
  granted: ResourceAccess[];
  /** Lifetime written into the JWT `exp` claim. */
  lifetimeSeconds: number;
  token: string;
}

export interface TokenServerOptions {
  /** The `service` the registry names in its challenge and checks as the JWT audience. */
  service?: string;
  issuer?: string;
  users?: Record<string, TokenUser>;
  /** What a request without credentials may get. Default: nothing (the token carries no access). */
  anonymous?: AccessGrant[];
  /** Default 300. See setTokenLifetime. */
  tokenLifetimeSeconds?: number;
}

export interface TokenServerHandle {
  /** The realm: `https://127.0.0.1:PORT/token` (TLS with the test bed CA). */
  url: string;
  service: string;
  issuer: string;
  /** Certificate whose key signs the JWTs: the registry's `auth.token.rootcertbundle`. */
  rootCertFile: string;
  /** How many tokens were issued so far (GET and POST). */
  readonly issuedCount: number;
  /** Every issued token, oldest first. */
  readonly issued: readonly IssuedToken[];
  /** How many requests were refused (wrong credentials, unknown service, bad grant). */
  readonly rejectedCount: number;
  /**
   * Lifetime of tokens issued from now on. `advertisedSeconds` (default: the same) is what `expires_in` tells the
   * client. Note distribution accepts a token up to 60 s past its `exp` (clock-skew leeway): to get tokens the
   * registry already rejects, use a lifetime below -60 (e.g. `setTokenLifetime(-120, 300)`).
   */
  setTokenLifetime(seconds: number, advertisedSeconds?: number): void;
  setUser(username: string, user: TokenUser): void;
  removeUser(username: string): void;
  setAnonymous(grants: AccessGrant[]): void;
  stop(): Promise<void>;
}

/**
 * Starts a Docker token-protocol server (https://distribution.github.io/distribution/spec/auth/token/):
 * `GET /token?service=S&scope=repository:NAME:pull,push&scope=...` with optional Basic credentials answers
 * `{token, access_token, expires_in, issued_at}`; `POST /token` takes the OAuth2 form
 * (`grant_type=password|refresh_token`, space-separated `scope`) as containerd sends it. Wrong credentials get 401.
 * The JWT is RS256 with an `x5c` header holding the signing certificate, which distribution 2.8 verifies against
 * its rootcertbundle; the `access` claim holds only what was both requested and granted.
 */
export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServerHandle> {
  const ca = await getTestbedCa();
  const service = options.service ?? 'deliverkit-testbed-registry';
  const issuer = options.issuer ?? 'deliverkit-testbed-token-server';
  const users = new Map(Object.entries(options.users ?? {}));
  let anonymous = options.anonymous ?? [];
  let lifetime = options.tokenLifetimeSeconds ?? 300;
  let advertised = lifetime;
  const issued: IssuedToken[] = [];
  const refreshTokens = new Map<string, string>();
  let rejectedCount = 0;
  const certDer = new X509Certificate(ca.tokenCertPem).raw.toString('base64');

  function grantedActions(username: string | undefined, scope: ResourceAccess): string[] {
    const grants = username === undefined ? anonymous : (users.get(username)?.grants ?? []);
    const allowed = new Set<string>();
    for (const grant of grants) {
      if ((grant.type ?? 'repository') !== scope.type || !nameMatches(grant.name, scope.name)) continue;
      for (const action of grant.actions) allowed.add(action);
    }
    return scope.actions.filter((action) => allowed.has('*') || allowed.has(action));
  }

  function issue(username: string | undefined, method: 'GET' | 'POST', requested: ResourceAccess[]) {
    const granted = requested
      .map((scope) => ({ ...scope, actions: grantedActions(username, scope) }))
      .filter((scope) => scope.actions.length > 0);
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer] };
    const claims = {
      iss: issuer,
      sub: username ?? '',
      aud: service,
      exp: now + lifetime,
      nbf: now - 1,
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access: granted,
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), ca.tokenKeyPem).toString('base64url');
    const token = `${signingInput}.${signature}`;
    issued.push({ at: new Date(), username, method, requested, granted, lifetimeSeconds: lifetime, token });
    return {
      token,
      access_token: token,
      expires_in: Math.max(0, advertised),
      issued_at: new Date(now * 1000).toISOString(),
    };
  }

  function refuse(res: http.ServerResponse, status: number, code: string, message: string): void {
    rejectedCount++;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (status === 401) headers['www-authenticate'] = `Basic realm="${service}"`;
    res.writeHead(status, headers);
    res.end(JSON.stringify({ errors: [{ code, message }], details: message }));
  }

  function checkPassword(username: string, password: string): boolean {
    return users.get(username)?.password === password;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://token.invalid');
    if (url.pathname !== '/token')
      return void refuse(res, 404, 'NOT_FOUND', `no such endpoint ${url.pathname}`);
    if (req.method === 'GET') {
      const requestedService = url.searchParams.get('service');
      if (requestedService !== null && requestedService !== service) {
        return void refuse(res, 400, 'INVALID_REQUEST', `unknown service ${requestedService}`);
      }
      let username: string | undefined;
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const credentials = parseBasic(authorization);
        if (!credentials || !checkPassword(credentials.username, credentials.password)) {
          return void refuse(res, 401, 'UNAUTHORIZED', 'incorrect username or password');
        }
        username = credentials.username;
      }
      const scopes = url.searchParams
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter(Boolean);
      return void sendJson(res, issue(username, 'GET', scopes.map(parseScope)));
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const requestedService = form.get('service');
      if (requestedService !== null && requestedService !== service) {
        return void refuse(res, 400, 'INVALID_REQUEST', `unknown service ${requestedService}`);
      }
      let username: string;
      const grantType = form.get('grant_type');
      if (grantType === 'password') {
        username = form.get('username') ?? '';
        if (!checkPassword(username, form.get('password') ?? '')) {
          return void refuse(res, 401, 'UNAUTHORIZED', 'incorrect username or password');
        }
      } else if (grantType === 'refresh_token') {
        const owner = refreshTokens.get(form.get('refresh_token') ?? '');
        if (owner === undefined || !users.has(owner)) {
          return void refuse(res, 401, 'UNAUTHORIZED', 'invalid refresh token');
        }
        username = owner;
      } else {
        return void refuse(res, 400, 'UNSUPPORTED', `unsupported grant_type ${grantType ?? '(none)'}`);
      }
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      const body: Record<string, unknown> = issue(username, 'POST', scopes.map(parseScope));
      delete body.token;
      body.scope = scopes.join(' ');
      if (form.get('access_type') === 'offline' || grantType === 'refresh_token') {
        const refresh = form.get('refresh_token') ?? randomBytes(16).toString('hex');
        refreshTokens.set(refresh, username);
        body.refresh_token = refresh;
      }
      return void sendJson(res, body);
    }
    refuse(res, 405, 'UNSUPPORTED', `method ${req.method ?? ''} not allowed`);
  }

  const server = https.createServer({ cert: ca.serverCertPem, key: ca.serverKeyPem }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      forget();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return stopped;
  };
  const forget = registerStopper(stop);
  return {
    url: `https://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertFile: ca.tokenCertFile,
    get issuedCount() {
      return issued.length;
    },
    issued,
    get rejectedCount() {
      return rejectedCount;
    },
    setTokenLifetime(seconds, advertisedSeconds = seconds) {
      lifetime = seconds;
      advertised = advertisedSeconds;
    },
    setUser(username, user) {
      users.set(username, user);
    },
    removeUser(username) {
      users.delete(username);
    },
    setAnonymous(grants) {
      anonymous = grants;
    },
    stop,
  };
}

/** Parses `type:name:action,action`; the name may itself contain colons (e.g. `repository(plugin)` types aside). */
export function parseScope(scope: string): ResourceAccess {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return { type: scope, name: '', actions: [] };
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

function nameMatches(pattern: string | RegExp, name: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(name);
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return regex.test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parseBasic(header: string): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function sendJson(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
