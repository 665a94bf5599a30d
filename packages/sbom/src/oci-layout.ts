import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor } from '@deliverkit/oci-core';
import { SbomError } from './errors';
import { type BlobStore, type ResolveOptions, resolveImage, verifyingStream } from './image';
import type { LayerSource } from './types';

function blobPath(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) {
    throw new SbomError('INVALID_IMAGE', `"${digest}" is not a digest`);
  }
  return join(dir, 'blobs', alg, hex);
}

/** Blobs of an OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), digest-checked. */
export function ociLayoutStore(dir: string): BlobStore {
  return {
    manifest: (digest) => readFile(blobPath(dir, digest)),
    blob: (d: Descriptor) => readFile(blobPath(dir, d.digest)),
    openBlob: async (d: Descriptor) =>
      verifyingStream(d.digest, createReadStream(blobPath(dir, d.digest), { highWaterMark: 1 << 20 })),
  };
}

/**
 * LayerSources for an image stored as an OCI layout (e.g. `skopeo copy … oci:DIR:ref`): the
 * manifest named by `ref` (annotation org.opencontainers.image.ref.name) or the only one.
 */
export async function openOciLayout(
  dir: string,
  options: ResolveOptions & { name?: string; ref?: string } = {},
): Promise<LayerSource[]> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] };
  const manifests = index.manifests ?? [];
  const pick = options.ref
    ? manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === options.ref)
    : manifests.length === 1
      ? manifests[0]
      : undefined;
  if (!pick) {
    throw new SbomError(
      'IMAGE_NOT_FOUND',
      options.ref
        ? `${dir} has no image tagged "${options.ref}"`
        : `${dir} holds ${manifests.length} images; say which with ref`,
    );
  }
  const name = options.name ?? pick.annotations?.['org.opencontainers.image.ref.name'] ?? 'image';
  return resolveImage(ociLayoutStore(dir), name, pick.digest, options);
}
