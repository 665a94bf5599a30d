import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Registries, parseReference } from '@deliverkit/oci';
import type { BuildSetupRequest } from './build-setup';
import { parseFromLines } from './dockerfile';
import { type BaseImageDigest, buildProvenance } from './provenance';
import type { BuildResult } from './run-buildah';
import { stripTag } from './spec';

export interface ProvenanceFileOptions {
  /** What was built, from where; the statement goes to the environment's temp directory. */
  request: Pick<BuildSetupRequest, 'context' | 'file' | 'target' | 'buildArgs' | 'environment'>;
  /** The tags pushed (their names are the subjects). */
  tags: readonly string[];
  backend: string;
  backendVersion?: string;
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
  const { context, file: given, buildArgs } = options.request;
  const file = given ?? path.join(context, 'Dockerfile');
  if (options.backend === 'merge' || baseImages.length > 0 || !existsSync(file)) return baseImages;
  for (const from of parseFromLines(await readFile(file, 'utf8'), buildArgs)) {
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
  const { file, target, buildArgs, environment } = options.request;
  const statement = buildProvenance({
    subjects: [...new Set(options.tags.map(stripTag))],
    digest: result.digest,
    env: environment.github,
    build: {
      platforms: result.platforms.map((p) => p.platform),
      file,
      target,
      buildArgs,
      backend: options.backend,
      backendVersion: options.backendVersion,
    },
    baseImages: await baseImagesOf(result, options),
  });
  const out = path.join(environment.tempDir, `provenance-${result.digest.replace(':', '-')}.intoto.json`);
  await writeFile(out, `${JSON.stringify(statement, null, 2)}\n`);
  return out;
}
