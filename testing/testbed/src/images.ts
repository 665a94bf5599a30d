import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './exec';
import { baseImageLayout } from './paths';
import type { RegistryHandle } from './registry';
import { containersEnv } from './testbed';

export interface PlatformManifest {
  /** `linux/amd64` or `linux/arm64`. */
  platform: string;
  digest: string;
}

export interface BaseImage {
  /** Digest of the two-platform OCI image index. */
  indexDigest: string;
  platforms: PlatformManifest[];
}

interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

/**
 * Describes the busybox base image scripts/testbed.sh built (.testbed/base/oci, tag `latest`): an OCI index of
 * linux/amd64 and linux/arm64 manifests, each one gzip layer. Digests are reproducible for a given Debian
 * busybox-static version, but do not hard-code them: read them here.
 */
export async function readBaseImage(): Promise<BaseImage> {
  const layoutIndex = JSON.parse(await readFile(path.join(baseImageLayout, 'index.json'), 'utf8')) as {
    manifests: OciDescriptor[];
  };
  const top = layoutIndex.manifests[0];
  if (!top) throw new Error(`${baseImageLayout}/index.json lists no image: run \`bash scripts/testbed.sh\``);
  const blob = path.join(baseImageLayout, 'blobs', ...top.digest.split(':'));
  const index = JSON.parse(await readFile(blob, 'utf8')) as { manifests: OciDescriptor[] };
  return {
    indexDigest: top.digest,
    platforms: index.manifests.map((m) => ({
      platform: `${m.platform?.os}/${m.platform?.architecture}`,
      digest: m.digest,
    })),
  };
}

/**
 * skopeo flags to reach `registry`: TLS trust (only the test bed CA) or no TLS for plain, plus the auth file.
 * `role` picks the `--src-*` / `--dest-*` spelling of `skopeo copy`; omit it for `inspect` and friends.
 */
export function skopeoRegistryFlags(registry: RegistryHandle, role?: 'src' | 'dest'): string[] {
  const prefix = role ? `--${role}-` : '--';
  const flags = registry.insecure
    ? [`${prefix}tls-verify=false`]
    : [`${prefix}tls-verify=true`, `${prefix}cert-dir=${registry.certDir}`];
  // Without credentials, --no-creds keeps skopeo from sending the host's own logins.
  flags.push(registry.authFile ? `${prefix}authfile=${registry.authFile}` : `${prefix}no-creds`);
  return flags;
}

function dockerRef(registry: RegistryHandle, ref: string): string {
  return `docker://${ref.startsWith(`${registry.host}/`) ? ref : `${registry.host}/${ref}`}`;
}

/**
 * Pushes the two-platform busybox base image into `registry` as `repo:tag` with `skopeo copy --all
 * --preserve-digests`, so the pushed digests equal the layout's. Works for every registry kind.
 */
export async function pushBaseImage(
  registry: RegistryHandle,
  repo: string,
  tag = 'latest',
): Promise<BaseImage> {
  const image = await readBaseImage();
  await runCommand(
    'skopeo',
    [
      'copy',
      '--all',
      '--preserve-digests',
      '--retry-times=2',
      ...skopeoRegistryFlags(registry, 'dest'),
      `oci:${baseImageLayout}:latest`,
      dockerRef(registry, `${repo}:${tag}`),
    ],
    { env: containersEnv(), timeoutMs: 120_000 },
  );
  return image;
}

/** `skopeo inspect --raw`: the manifest (or index) bytes exactly as the registry serves them. */
export async function skopeoInspectRaw(registry: RegistryHandle, ref: string): Promise<Buffer> {
  const { stdout } = await runCommand(
    'skopeo',
    ['inspect', '--raw', '--retry-times=2', ...skopeoRegistryFlags(registry), dockerRef(registry, ref)],
    { env: containersEnv(), timeoutMs: 60_000 },
  );
  return stdout;
}

/**
 * Pulls `ref` from `registry` into an OCI layout directory (`oci:DIR:TAG`) with skopeo; `all` copies every
 * platform of an index instead of the host's.
 */
export async function skopeoCopyToOci(
  registry: RegistryHandle,
  ref: string,
  layoutDir: string,
  options: { tag?: string; all?: boolean } = {},
): Promise<void> {
  await runCommand(
    'skopeo',
    [
      'copy',
      ...(options.all ? ['--all', '--preserve-digests'] : []),
      '--retry-times=2',
      ...skopeoRegistryFlags(registry, 'src'),
      dockerRef(registry, ref),
      `oci:${layoutDir}:${options.tag ?? 'latest'}`,
    ],
    { env: containersEnv(), timeoutMs: 120_000 },
  );
}
