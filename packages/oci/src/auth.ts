import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CommandInvocationError,
  exec as defaultExec,
  type Logger,
  silentLogger,
} from '@deliverkit/action-kit';
import { CredentialError } from './errors';
import { DOCKER_HUB, DOCKER_HUB_API_HOST } from '@deliverkit/oci-core';

export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (`identitytoken` in docker config, helper Username `<token>`). */
  identityToken?: string;
  /** A bearer token sent as is (`registrytoken`). */
  registryToken?: string;
}

/** Where credentials for a registry come from. Returns undefined for anonymous access. */
export interface CredentialProvider {
  get(registry: string): Promise<Credential | undefined>;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header (RFC 7235): one or more challenges, each a scheme followed by
 * comma-separated auth-params whose values may be quoted strings with backslash escapes.
 * `Bearer realm="https://a/token",service="reg",scope="repository:x:pull,push"`.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && /[\s,]/.test(header[i]!)) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  let current: Challenge | undefined;
  while (i < n) {
    skipSpace();
    if (i >= n) break;
    const token = readToken();
    if (!token) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && header[j] === ' ') j++;
    if (header[j] === '=' && current) {
      i = j + 1;
      while (i < n && header[i] === ' ') i++;
      let value: string;
      if (header[i] === '"') {
        i++;
        let out = '';
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          out += header[i];
          i++;
        }
        i++;
        value = out;
      } else {
        const start = i;
        while (i < n && header[i] !== ',') i++;
        value = header.slice(start, i).trim();
      }
      current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
      // token68 form (`Basic abc==`) carries no params we use: skip it.
      while (i < n && header[i] === ' ') i++;
      const rest = header.slice(i);
      const m = /^[A-Za-z0-9._~+/-]+=*(?=\s*(,|$))/.exec(rest);
      if (m && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=[^=]/.test(rest)) i += m[0].length;
    }
  }
  return challenges;
}

/** A token-scope request: `repository:NAME:pull,push`. */
export interface Scope {
  repository: string;
  actions: ('pull' | 'push' | 'delete')[];
}

export function formatScope(scope: Scope): string {
  const actions = [...new Set(scope.actions)].sort((a, b) => ACTION_ORDER[a] - ACTION_ORDER[b]);
  return `repository:${scope.repository}:${actions.join(',')}`;
}

const ACTION_ORDER = { pull: 0, push: 1, delete: 2 } as const;

/** Merges scopes on the same repository and orders them so equal sets have equal cache keys. */
export function normalizeScopes(scopes: readonly Scope[]): Scope[] {
  const byRepo = new Map<string, Set<Scope['actions'][number]>>();
  for (const s of scopes) {
    const set = byRepo.get(s.repository) ?? new Set();
    for (const a of s.actions) set.add(a);
    byRepo.set(s.repository, set);
  }
  return [...byRepo.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([repository, actions]) => ({ repository, actions: [...actions] }));
}

export interface TokenResponse {
  token: string;
  expiresAt: number;
}

/**
 * Reads the token endpoint's JSON: `token` or `access_token`, `expires_in` (default 60 s per the spec). Its plain
 * Errors never leave the package: the one caller (auth-session.ts) turns them into RegistryError PROTOCOL_ERROR.
 */
export function parseTokenResponse(body: string, now: number = Date.now()): TokenResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error('token endpoint answer is not JSON');
  }
  // `null`, a list or a number is valid JSON but no answer (found by the property tests, #19).
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('token endpoint answer is not a JSON object');
  const json = parsed as {
    token?: unknown;
    access_token?: unknown;
    expires_in?: unknown;
    issued_at?: unknown;
  };
  const token = typeof json.token === 'string' && json.token ? json.token : json.access_token;
  if (typeof token !== 'string' || !token) throw new Error('token endpoint returned no token');
  // A day at most: an absurd lifetime from the endpoint must not keep a token past its real expiry forever.
  const expiresIn =
    typeof json.expires_in === 'number' && json.expires_in > 0 ? Math.min(json.expires_in, 86_400) : 60;
  const issued = typeof json.issued_at === 'string' ? Date.parse(json.issued_at) : NaN;
  const start = Number.isNaN(issued) || issued > now ? now : issued;
  // Renew a little early so a token never expires mid-request.
  const skew = Math.min(30, expiresIn * 0.1) * 1000;
  return { token, expiresAt: start + expiresIn * 1000 - skew };
}

/** Fixed credentials per registry, e.g. from an action's `registry-auths` input. */
export class StaticCredentials implements CredentialProvider {
  private readonly byRegistry = new Map<string, Credential>();

  constructor(entries: Record<string, Credential> = {}) {
    for (const [registry, credential] of Object.entries(entries))
      this.byRegistry.set(normalizeRegistryKey(registry), credential);
  }

