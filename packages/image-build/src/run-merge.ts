import { type Logger, InputError, silentLogger } from '@deliverkit/action-kit';
import { formatPlatform, type ImageReference, isSha256Digest } from '@deliverkit/oci-core';
import { type Registries, parseReference } from '@deliverkit/oci';
import {
  type PlatformImage,
  buildIndex,
  ensureInRepository,
  publishIndex,
  readPlatformImage,
} from './layout-publish';
import { annotationsFor, stripTag } from './spec';
import type { BuildResult } from './run-buildah';

export interface MergeOptions {
  /** Per-platform images: `registry/repo@sha256:…`, or bare `sha256:…` digests in `repository`. */
  digests: readonly string[];
  /** Where the index is assembled (default: the first tag's repository). */
  repository?: string;
  /** `name:tag` references to point at the index. */
  tags: readonly string[];
  /** Annotations as for a build (`index:` → the index, `manifest-descriptor:` → its entries). */
  annotations?: readonly string[];
  /** The caller's names for the digests, the image the index goes to and the tags, named by input errors. */
  inputNames: { digests: string; images: string; tags: string };
  logger?: Logger;
}

/**
 * `mode: merge`: assembles the multi-platform index from per-platform digests that `mode: single`
 * jobs pushed — no rebuild, no daemon — then pushes and tags it (and copies it to the other
 * repositories among the tags). Platforms come from each image's config, in the order given.
 */
export async function mergeDigests(registries: Registries, options: MergeOptions): Promise<BuildResult> {
  const logger = options.logger ?? silentLogger;
  const names = options.inputNames;
  const homeName = options.repository ?? (options.tags[0] ? stripTag(options.tags[0]) : undefined);
  if (!homeName)
    throw new InputError(
      names.tags,
      'merge needs at least one tag or image to push the index to',
      'INPUT_REQUIRED',
    );
  const home = parseReference(homeName, { input: names.images });
  if (options.digests.length === 0)
    throw new InputError(
      names.digests,
      `Input "${names.digests}" is empty: give one digest per platform`,
      'INPUT_REQUIRED',
    );
  const refs: ImageReference[] = options.digests.map((d) => {
    const text = d.trim();
    const ref = isSha256Digest(text) ? home.withDigest(text) : parseReference(text, { input: names.digests });
    if (!ref.digest)
      throw new InputError(
        names.digests,
        `Input "${names.digests}" has "${text}" without a digest (expected repo@sha256:… or sha256:…)`,
      );
    return ref;
  });
  const images: PlatformImage[] = [];
  for (const ref of refs) {
    await ensureInRepository(registries, ref, home, logger);
    images.push(await readPlatformImage(registries, home.withDigest(ref.digest!)));
  }
  const annotations = options.annotations ?? [];
  const index = buildIndex(images, {
    annotations: annotationsFor(annotations, 'index'),
    descriptorAnnotations: annotationsFor(annotations, 'manifest-descriptor'),
  });
  logger.debug(
    `mergeDigests: index ${index.digest} for ${images.map((i) => formatPlatform(i.platform)).join(', ')}`,
  );
  const published = await publishIndex(registries, home, index, options.tags, names.tags, logger);
  return {
    digest: published.digest,
    tags: published.tags,
    platforms: images.map((i) => ({
      platform: formatPlatform(i.platform),
      imageId: '',
      digest: i.descriptor.digest,
      size: i.size,
      durationMs: 0,
      cache: { hits: 0, pulled: 0, pushed: 0, steps: 0, primed: 0 },
    })),
  };
}
