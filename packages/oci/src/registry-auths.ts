import { InputError, type Logger } from '@deliverkit/action-kit';
import { DockerConfigCredentials, StaticCredentials, chainCredentials } from './auth';
import { Registries, type RegistriesOptions, type RegistryHostOptions } from './client';

/** One entry of the `registry-auths` input every registry-facing action accepts. */
export interface RegistryAuth {
  registry: string;
  username?: string;
  password?: string;
  /** Extra CA (PEM) trusted for this registry. */
  ca?: string;
  /** Plain HTTP (self-hosted test registries). */
  insecure?: boolean;
}

/**
 * Validates a parsed `registry-auths` value (a YAML/JSON list of {registry, username, password, ca,
 * insecure}) without ever quoting a value: the input is secret. Passwords are handed to `mask` as
 * soon as they are seen.
 */
export function parseRegistryAuths(
  value: unknown,
  mask: (secret: string) => void,
  input = 'registry-auths',
): RegistryAuth[] {
  if (value === undefined || value === null) return [];
  const fail = (why: string): never => {
    throw new InputError(input, `Input "${input}" ${why}`);
  };
  if (!Array.isArray(value)) fail('must be a list of {registry, username, password} entries');
  return (value as unknown[]).map((entry, i) => {
    if (!entry || typeof entry !== 'object') return fail(`entry ${i + 1} is not a mapping`);
    const { registry, username, password, ca, insecure, ...rest } = entry as Record<string, unknown>;
    if (typeof password === 'string') mask(password);
    // Key names are not quoted either: a password on a mis-indented line becomes a key.
    if (Object.keys(rest).length > 0)
      fail(
        `entry ${i + 1} has ${Object.keys(rest).length} unknown key(s); allowed: registry, username, password, ca, insecure`,
      );
    if (typeof registry !== 'string' || !registry) return fail(`entry ${i + 1} needs a registry`);
    const host = registry
      .replace(/^https?:\/\//, '')
      .replace(/\/(?:v[12]\/?)?$/, '')
      .replace(/\/+$/, '');
    if (
      !/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/.test(
        host,
      )
    )
      fail(
        `entry ${i + 1}: registry must be a host name with an optional port (e.g. ghcr.io, localhost:5000)`,
      );
    for (const [key, v] of Object.entries({ username, password, ca })) {
      if (v !== undefined && typeof v !== 'string') fail(`entry ${i + 1}: ${key} must be a string`);
    }
    if ((username === undefined) !== (password === undefined)) {
      fail(`entry ${i + 1} (${host}) needs both username and password`);
    }
    if (insecure !== undefined && typeof insecure !== 'boolean')
      fail(`entry ${i + 1}: insecure must be true or false`);
    return {
      registry: host,
      username: username as string | undefined,
      password: password as string | undefined,
      ca: ca as string | undefined,
      insecure: insecure as boolean | undefined,
    };
  });
}

export interface OpenRegistriesOptions extends Omit<
  RegistriesOptions,
  'credentials' | 'hosts' | 'logger' | 'onSecret'
> {
  logger?: Logger;
  /** Masks every credential the clients read (action inputs, docker config, helpers). */
  onSecret: (secret: string) => void;
  /** Hosts served over plain HTTP besides those marked `insecure` in the auths. */
  insecureHosts?: string[];
}

/**
 * The registry clients an action uses: explicit `registry-auths` first, then ~/.docker/config.json
 * (auths, credHelpers, credsStore) for every other registry, with per-host CA and plain-HTTP settings.
 */
export function openRegistries(auths: RegistryAuth[], options: OpenRegistriesOptions): Registries {
  const hosts: Record<string, RegistryHostOptions> = {};
  for (const host of options.insecureHosts ?? []) hosts[host] = { insecure: true };
  for (const a of auths) hosts[a.registry] = { ca: a.ca, insecure: a.insecure };
  const { logger, onSecret, insecureHosts: _unused, ...rest } = options;
  return new Registries({
    ...rest,
    credentials: chainCredentials(
      new StaticCredentials(
        Object.fromEntries(
          auths
            .filter((a) => a.username !== undefined)
            .map((a) => [a.registry, { username: a.username!, password: a.password! }]),
        ),
      ),
      new DockerConfigCredentials({ onSecret, logger }),
    ),
    hosts,
    logger,
    onSecret,
  });
}
