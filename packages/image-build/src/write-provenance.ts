import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Registries, parseReference } from '@deliverkit/oci';
import { parseFromLines } from './dockerfile';
import { type BaseImageDigest, buildProvenance } from './provenance';
import type { BuildResult } from './run-buildah';
import { stripTag } from './spec';

export interface ProvenanceFileOptions {
  /** The names (tags stripped) the digest was pushed to. */
  tags: readonly string[];
  /** The Dockerfile as given (default `<context>/Dockerfile`), read for its base images when the build did not pin them. */
  context: string;
  file?: string;
  target?: string;
  buildArgs: Record<string, string>;
  backend: string;
  backendVersion?: string;
  github: Record<string, string | undefined>;
  /** Where the statement is written. */
  dir: string;
  registries: Registries;
}

/**
 * The base images of a build: what buildah pinned per platform, else the Dockerfile's FROM images resolved in their
 * registries now (best effort: an unresolvable one is left out, as "where known" allows). A merge has neither.
 */
async function baseImagesOf(result: BuildResult, options: ProvenanceFileOptions): Promise<BaseImageDigest[]> {
  const baseImages: BaseImageDigest[] = [];
  for (const p of result.platforms) {
    for (const b of p.baseImages ?? []) {
      if (!baseImages.some((x) => x.reference === b.reference && x.digest === b.manifestDigest))
        baseImages.push({ reference: b.reference, digest: b.manifestDigest, platform: b.platform });
    }
  }
  const file = options.file ?? path.join(options.context, 'Dockerfile');
  if (options.backend === 'merge' || baseImages.length > 0 || !existsSync(file)) return baseImages;
  for (const from of parseFromLines(await readFile(file, 'utf8'), options.buildArgs)) {
    if (from.internal || !from.image) continue;
    try {
      const ref = parseReference(from.image);
      const digest =
        ref.digest ??
        (await options.registries.client(ref.registry).headManifest(ref.repository, ref.reference))?.digest;
      if (digest && !baseImages.some((b) => b.reference === from.image))
        baseImages.push({ reference: from.image, digest });
    } catch {
      // Unresolvable base images (no access, scratch-like names) are left out, as "where known".
    }
  }
  return baseImages;
}

/** Writes the build's SLSA provenance statement to `<dir>/provenance-<digest>.intoto.json`; returns its path. */
export async function writeProvenanceFile(
  result: BuildResult & { digest: string },
  options: ProvenanceFileOptions,
): Promise<string> {
  const statement = buildProvenance({
    subjects: [...new Set(options.tags.map(stripTag))],
    digest: result.digest,
    env: options.github,
    build: {
      platforms: result.platforms.map((p) => p.platform),
      file: options.file,
      target: options.target,
      buildArgs: options.buildArgs,
      backend: options.backend,
      backendVersion: options.backendVersion,
    },
    baseImages: await baseImagesOf(result, options),
  });
  const out = path.join(options.dir, `provenance-${result.digest.replace(':', '-')}.intoto.json`);
  await writeFile(out, `${JSON.stringify(statement, null, 2)}\n`);
  return out;
}
