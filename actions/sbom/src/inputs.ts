import * as core from '@actions/core';
import {
  getBoolean,
  getEnum,
  getList,
  getRequiredString,
  getString,
  getStructured,
  InputError,
  parseWith,
} from '@deliverkit/action-kit';
import { type ImageReference, parseReference } from '@deliverkit/oci';
import { type Platform, parsePlatform, SBOM_FORMATS, type SbomFormat } from '@deliverkit/sbom';

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
  image: ImageReference;
  /** Undefined: every platform of the image. */
  platforms: Platform[] | undefined;
  formats: SbomFormat[];
  'output-dir': string;
  'upload-artifact': boolean;
  'artifact-name': string | undefined;
  engine: 'native' | 'syft';
  'syft-version': string | undefined;
  'syft-sha256': string | undefined;
  'registry-auths': RegistryAuth[];
  'dry-run': boolean;
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const formats = getList('formats', { comma: true });
  for (const f of formats) {
    if (!(SBOM_FORMATS as readonly string[]).includes(f)) {
      throw new InputError('formats', `Input "formats" has "${f}"; allowed: ${SBOM_FORMATS.join(', ')}`);
    }
  }
  const platforms = getList('platforms', { comma: true });
  const engine = getEnum('engine', ['native', 'syft'] as const, 'native');
  const inputs: Inputs = {
    image: parseWith('image', getRequiredString('image'), (v) => parseReference(v, { input: 'image' })),
    platforms:
      platforms.length === 0 || platforms.includes('all')
        ? undefined
        : platforms.map((p) => parseWith('platforms', p, parsePlatform)),
    formats: (formats.length > 0 ? [...new Set(formats)] : [...SBOM_FORMATS]) as SbomFormat[],
    'output-dir': getString('output-dir') ?? `${env.RUNNER_TEMP ?? '.'}/sbom`,
    'upload-artifact': getBoolean('upload-artifact', true),
    'artifact-name': getString('artifact-name'),
    engine,
    'syft-version': getString('syft-version'),
    'syft-sha256': getString('syft-sha256'),
    'registry-auths': parseRegistryAuths(getStructured<unknown>('registry-auths', { secret: true })),
    'dry-run': getBoolean('dry-run', false),
  };
  if (inputs['syft-version'] && !inputs['syft-sha256']) {
    throw new InputError(
      'syft-sha256',
      'Input "syft-sha256" is required with "syft-version": the download is pinned',
    );
  }
  return inputs;
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
    if ((username === undefined) !== (password === undefined)) {
      fail(`entry ${i + 1} (${registry}) needs both username and password`);
    }
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