  async get(registry: string): Promise<Credential | undefined> {
    return this.byRegistry.get(normalizeRegistryKey(registry));
  }
}

/** First provider that knows the registry wins. */
export function chainCredentials(...providers: CredentialProvider[]): CredentialProvider {
  return {
    async get(registry) {
      for (const provider of providers) {
        const found = await provider.get(registry);
        if (found) return found;
      }
      return undefined;
    },
  };
}

/** `https://index.docker.io/v1/`, `registry-1.docker.io`, `docker.io` → `docker.io`; strips scheme and path. */
export function normalizeRegistryKey(registry: string): string {
  let key = registry.trim().replace(/^[a-z]+:\/\//i, '');
  key = key.replace(/\/.*$/, '').toLowerCase();
  if (key === 'index.docker.io' || key === DOCKER_HUB_API_HOST || key === DOCKER_HUB) return DOCKER_HUB;
  return key;
}

interface DockerConfigFile {
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }
  >;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface DockerConfigOptions {
  /** Path to config.json; default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  path?: string;
  exec?: typeof defaultExec;
  logger?: Logger;
  /** Called with every secret as soon as it is read (the action passes core.setSecret). */
  onSecret?: (secret: string) => void;
}

/**
 * Credentials the way the Docker CLI finds them: `credHelpers[registry]`, then `credsStore`, then
 * `auths` (base64 `auth`, or username/password, identitytoken, registrytoken). Helpers run as
 * `docker-credential-<name> get` with the server URL on stdin, through action-kit's exec.
 */
export class DockerConfigCredentials implements CredentialProvider {
  private config: Promise<DockerConfigFile | undefined> | undefined;

  constructor(private readonly options: DockerConfigOptions = {}) {}

  private load(): Promise<DockerConfigFile | undefined> {
    this.config ??= (async () => {
      const file =
        this.options.path ??
        path.join(process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json');
      try {
        return JSON.parse(await readFile(file, 'utf8')) as DockerConfigFile;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new CredentialError(
          'CREDENTIALS_UNREADABLE',
          `cannot read docker config ${file}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    })();
    return this.config;
  }

  async get(registry: string): Promise<Credential | undefined> {
    const config = await this.load();
    if (!config) return undefined;
    const key = normalizeRegistryKey(registry);
    const helperEntry = Object.entries(config.credHelpers ?? {}).find(
      ([k]) => normalizeRegistryKey(k) === key,
    );
    if (helperEntry) return this.fromHelper(helperEntry[1], key);
    if (config.credsStore) {
      const fromStore = await this.fromHelper(config.credsStore, key);
      if (fromStore) return fromStore;
    }
    const authEntry = Object.entries(config.auths ?? {}).find(([k]) => normalizeRegistryKey(k) === key);
    if (!authEntry) return undefined;
    const entry = authEntry[1];
    const credential: Credential = {};
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        credential.username = decoded.slice(0, colon);
        credential.password = decoded.slice(colon + 1);
      }
    }
    if (entry.username) credential.username = entry.username;
    if (entry.password) credential.password = entry.password;
    if (entry.identitytoken) credential.identityToken = entry.identitytoken;
    if (entry.registrytoken) credential.registryToken = entry.registrytoken;
    this.mask(credential);
    return Object.keys(credential).length > 0 ? credential : undefined;
  }

  private async fromHelper(helper: string, key: string): Promise<Credential | undefined> {
    const exec = this.options.exec ?? defaultExec;
    const server = key === DOCKER_HUB ? 'https://index.docker.io/v1/' : key;
    const logger = this.options.logger ?? silentLogger;
    logger.debug(`DockerConfigCredentials.get: asking docker-credential-${helper} for ${server}`);
    let stdout: string;
    try {
      ({ stdout } = await exec(`docker-credential-${helper}`, ['get'], {
        input: server,
        logger: silentLogger,
      }));
    } catch (error) {
      if (
        error instanceof CommandInvocationError &&
        /credentials not found/i.test(error.stderr + error.message)
      ) {
        return undefined;
      }
      if (error instanceof CommandInvocationError) {
        // Helpers print "credentials not found" on stdout in some versions; treat any other failure as fatal.
        throw new CredentialError(
          'CREDENTIAL_HELPER_FAILED',
          `docker-credential-${helper} get failed for ${server} (exit ${error.exitCode})`,
          { cause: error },
        );
      }
      throw error;
    }
    const json = JSON.parse(stdout) as { Username?: string; Secret?: string };
    if (!json.Secret) return undefined;
    const credential: Credential =
      json.Username === '<token>'
        ? { identityToken: json.Secret }
        : { username: json.Username, password: json.Secret };
    this.mask(credential);
    return credential;
  }

  private mask(credential: Credential): void {
    for (const secret of [credential.password, credential.identityToken, credential.registryToken]) {
      if (secret) this.options.onSecret?.(secret);
    }
  }
}
