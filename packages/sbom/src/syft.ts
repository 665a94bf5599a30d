import { exec, installTool, type Logger, silentLogger } from '@deliverkit/action-kit';
import { formatPlatform, type Platform } from '@deliverkit/oci-core';
import { SbomError } from './errors';
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
    throw new SbomError('INVALID_IMAGE', `syft must scan an image by digest, got ${request.image}`);
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
  if (!goArch) throw new SbomError('SYFT_UNAVAILABLE', `syft has no linux release for ${arch}`);
  const v = version.replace(/^v/, '');
  return {
    url: `https://github.com/anchore/syft/releases/download/v${v}/syft_${v}_linux_${goArch}.tar.gz`,
    binary: 'syft',
  };
}

/** The registry syft reads the image from: its credential and whether it speaks plain HTTP. */
export interface SyftRegistryAuth {
  registry: string;
  username?: string;
  password?: string;
  insecure?: boolean;
}

/** syft, the peer SBOM generator, as a child process: argument arrays only, registry settings in its environment. */
export class Syft {
  constructor(
    private readonly path: string,
    private readonly env: Record<string, string>,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** A pinned release (checked against its sha256, kept in the tool cache), else `syft` from PATH. */
  static async install(options: {
    release?: { version: string; sha256: string };
    auth?: SyftRegistryAuth;
    arch?: string;
    logger?: Logger;
  }): Promise<Syft> {
    const { release, auth } = options;
    const logger = options.logger ?? silentLogger;
    let path = 'syft';
    if (release) {
      const asset = syftReleaseAsset(release.version, options.arch ?? process.arch);
      const version = release.version.replace(/^v/, '');
      const spec = { name: 'syft', version, ...asset, sha256: release.sha256, format: 'tar.gz' as const };
      path = (await installTool(spec, logger)).path;
    }
    const credential = auth?.username
      ? { registry: auth.registry, username: auth.username, password: auth.password ?? '' }
      : undefined;
    return new Syft(path, syftEnvironment({ credential, insecure: auth?.insecure }), logger);
  }

  /** `syft scan` of one platform of an image by digest, every format in one pass. */
  async scan(request: SyftScanRequest): Promise<void> {
    try {
      await exec(this.path, syftScanArgs(request), { env: this.env, stream: true, logger: this.logger });
    } catch (e) {
      if ((e as { code?: string }).code === 'COMMAND_NOT_FOUND')
        throw new SbomError('SYFT_NOT_FOUND', `${this.path} was not found`, { cause: e });
      throw e;
    }
  }
}
