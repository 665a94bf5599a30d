import { formatPlatform, type Platform } from '@deliverkit/oci-core';
import type { SbomFormat } from './formats';

/**
 * syft's output format names for ours; syft writes several formats in one run with repeated
 * `-o FORMAT=PATH`.
 */
const SYFT_FORMATS: Record<SbomFormat, string> = {
  'spdx-json': 'spdx-json@2.3',
  'cyclonedx-json': 'cyclonedx-json@1.6',
};

export interface SyftScanRequest {
  /** `registry/repo@sha256:…` — always by digest so syft reads exactly what the native engine would. */
  image: string;
  platform: Platform;
  outputs: { format: SbomFormat; path: string }[];
}

/**
 * Arguments for `syft scan`: pulled straight from the registry (`registry:` scheme, no daemon),
 * for one platform, all formats in one pass. Credentials never go here: syft reads them from
 * SYFT_REGISTRY_AUTH_* environment variables or the Docker config (see syftEnvironment).
 */
export function syftScanArgs(request: SyftScanRequest): string[] {
  if (!/@sha256:[a-f0-9]{64}$/.test(request.image)) {
    throw new Error(`syft must scan an image by digest, got ${request.image}`);
  }
  const args = [
    'scan',
    `registry:${request.image}`,
    '--platform',
    formatPlatform(request.platform),
    '--quiet',
  ];
  for (const o of request.outputs) args.push('-o', `${SYFT_FORMATS[o.format]}=${o.path}`);
  return args;
}

export interface RegistryCredential {
  registry: string;
  username: string;
  password: string;
}

/**
 * syft's registry settings as environment variables (its config keys upper-cased, documented in
 * syft's README): the only way a credential reaches it, never argv. syft takes one credential
 * this way; more registries need a Docker config file (DOCKER_CONFIG), which syft also reads.
 */
export function syftEnvironment(options: {
  credential?: RegistryCredential;
  insecure?: boolean;
}): Record<string, string> {
  const env: Record<string, string> = { SYFT_CHECK_FOR_APP_UPDATE: 'false' };
  if (options.credential) {
    env.SYFT_REGISTRY_AUTH_AUTHORITY = options.credential.registry;
    env.SYFT_REGISTRY_AUTH_USERNAME = options.credential.username;
    env.SYFT_REGISTRY_AUTH_PASSWORD = options.credential.password;
  }
  if (options.insecure) {
    env.SYFT_REGISTRY_INSECURE_USE_HTTP = 'true';
    env.SYFT_REGISTRY_INSECURE_SKIP_TLS_VERIFY = 'true';
  }
  return env;
}

/** The release asset syft publishes for a runner, for the action's tool installer. */
export function syftReleaseAsset(version: string, arch: string): { url: string; binary: string } {
  const goArch = arch === 'x64' || arch === 'amd64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  if (!goArch) throw new Error(`syft has no linux release for ${arch}`);
  const v = version.replace(/^v/, '');
  return {
    url: `https://github.com/anchore/syft/releases/download/v${v}/syft_${v}_linux_${goArch}.tar.gz`,
    binary: 'syft',
  };
}
