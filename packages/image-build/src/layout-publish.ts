import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type ImageReference,
  MediaType,
  computeDigest,
  formatPlatform,
  isIndex,
  type Platform,
} from '@deliverkit/oci-core';
import { type Registries, copyImage, parseReference } from '@deliverkit/oci';
import { type Logger, silentLogger } from '@deliverkit/action-kit';
import { BuildError } from './errors';

/** One platform image as it sits in a registry. */
export interface PlatformImage {
  platform: Platform;
  /** The image manifest's descriptor (digest, size, media type). */
  descriptor: Descriptor;
  /** Compressed bytes: config plus layers. */
  size: number;
}

function blobPath(layoutDir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return path.join(layoutDir, 'blobs', algorithm, hex);
}

/**
 * Rewrites the annotations of the single image manifest in an OCI layout: `remove` first, then `set`.
 * The manifest is re-serialized under its new digest and index.json updated; config and layers are
 * untouched. Returns the manifest digest (unchanged when nothing differs).
 *
 * Why: buildah 1.28 keeps a cached image's annotations when every step is a cache hit, and writes
 * `org.opencontainers.image.base.*` from whatever image it last pulled (the cache image, or a pinned
 * digest); the pushed manifest must carry exactly the annotations the build asked for.
 */
export async function setLayoutAnnotations(
  layoutDir: string,
  set: Record<string, string>,
  remove: readonly string[] = [],
): Promise<string> {
  const indexFile = path.join(layoutDir, 'index.json');
  const layoutIndex = JSON.parse(await readFile(indexFile, 'utf8')) as ImageIndex;
  const top = layoutIndex.manifests[0];
  if (!top || layoutIndex.manifests.length !== 1) {
    throw new BuildError('PUSH_FAILED', `OCI layout ${layoutDir} should hold exactly one image`);
  }
  const manifest = JSON.parse(await readFile(blobPath(layoutDir, top.digest), 'utf8')) as ImageManifest;
  const current = manifest.annotations ?? {};
  const changed =
    remove.some((key) => key in current) ||
    Object.entries(set).some(([key, value]) => current[key] !== value);
  if (!changed) return top.digest;
  const annotations: Record<string, string> = { ...current };
  for (const key of remove) delete annotations[key];
  Object.assign(annotations, set);
  const next: ImageManifest = { ...manifest };
  if (Object.keys(annotations).length > 0) next.annotations = annotations;
  else delete next.annotations;
  const bytes = Buffer.from(JSON.stringify(next));
  const digest = computeDigest(bytes);
  await writeFile(blobPath(layoutDir, digest), bytes);
  layoutIndex.manifests = [{ ...top, digest, size: bytes.length }];
  await writeFile(indexFile, JSON.stringify(layoutIndex));
  return digest;
}

/**
 * Uploads the single image of an OCI layout (what `buildah push … oci:DIR` wrote) to a repository,
 * by digest only: blobs the repository already has are skipped, the manifest is PUT under its
 * digest, and no tag is created. Returns what the registry now serves.
 */
export async function pushLayoutByDigest(
  registries: Registries,
  repository: ImageReference,
  layoutDir: string,
  logger: Logger = silentLogger,
): Promise<PlatformImage> {
  const layoutIndex = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as ImageIndex;
  const top = layoutIndex.manifests[0];
  if (!top || layoutIndex.manifests.length !== 1) {
    throw new BuildError(
      'PUSH_FAILED',
      `OCI layout ${layoutDir} should hold exactly one image, found ${layoutIndex.manifests.length}`,
    );
  }
  const bytes = await readFile(blobPath(layoutDir, top.digest));
  if (computeDigest(bytes) !== top.digest)
    throw new BuildError('PUSH_FAILED', `OCI layout ${layoutDir}: manifest bytes do not match ${top.digest}`);
  const manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest;
  const config = JSON.parse(await readFile(blobPath(layoutDir, manifest.config.digest), 'utf8')) as {
    os: string;
    architecture: string;
    variant?: string;
  };
  const client = registries.client(repository.registry);
  for (const blob of [manifest.config, ...manifest.layers]) {
    if ((await client.headBlob(repository.repository, blob.digest)) !== undefined) {
      logger.debug(`pushLayoutByDigest: ${blob.digest} already in ${repository.name}`);
      continue;
    }
    const file = blobPath(layoutDir, blob.digest);
    await client.uploadBlob(repository.repository, blob, {
      open: async (offset) => createReadStream(file, { start: offset }),
    });
  }
  const mediaType = manifest.mediaType ?? top.mediaType ?? MediaType.OciManifest;
  const { digest } = await client.putManifest(repository.repository, top.digest, bytes, mediaType);
  // Read back what the registry serves under that digest: the digest users get is one that exists.
  const served = await client.headManifest(repository.repository, digest);
  if (!served || served.digest !== digest) {
    throw new BuildError('DIGEST_UNAVAILABLE', `${repository.name}@${digest} is not served after the push`);
  }
  const platform: Platform = config.variant
    ? { os: config.os, architecture: config.architecture, variant: config.variant }
    : { os: config.os, architecture: config.architecture };
  return {
    platform,
    descriptor: { mediaType, digest, size: bytes.length },
    size: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
  };
}

/**
 * Reads a platform image already in a registry (`repo@sha256:…`): its manifest descriptor, and the
 * platform from its config. An index is refused: merge takes one manifest per platform.
 */
