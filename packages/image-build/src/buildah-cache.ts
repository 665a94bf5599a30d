import { type Logger, silentLogger } from '@deliverkit/action-kit';
import { type Descriptor, type ImageIndex, MediaType, computeDigest } from '@deliverkit/oci-core';
import { type Registries, RegistryError, parseReference } from '@deliverkit/oci';
import { type Buildah, type BuildahRegistryOptions, buildahPullArgs } from './buildah';
import type { BuildInputNames } from './spec';

// Why the build primes buildah's store before it builds (measured on buildah 1.28, Debian 12's):
//
// With `--layers --cache-from R`, buildah looks a step up in R only while every earlier step of the
// stage was a cache hit, and it never looks up an `ARG` step in R — an ARG step can only hit an image
// already in the local store. On a fresh runner the store is empty, so the first `ARG TARGETARCH` of a
// stage misses and every later step of that stage (the `go mod download`, `npm ci` the cache exists
// for) is rebuilt, although R holds it under the very same key.
//
// The fix: after a build, the images of its ARG steps (buildah pushed them to R as `R:<key>`) are
// listed in one OCI index, `R:deliverkit-prime`; before the next build on a fresh store they are
// pulled, so the ARG steps hit locally and buildah's own lookups in R work for the rest of the stage.
// The index is rewritten by every build, so it never names more than one build's ARG steps.

/** The tag of the index of ARG-step cache images in a buildah cache repository. */
export const PRIME_TAG = 'deliverkit-prime';

/** A cache image buildah pushed for an ARG step: `registry/repo:key`. */
export interface ArgStepCache {
  instruction: string;
  ref: string;
}

/** The ARG steps of a build log and the cache images buildah pushed for them (`--> Pushing cache R:key`). */
export function argStepCaches(log: string): ArgStepCache[] {
  const out: ArgStepCache[] = [];
  let step: string | undefined;
  for (const line of log.split('\n')) {
    const stepMatch = /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: (.*)$/.exec(line);
    if (stepMatch) {
      step = stepMatch[1];
      continue;
    }
    const push = /^--> Pushing cache (\S+)$/.exec(line.trim());
    if (push && step && /^ARG\s/i.test(step)) out.push({ instruction: step, ref: push[1] as string });
  }
  return out;
}

/**
 * Pulls the ARG-step images listed under `repo:deliverkit-prime` into buildah's store. Best effort:
 * a repository without the index (the first build) or a failed pull only means fewer cache hits.
 * Returns how many images were pulled.
 */
export async function primeBuildahCache(
  registries: Registries,
  repositories: readonly string[],
  buildah: Buildah,
  registryOptions: BuildahRegistryOptions & { inputNames?: Pick<BuildInputNames, 'cacheFrom'> },
  env: Record<string, string | undefined> | undefined,
  logger: Logger = silentLogger,
): Promise<number> {
  let pulled = 0;
  for (const repository of repositories) {
    const repo = parseReference(repository, { input: registryOptions.inputNames?.cacheFrom });
    let index: ImageIndex | undefined;
    try {
      const fetched = await registries.client(repo.registry).getManifestIfExists(repo.repository, PRIME_TAG);
      if (fetched && 'manifests' in fetched.manifest) index = fetched.manifest;
    } catch (error) {
      logger.debug(`cache prime: cannot read ${repo.name}:${PRIME_TAG}: ${(error as Error).message}`);
    }
    for (const m of index?.manifests ?? []) {
      const res = await buildah.run(buildahPullArgs(`${repo.name}@${m.digest}`, registryOptions), {
        env,
        ignoreReturnCode: true,
      });
      if (res.exitCode === 0) pulled++;
      else logger.debug(`cache prime: pull of ${repo.name}@${m.digest} failed: ${res.stderr.trim()}`);
    }
  }
  return pulled;
}

/**
 * Writes `repo:deliverkit-prime` in every cache repository the build pushed ARG-step images to: an
 * OCI index of those images, in step order. Best effort, like the cache itself.
 */
export async function recordBuildahPrime(
  registries: Registries,
  caches: readonly ArgStepCache[],
  logger: Logger = silentLogger,
): Promise<void> {
  const byRepo = new Map<string, Descriptor[]>();
  for (const c of caches) {
    try {
      const ref = parseReference(c.ref, { input: 'cache-to' });
      const descriptor = await registries.client(ref.registry).headManifest(ref.repository, ref.reference);
      if (!descriptor) continue;
      const list = byRepo.get(ref.name) ?? [];
      if (!list.some((d) => d.digest === descriptor.digest)) {
        list.push({
          mediaType: descriptor.mediaType,
          digest: descriptor.digest,
          size: descriptor.size,
          annotations: {
            'org.opencontainers.image.ref.name': ref.tag ?? '',
            'dev.deliverkit.buildah.step': c.instruction,
          },
        });
      }
      byRepo.set(ref.name, list);
    } catch (error) {
      logger.debug(`cache prime: cannot read ${c.ref}: ${(error as Error).message}`);
    }
  }
  for (const [name, manifests] of byRepo) {
    const repo = parseReference(name, { input: 'cache-to' });
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
    const bytes = Buffer.from(JSON.stringify(index));
    try {
      await registries
        .client(repo.registry)
        .putManifest(repo.repository, PRIME_TAG, bytes, MediaType.OciIndex);
      logger.debug(
        `cache prime: ${name}:${PRIME_TAG} lists ${manifests.length} ARG steps (${computeDigest(bytes)})`,
      );
    } catch (error) {
      const detail = error instanceof RegistryError ? error.message : String(error);
      logger.warning(`Could not write the cache index ${name}:${PRIME_TAG}: ${detail}`);
    }
  }
}
