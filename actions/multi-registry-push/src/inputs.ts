import * as core from '@actions/core';
import {
  getBoolean,
  getInteger,
  getRequiredString,
  getStructured,
  InputError,
  parseWith,
} from '@deliverkit/action-kit';
import {
  type CopyDestination,
  type ImageReference,
  parseDestinations,
  parseReference,
} from '@deliverkit/oci';

export interface RegistryAuth {
  registry: string;
  username?: string;
  password?: string;
  /** PEM of an extra CA for this registry. */
  ca?: string;
  /** Plain HTTP. */
  insecure?: boolean;
}

/** Every input, read once; keys are the action.yml names. */
export interface Inputs {
  source: ImageReference;
  destinations: CopyDestination[];
  'registry-auths': RegistryAuth[];
  'include-referrers': boolean;
  concurrency: number;
  'dry-run': boolean;
}

export function readInputs(): Inputs {
  return {
    source: parseWith('source', getRequiredString('source'), (v) => parseReference(v, { input: 'source' })),
    destinations: parseDestinations(getRequiredString('destinations'), 'destinations'),
    'registry-auths': parseRegistryAuths(getStructured<unknown>('registry-auths', { secret: true })),
    'include-referrers': getBoolean('include-referrers', true),
    concurrency: getInteger('concurrency', { default: 4, min: 1, max: 32 }),
    'dry-run': getBoolean('dry-run', false),
  };
}

/** Validates the registry-auths list without ever quoting a value (the input is secret). */
export function parseRegistryAuths(
  value: unknown,
  mask: (secret: string) => void = core.setSecret,
): RegistryAuth[] {
  if (value === undefined || value === null) return [];
  const fail = (why: string): never => {
    throw new InputError('registry-auths', `Input "registry-auths" ${why}`);
  };
  if (!Array.isArray(value)) fail('must be a list of {registry, username, password} entries');
  return (value as unknown[]).map((entry, i) => {
    if (!entry || typeof entry !== 'object') return fail(`entry ${i + 1} is not a mapping`);
    const { registry, username, password, ca, insecure, ...rest } = entry as Record<string, unknown>;
    if (Object.keys(rest).length > 0)
      fail(`entry ${i + 1} has unknown keys (${Object.keys(rest).join(', ')})`);
    if (typeof registry !== 'string' || !registry) return fail(`entry ${i + 1} needs a registry`);
    for (const [key, v] of Object.entries({ username, password, ca })) {
      if (v !== undefined && typeof v !== 'string') fail(`entry ${i + 1}: ${key} must be a string`);
    }
    if ((username === undefined) !== (password === undefined))
      fail(`entry ${i + 1} (${registry}) needs both username and password`);
    if (insecure !== undefined && typeof insecure !== 'boolean')
      fail(`entry ${i + 1}: insecure must be true or false`);
    if (typeof password === 'string') mask(password);
    return {
      registry: registry.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
      username: username as string | undefined,
      password: password as string | undefined,
      ca: ca as string | undefined,
      insecure: insecure as boolean | undefined,
    };
  });
}