export async function readPlatformImage(registries: Registries, ref: ImageReference): Promise<PlatformImage> {
  const client = registries.client(ref.registry);
  const fetched = await client.getManifest(ref.repository, ref.reference);
  if (isIndex(fetched.manifest)) {
    throw new BuildError(
      'MERGE_INVALID',
      `${ref.toString()} is an index; merge takes one image manifest per platform`,
    );
  }
  const manifest = fetched.manifest;
  const config = JSON.parse((await client.fetchBlob(ref.repository, manifest.config)).toString('utf8')) as {
    os?: string;
    architecture?: string;
    variant?: string;
  };
  if (!config.os || !config.architecture) {
    throw new BuildError('MERGE_INVALID', `${ref.toString()}: its config names no os/architecture`);
  }
  const platform: Platform = config.variant
    ? { os: config.os, architecture: config.architecture, variant: config.variant }
    : { os: config.os, architecture: config.architecture };
  return {
    platform,
    descriptor: {
      mediaType: fetched.descriptor.mediaType,
      digest: fetched.descriptor.digest,
      size: fetched.descriptor.size,
    },
    size: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
  };
}

export interface IndexOptions {
  /** Index-level annotations (`index:` level). */
  annotations?: Record<string, string>;
  /** Annotations on each manifest descriptor in the index (`manifest-descriptor:` level). */
  descriptorAnnotations?: Record<string, string>;
}

/**
 * The OCI image index for per-platform images: one descriptor per platform in the given order, with
 * platform fields and annotations. Pure and deterministic: same inputs, same bytes, same digest.
 */
export function buildIndex(
  images: readonly PlatformImage[],
  options: IndexOptions = {},
): { bytes: Buffer; digest: string; index: ImageIndex } {
  const seen = new Set<string>();
  for (const image of images) {
    const key = formatPlatform(image.platform);
    if (seen.has(key))
      throw new BuildError('MERGE_INVALID', `two images for ${key}: give one digest per platform`);
    seen.add(key);
  }
  const descriptorAnnotations = options.descriptorAnnotations ?? {};
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: images.map((image) => ({
      mediaType: image.descriptor.mediaType,
      digest: image.descriptor.digest,
      size: image.descriptor.size,
      ...(Object.keys(descriptorAnnotations).length > 0 ? { annotations: { ...descriptorAnnotations } } : {}),
      platform: image.platform.variant
        ? {
            architecture: image.platform.architecture,
            os: image.platform.os,
            variant: image.platform.variant,
          }
        : { architecture: image.platform.architecture, os: image.platform.os },
    })),
    ...(options.annotations && Object.keys(options.annotations).length > 0
      ? { annotations: { ...options.annotations } }
      : {}),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  return { bytes, digest: computeDigest(bytes), index };
}

export interface PublishResult {
  digest: string;
  /** Every `name:tag` now pointing at the index. */
  tags: string[];
}

/**
 * Pushes an index whose manifests are already in `home` (a repository), tags it there, then copies
 * the whole image (index, manifests, blobs) to every other repository named by `tags` with
 * packages/oci's copy engine (mounts on the same registry, streams otherwise). Tags are written
 * last, after the content they point at is present.
 */
export async function publishIndex(
  registries: Registries,
  home: ImageReference,
  index: { bytes: Buffer; digest: string },
  tags: readonly string[],
  /** The caller's name for the tags, named by a reference error. */
  tagsInput: string | undefined,
  logger: Logger = silentLogger,
): Promise<PublishResult> {
  const client = registries.client(home.registry);
  await client.putManifest(home.repository, index.digest, index.bytes, MediaType.OciIndex);
  const served = await client.headManifest(home.repository, index.digest);
  if (!served || served.digest !== index.digest) {
    throw new BuildError('DIGEST_UNAVAILABLE', `${home.name}@${index.digest} is not served after the push`);
  }
  const byRepo = new Map<string, { ref: ImageReference; tags: string[] }>();
  for (const tag of tags) {
    const ref = parseReference(tag, { input: tagsInput });
    const key = ref.name;
    const entry = byRepo.get(key) ?? { ref, tags: [] };
    if (ref.tag) entry.tags.push(ref.tag);
    byRepo.set(key, entry);
  }
  const written: string[] = [];
  const homeTags = byRepo.get(home.name)?.tags ?? [];
  for (const tag of homeTags) {
    await client.putManifest(home.repository, tag, index.bytes, MediaType.OciIndex);
    written.push(`${home.name}:${tag}`);
  }
  const others = [...byRepo.values()].filter((e) => e.ref.name !== home.name);
  if (others.length > 0) {
    logger.debug(
      `publishIndex: copying ${home.name}@${index.digest} to ${others.map((o) => o.ref.name).join(', ')}`,
    );
    await copyImage(
      registries,
      home.withDigest(index.digest),
      others.map((o) => ({ registry: o.ref.registry, repository: o.ref.repository, tags: o.tags })),
      { includeReferrers: false, logger },
    );
    for (const o of others) for (const t of o.tags) written.push(`${o.ref.name}:${t}`);
  }
  return { digest: index.digest, tags: written };
}

/**
 * Makes sure a platform image (`source`, any repository) is present in `home`, by digest, copying
 * it when it lives elsewhere; used by merge when the per-platform digests were pushed to another
 * repository than the first image.
 */
export async function ensureInRepository(
  registries: Registries,
  source: ImageReference,
  home: ImageReference,
  logger: Logger = silentLogger,
): Promise<void> {
  if (source.name === home.name) return;
  await copyImage(registries, source, [{ registry: home.registry, repository: home.repository, tags: [] }], {
    includeReferrers: false,
    logger,
  });
}
