import { existsSync, readFileSync } from 'node:fs';
import * as core from '@actions/core';
import {
  ConfigurationError,
  getBoolean,
  getEnum,
  getImageReference,
  getList,
  getString,
  getStructured,
  InputError,
  parseWith,
  readRaw,
} from '@deliverkit/action-kit';
import { parseReference, parseRegistryAuths, type ImageReference, type RegistryAuth } from '@deliverkit/oci';
import {
  parseSigstoreInstance,
  PREDICATE_TYPES,
  type AttestationType,
  type SignatureFormat,
  type SigstoreInstance,
} from '@deliverkit/sign';

export interface AttestationSpec {
  type: AttestationType;
  path: string;
  predicateType?: string;
  source: string;
}

/** Every input, read once; keys are the action.yml names. */
export interface Inputs {
  image: ImageReference;
  mode: 'sign' | 'verify';
  keyless: boolean;
  /** PEM text (from a secret, or read from the file the input names). */
  key: string | undefined;
  'key-password': string | undefined;
  'signature-format': SignatureFormat;
  recursive: boolean;
  attestations: AttestationSpec[];
  sigstore: SigstoreInstance;
  'certificate-identity': string | undefined;
  'certificate-identity-regexp': string | undefined;
  'certificate-oidc-issuer': string | undefined;
  'certificate-oidc-issuer-regexp': string | undefined;
  'public-key': string | undefined;
  'trusted-root': unknown;
  'require-attestations': string[];
  'registry-auths': RegistryAuth[];
  'image-record': Record<string, unknown> | undefined;
  'dry-run': boolean;
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const image = parseReference(getImageReference('image', { required: true }), { input: 'image' });
  const mode = getEnum('mode', ['sign', 'verify'] as const, 'sign');
  const key = pemOrFile('key', readRaw('key', { secret: true }), true);
  // Like cosign: the password may come from COSIGN_PASSWORD instead of an input. Never from argv.
  const keyPassword = readRaw('key-password', { secret: true }) ?? env.COSIGN_PASSWORD;
  const keylessRaw = getString('keyless');
  const keyless = keylessRaw === undefined ? key === undefined : getBoolean('keyless', true);
  if (mode === 'sign' && keyless && key) {
    throw new ConfigurationError('CONFLICTING_INPUTS', 'Set either `key` or `keyless: true`, not both');
  }
  if (mode === 'sign' && !keyless && !key) {
    throw new InputError('key', 'Input "key" is required when `keyless` is false', 'INPUT_REQUIRED');
  }
  const inputs: Inputs = {
    image,
    mode,
    keyless,
    key,
    'key-password': keyPassword,
    'signature-format': getEnum('signature-format', ['bundle', 'legacy', 'both'] as const, 'bundle'),
    recursive: getBoolean('recursive', false),
    attestations: getList('attestations').map((line) => parseWith('attestations', line, parseAttestation)),
    sigstore: parseWith('sigstore', getString('sigstore') ?? 'public-good', parseSigstoreInstance),
    'certificate-identity': getString('certificate-identity'),
    'certificate-identity-regexp': getString('certificate-identity-regexp'),
    'certificate-oidc-issuer': getString('certificate-oidc-issuer'),
    'certificate-oidc-issuer-regexp': getString('certificate-oidc-issuer-regexp'),
    'public-key': pemOrFile('public-key', getString('public-key'), false),
    'trusted-root': readJsonFile('trusted-root', getString('trusted-root')),
    'require-attestations': getList('require-attestations', { comma: true }).map((t) =>
      t in PREDICATE_TYPES ? PREDICATE_TYPES[t as keyof typeof PREDICATE_TYPES] : t,
    ),
    'registry-auths': parseRegistryAuths(
      getStructured<unknown>('registry-auths', { secret: true }),
      core.setSecret,
    ),
    'image-record': readImageRecord(getString('image-record')),
    'dry-run': getBoolean('dry-run', false),
  };
  for (const [name, value] of Object.entries({
    'certificate-identity-regexp': inputs['certificate-identity-regexp'],
    'certificate-oidc-issuer-regexp': inputs['certificate-oidc-issuer-regexp'],
  })) {
    if (value !== undefined) parseWith(name, value, (v) => new RegExp(v));
  }
  if (mode === 'verify') {
    const hasIdentity = inputs['certificate-identity'] || inputs['certificate-identity-regexp'];
    if (!hasIdentity && !inputs['public-key']) {
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        'mode: verify needs `certificate-identity` (or `certificate-identity-regexp`) with `certificate-oidc-issuer`, or `public-key`',
      );
    }
    if (hasIdentity && inputs['public-key']) {
      throw new ConfigurationError(
        'CONFLICTING_INPUTS',
        'Set either a certificate identity or `public-key`, not both',
      );
    }
    if (hasIdentity && !inputs['trusted-root']) {
      throw new InputError(
        'trusted-root',
        'Input "trusted-root" is required to verify keyless signatures: the path of the Sigstore trusted_root.json ' +
          '(`cosign trusted-root create`, or the instance operator’s file)',
        'INPUT_REQUIRED',
      );
    }
  }
  return inputs;
}

/** `type=spdx,path=sbom.json` | `type=cyclonedx,path=…` | `type=slsaprovenance1,path=…` | `type=custom,predicate-type=URL,path=…` */
export function parseAttestation(line: string): AttestationSpec {
  const fields: Record<string, string> = {};
  for (const part of line.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`expected key=value, got "${part}"`);
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const type = fields.type as AttestationType | undefined;
  if (!type || !['spdx', 'cyclonedx', 'slsaprovenance1', 'custom'].includes(type)) {
    throw new Error(`type must be spdx, cyclonedx, slsaprovenance1 or custom, got "${fields.type ?? ''}"`);
  }
  if (!fields.path) throw new Error('path is required');
  if (type === 'custom' && !fields['predicate-type']) throw new Error('type=custom needs predicate-type=URL');
  return { type, path: fields.path, predicateType: fields['predicate-type'], source: line.trim() };
}

function pemOrFile(name: string, value: string | undefined, secret: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (value.includes('-----BEGIN ')) return value;
  if (!existsSync(value)) {
    throw new InputError(
      name,
      `Input "${name}" is neither PEM text nor an existing file${secret ? '' : `: got "${value}"`}`,
    );
  }
  return readFileSync(value, 'utf8');
}

function readJsonFile(name: string, path: string | undefined): unknown {
  if (path === undefined) return undefined;
  return parseWith(name, path, (p) => JSON.parse(readFileSync(p, 'utf8')) as unknown);
}

function readImageRecord(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  return parseWith('image-record', raw, (t) => {
    const v = JSON.parse(t) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
    return v as Record<string, unknown>;
  });
}
