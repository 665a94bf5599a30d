import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import {
  ConfigurationError,
  getBoolean,
  getEnum,
  getImageRecord,
  getImageReference,
  getList,
  getString,
  getStructured,
  InputError,
  parseWith,
  readRaw,
} from '@deliverkit/action-kit';
import type { ImageRecord } from '@deliverkit/image-record';
import { type ImageReference } from '@deliverkit/oci-core';
import { parseReference, parseRegistryAuths, type RegistryAuth } from '@deliverkit/oci';
import {
  parseAttestation,
  parseSigstoreInstance,
  type AttestationSpec,
  PREDICATE_TYPES,
  PUBLIC_GOOD_TUF_MIRROR,
  instanceForVisibility,
  type RepositoryVisibility,
  type TrustSource,
  validateCertificatePolicy,
  type CertificatePolicy,
  type SignatureFormat,
  type SigstoreInstance,
} from '@deliverkit/sign';

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
  sigstore: SigstoreInstance & { chosenBy?: string };
  'certificate-identity': string | undefined;
  'certificate-identity-regexp': string | undefined;
  'certificate-oidc-issuer': string | undefined;
  'source-repository': string | undefined;
  'source-ref': string | undefined;
  'source-digest': string | undefined;
  'signer-workflow': string | undefined;
  'signer-digests': string[] | undefined;
  trigger: string | undefined;
  'public-key': string | undefined;
  /** Where the keyless verifier's trusted root comes from: `trusted-root`, else TUF (`tuf-*` inputs). */
  trust: TrustSource;
  /** True when `trusted-root` or a `tuf-*` input was given: load the trust even for a key policy. */
  'trust-given': boolean;
  'require-attestations': string[];
  'registry-auths': RegistryAuth[];
  'image-record': ImageRecord | undefined;
  'dry-run': boolean;
  /** Not an input: the runner lets this job request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN set). */
  canRequestIdToken: boolean;
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
    sigstore: readSigstore(env),
    'certificate-identity': getString('certificate-identity'),
    'certificate-identity-regexp': getString('certificate-identity-regexp'),
    'certificate-oidc-issuer': getString('certificate-oidc-issuer'),
    'source-repository': getString('source-repository'),
    'source-ref': getString('source-ref'),
    'source-digest': getString('source-digest'),
    'signer-workflow': getString('signer-workflow'),
    'signer-digests':
      getString('signer-digests') === undefined ? undefined : getList('signer-digests', { comma: true }),
    trigger: getString('trigger'),
    'public-key': pemOrFile('public-key', getString('public-key'), false),
    ...readTrust(env),
    'require-attestations': getList('require-attestations', { comma: true }).map((t) => {
      if (t in PREDICATE_TYPES) return PREDICATE_TYPES[t as keyof typeof PREDICATE_TYPES];
      // A predicate type is a URI; anything else is a typo of a short name, refused before the network is used.
      if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(t)) {
        throw new InputError(
          'require-attestations',
          `Input "require-attestations" has "${t}": expected ${Object.keys(PREDICATE_TYPES).join(', ')} or a predicate type URI`,
        );
      }
      return t;
    }),
    'registry-auths': parseRegistryAuths(
      getStructured<unknown>('registry-auths', { secret: true }),
      core.setSecret,
    ),
    'image-record': getImageRecord('image-record'),
    'dry-run': getBoolean('dry-run', false),
    canRequestIdToken: Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN),
  };
  if (getString('certificate-oidc-issuer-regexp') !== undefined) {
    // Removed: a pattern let any issuer that matched it through. Refused rather than ignored, so a gate that
    // relied on it cannot silently become weaker.
    throw new InputError(
      'certificate-oidc-issuer-regexp',
      'Input "certificate-oidc-issuer-regexp" is no longer accepted: give the exact issuer in `certificate-oidc-issuer`',
    );
  }
  if (mode === 'verify') {
    const claimInputs = [
      'source-repository',
      'source-ref',
      'source-digest',
      'signer-workflow',
      'signer-digests',
      'trigger',
    ] as const;
    const hasCertificatePolicy =
      inputs['certificate-identity'] !== undefined ||
      inputs['certificate-identity-regexp'] !== undefined ||
      inputs['certificate-oidc-issuer'] !== undefined ||
      claimInputs.some((name) => inputs[name] !== undefined);
    if (!hasCertificatePolicy && !inputs['public-key']) {
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        'mode: verify needs `certificate-oidc-issuer` with `certificate-identity`, `certificate-identity-regexp` or `signer-workflow` (keyless), or `public-key`',
      );
    }
    if (
      inputs['public-key'] &&
      (inputs['certificate-identity'] || inputs['certificate-identity-regexp'] || inputs['signer-workflow'])
    ) {
      throw new ConfigurationError(
        'CONFLICTING_INPUTS',
        'Set either a certificate identity or `public-key`, not both',
      );
    }
    if (!inputs['public-key']) {
      validateCertificatePolicy(certificatePolicy(inputs), (field) => `\`${POLICY_INPUTS[field] ?? field}\``);
      refuseGithubInstanceWithoutRoot(inputs);
    }
  }
  return inputs;
}

/**
 * Keyless signatures from GitHub's Sigstore instance (what a private repository signs with by default) chain to
 * GitHub's trusted root, not the public-good one built in here: verifying them against the default would fail on
 * every image with a chain error. Say so up front, and what to give.
 */
