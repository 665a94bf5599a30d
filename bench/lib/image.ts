import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  computeDigest,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  MediaType,
} from '@deliverkit/oci-core';
import { type RegistryClient } from '../../packages/oci/src/client';

export const MiB = 1024 * 1024;

/** Writes `size` random bytes to a file, hashing as it goes; never holds the layer in memory. */
export async function randomLayerFile(
  dir: string,
  size: number,
): Promise<{ file: string; digest: string; size: number }> {
  const file = path.join(dir, `layer-${randomBytes(4).toString('hex')}`);
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let left = size; left > 0;) {
    const chunk = randomBytes(Math.min(left, 4 * MiB));
    hash.update(chunk);
    left -= chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return { file, digest: `sha256:${hash.digest('hex')}`, size };
}

/**
 * Pushes a multi-platform OCI index whose layers are random (incompressible) bytes of the given sizes, one list of
 * sizes per platform. `bytes` counts the layers only.
 */
export async function pushImage(
  client: RegistryClient,
  repo: string,
  tag: string,
  platforms: number[][],
  dir: string,
): Promise<{ digest: string; bytes: number; size: number }> {
  const entries: Descriptor[] = [];
  let bytes = 0;
  for (const [i, sizes] of platforms.entries()) {
    const layers: Descriptor[] = [];
    for (const size of sizes) {
      const layer = await randomLayerFile(dir, size);
      await client.uploadBlob(repo, layer, {
        open: async (offset) => createReadStream(layer.file, { start: offset }),
      });
      await rm(layer.file);
      layers.push({ mediaType: MediaType.OciLayer, digest: layer.digest, size: layer.size });
      bytes += size;
    }
    const arch = i === 0 ? 'amd64' : 'arm64';
    const config = Buffer.from(
      JSON.stringify({
        architecture: arch,
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      }),
    );
    const configDescriptor = await client.pushBlob(repo, config, MediaType.OciConfig);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: configDescriptor,
      layers,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const { digest } = await client.putManifest(
      repo,
      computeDigest(manifestBytes),
      manifestBytes,
      MediaType.OciManifest,
    );
    entries.push({
      mediaType: MediaType.OciManifest,
      digest,
      size: manifestBytes.length,
      platform: { architecture: arch, os: 'linux' },
    });
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: entries };
  const indexBytes = Buffer.from(JSON.stringify(index));
  const { digest } = await client.putManifest(repo, tag, indexBytes, MediaType.OciIndex);
  return { digest, bytes, size: indexBytes.length };
}

/**
 * Attaches, as referrers of `subject` (the registry's referrers API, or the `sha256-<hex>` tag schema where it has
 * none), a Sigstore-bundle signature and an in-toto attestation of `attestationBytes` random bytes, the way cosign v3
 * does. Returns the referrer manifests' digests.
 */
export async function attachReferrers(
  client: RegistryClient,
  repo: string,
  subject: Descriptor,
  attestationBytes = 64 * 1024,
): Promise<string[]> {
  const empty = await client.pushBlob(repo, Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
  const referrers: [string, Buffer][] = [
    ['application/vnd.dev.sigstore.bundle.v0.3+json', randomBytes(2 * 1024)],
    ['application/vnd.in-toto+json', randomBytes(attestationBytes)],
  ];
  const digests: string[] = [];
  for (const [artifactType, content] of referrers) {
    const layer = await client.pushBlob(repo, content, artifactType);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType,
      config: { ...empty, mediaType: 'application/vnd.oci.empty.v1+json' },
      layers: [layer],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    };
    const descriptor = await client.pushReferrer(
      repo,
      Buffer.from(JSON.stringify(manifest)),
      MediaType.OciManifest,
    );
    digests.push(descriptor.digest);
  }
  return digests;
}
