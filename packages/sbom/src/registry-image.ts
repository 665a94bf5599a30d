import { type ImageReference } from '@deliverkit/oci-core';
import { type Registries, RegistryError, parseReference } from '@deliverkit/oci';
import { SbomError } from './errors';
import { type BlobStore, type ResolveOptions, resolveImage } from './image';
import type { LayerSource } from './types';

/** A BlobStore over @deliverkit/oci: manifests and blobs are digest-verified by the client as they stream. */
export function registryStore(registries: Registries, ref: ImageReference): BlobStore {
  const client = registries.client(ref.registry);
  return {
    manifest: async (digest) => (await client.getManifest(ref.repository, digest)).bytes,
    blob: (d) => client.fetchBlob(ref.repository, d),
    openBlob: async (d) => client.openBlob(ref.repository, d),
  };
}

export interface RegistryImage {
  reference: ImageReference;
  /** The digest the reference resolved to (index or manifest). */
  digest: string;
  sources: LayerSource[];
}

/**
 * Resolves `image` (by tag or digest) on its registry and returns one LayerSource per platform
 * asked for. The only network-facing part of the package: everything after it reads LayerSources.
 */
export async function openRegistryImage(
  registries: Registries,
  image: string | ImageReference,
  options: ResolveOptions & { input?: string } = {},
): Promise<RegistryImage> {
  const reference =
    typeof image === 'string' ? parseReference(image, { input: options.input ?? 'image' }) : image;
  const client = registries.client(reference.registry);
  const notFound = (e: unknown): never => {
    if (e instanceof RegistryError && e.code === 'NOT_FOUND') {
      throw new SbomError('IMAGE_NOT_FOUND', `${reference.name}@${reference.reference} was not found`, {
        cause: e,
      });
    }
    throw e;
  };
  const digest =
    reference.digest ??
    (await client.getManifest(reference.repository, reference.reference).catch(notFound)).descriptor.digest;
  const sources = await resolveImage(registryStore(registries, reference), reference.name, digest, {
    ...options,
    tag: options.tag ?? reference.tag,
  }).catch(notFound);
  return { reference, digest, sources };
}