function refuseGithubInstanceWithoutRoot(inputs: Inputs): void {
  if (inputs.sigstore.name !== 'github' || inputs['trust-given']) return;
  const why = inputs.sigstore.chosenBy ? ` (\`sigstore: auto\`: ${inputs.sigstore.chosenBy})` : '';
  throw new ConfigurationError(
    'INVALID_CONFIGURATION',
    `Verifying signatures from GitHub's Sigstore instance${why} needs GitHub's trusted root, which is not built in: ` +
      'give `tuf-mirror: https://tuf-repo.github.com` with its initial root.json as `tuf-root`, or a `trusted-root` file. ' +
      'If this repository signs with the public-good instance instead, set `sigstore: public-good`',
  );
}

/**
 * `sigstore`: `auto` (the default) picks by the repository's visibility, read from the event payload: GitHub's
 * instance for private and internal repositories, public-good otherwise. `chosenBy` says why, for the summary and
 * for the error when GitHub's instance refuses.
 */
function readSigstore(env: NodeJS.ProcessEnv): SigstoreInstance & { chosenBy?: string } {
  const value = getString('sigstore') ?? 'auto';
  if (value !== 'auto') return parseWith('sigstore', value, parseSigstoreInstance);
  const visibility = repositoryVisibility(env);
  const instance = instanceForVisibility(visibility);
  return {
    ...instance,
    chosenBy: visibility ? `the repository is ${visibility}` : 'no repository visibility is known',
  };
}

/** `repository.visibility` (or `repository.private`) of the event that started the run, if the runner gave one. */
function repositoryVisibility(env: NodeJS.ProcessEnv): RepositoryVisibility | undefined {
  if (!env.GITHUB_EVENT_PATH || !existsSync(env.GITHUB_EVENT_PATH)) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      repository?: { visibility?: string; private?: boolean };
    };
    const v = event.repository?.visibility;
    if (v === 'public' || v === 'private' || v === 'internal') return v;
    if (typeof event.repository?.private === 'boolean')
      return event.repository.private ? 'private' : 'public';
  } catch {
    // An unreadable event file says nothing about visibility.
  }
  return undefined;
}

/** Policy fields → the inputs they come from, for errors that name the input. */
const POLICY_INPUTS: Record<string, string> = {
  issuer: 'certificate-oidc-issuer',
  identity: 'certificate-identity',
  identityRegExp: 'certificate-identity-regexp',
  signerWorkflow: 'signer-workflow',
  signerDigests: 'signer-digests',
};

/** The keyless verify policy the inputs describe: issuer, SAN and each GitHub claim given. */
export function certificatePolicy(inputs: Inputs): CertificatePolicy {
  return {
    kind: 'certificate',
    issuer: inputs['certificate-oidc-issuer'] ?? '',
    identity: inputs['certificate-identity'],
    identityRegExp: inputs['certificate-identity-regexp'],
    claims: {
      sourceRepository: inputs['source-repository'],
      sourceRef: inputs['source-ref'],
      sourceDigest: inputs['source-digest'],
      signerWorkflow: inputs['signer-workflow'],
      signerDigests: inputs['signer-digests'],
      trigger: inputs.trigger,
    },
  };
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

/**
 * `trusted-root` (a file) or TUF: `tuf-mirror` (default public-good, whose initial root is embedded) with
 * `tuf-root` (required for any other mirror), cached in the runner's tool cache; `tuf-offline-fallback` opts into
 * the cached or embedded root when the mirror cannot be reached.
 */
function readTrust(env: NodeJS.ProcessEnv): { trust: TrustSource; 'trust-given': boolean } {
  const file = getString('trusted-root');
  const mirror = getString('tuf-mirror');
  const root = getString('tuf-root');
  const offlineFallback = getBoolean('tuf-offline-fallback', false);
  if (file !== undefined) {
    if (root !== undefined || (mirror !== undefined && mirror !== PUBLIC_GOOD_TUF_MIRROR)) {
      throw new ConfigurationError(
        'CONFLICTING_INPUTS',
        'Set either `trusted-root` (a file) or `tuf-mirror`/`tuf-root` (a TUF repository), not both',
      );
    }
    return {
      trust: { kind: 'file', path: file, trustedRoot: readJsonFile('trusted-root', file) },
      'trust-given': true,
    };
  }
  const mirrorURL = parseWith('tuf-mirror', mirror ?? PUBLIC_GOOD_TUF_MIRROR, (v) => {
    const u = new URL(v);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('expected an http(s) URL');
    return v.replace(/\/+$/, '');
  });
  if (mirrorURL !== PUBLIC_GOOD_TUF_MIRROR && root === undefined) {
    throw new InputError(
      'tuf-root',
      `Input "tuf-root" is required with tuf-mirror ${mirrorURL}: the path of its initial root.json`,
      'INPUT_REQUIRED',
    );
  }
  if (root !== undefined && !existsSync(root)) {
    throw new InputError('tuf-root', `Input "tuf-root" is not an existing file: got "${root}"`);
  }
  const cachePath = path.join(env.RUNNER_TOOL_CACHE || os.tmpdir(), 'deliverkit-sigstore-tuf');
  return {
    trust: { kind: 'tuf', mirrorURL, rootPath: root, cachePath, offlineFallback },
    'trust-given': mirror !== undefined || root !== undefined,
  };
}

function readJsonFile(name: string, file: string): unknown {
  return parseWith(name, file, (p) => JSON.parse(readFileSync(p, 'utf8')) as unknown);
}
