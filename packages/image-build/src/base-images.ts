import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Logger, silentLogger } from '@deliverkit/action-kit';
import {
  formatPlatform,
  type ImageManifest,
  isIndex,
  type Platform,
  platformMatches,
} from '@deliverkit/oci-core';
import { type Registries, parseReference } from '@deliverkit/oci';
import { type LocatedFromLine, locateFromLines, platformArgs, rewriteFromLines } from './dockerfile';
import { BuildError } from './errors';
import type { BuildInputNames } from './spec';
import { parsePlatform } from './platform';

// Why the build pins its base images itself:
//
// buildah 1.28 (Debian 12's) evaluates `FROM --platform=$BUILDPLATFORM` before BUILDPLATFORM is set,
// so the flag is silently dropped and the "build" stage runs on the target platform under qemu —
// a cross-compiling Dockerfile then compiles emulated, while `echo $BUILDPLATFORM` inside it still
// says amd64. Its local store also keys images by name only, so two platforms (or two stages) that
// pull one name into one store can get each other's architecture.
//
// Resolving every base image here — once per reference, the same answer for every platform — and
// handing buildah a copy of the Dockerfile whose FROM lines name a single platform's manifest by
// digest fixes both, on every buildah version: the build stage runs natively on the build host, the
// runtime stage is the target's, and the digests are exactly what provenance records.

/** One base image of one platform's build, as pinned into its Dockerfile. */
export interface PinnedBase {
  /** The reference as the Dockerfile names it, after ARG substitution (e.g. `golang:1.23`). */
  reference: string;
  /** The stage's platform: the target, or what `--platform=` asked for. */
  platform: string;
  /** What the reference resolved to in the registry (an index or a manifest). */
  digest: string;
  /** The single platform manifest FROM now names. */
  manifestDigest: string;
  /** `registry/repository@sha256:…`, the FROM image buildah pulls. */
  pinned: string;
  /** The stage this FROM starts (`AS name`). */
  stage?: string;
  /** True for the stage the image is built from (the target, or the last one). */
  final: boolean;
}

/** A base image that could not be resolved and is left to the builder. */
export interface UnpinnedBase {
  reference: string;
  platform: string;
  reason: string;
}

export interface PinnedDockerfile {
  /** The target platform. */
  platform: Platform;
  /** Path of the rewritten Dockerfile (equal to the original when nothing was pinned). */
  file: string;
  pins: PinnedBase[];
  unpinned: UnpinnedBase[];
}

export interface PinOptions {
  registries: Registries;
  /** The Dockerfile as the user gave it. */
  file: string;
  buildArgs: Record<string, string>;
  target?: string;
  platforms: Platform[];
  /** The caller's names for the build's inputs, named by the errors about them. */
  inputNames?: BuildInputNames;
  /** The build host's platform (BUILDPLATFORM). */
  buildPlatform: Platform;
  /** Where the per-platform Dockerfiles are written: `<outDir>/<slug>/Dockerfile`. */
  outDir: (platform: Platform) => string;
  logger?: Logger;
}

interface Resolved {
  digest: string;
  /** A plain image manifest rather than an index. */
  single: boolean;
  manifests: { digest: string; platform?: Platform }[];
}

/** The stage the image comes from: `--target`, else the last FROM; followed through stage names. */
function finalStageIndex(
  lines: LocatedFromLine[],
  target: string | undefined,
  targetInput: string | undefined,
): number {
  let index = target
    ? lines.findIndex((l) => l.stage?.toLowerCase() === target.toLowerCase())
    : lines.length - 1;
  if (target && index < 0) {
    const input = targetInput ? ` (input "${targetInput}")` : '';
    throw new BuildError('BUILD_FAILED', `The Dockerfile has no stage named "${target}"${input}`);
  }
  // `FROM build AS final`: the base image is build's.
  for (let guard = 0; guard < lines.length; guard++) {
    const line = lines[index];
    if (!line?.internal || line.image === 'scratch') break;
    const next = lines.findIndex((l, i) => i < index && l.stage?.toLowerCase() === line.image.toLowerCase());
    if (next < 0) break;
    index = next;
  }
  return index;
}

/**
 * Resolves every base image of the Dockerfile for every platform and writes one pinned Dockerfile
 * per platform. Unresolvable bases (no access, an image only in the local store, no image for the
 * stage's platform) are left as written and reported with a warning: the stage may not be built at
 * all, and when it is, buildah's own error applies.
 */
export async function pinBaseImages(options: PinOptions): Promise<PinnedDockerfile[]> {
  const logger = options.logger ?? silentLogger;
  const text = await readFile(options.file, 'utf8');
  const cache = new Map<string, Promise<Resolved>>();
  const resolve = (reference: string): Promise<Resolved> => {
    let hit = cache.get(reference);
    if (!hit) {
      hit = resolveReference(options.registries, reference);
      cache.set(reference, hit);
    }
    return hit;
  };
  const out: PinnedDockerfile[] = [];
  for (const platform of options.platforms) {
    const lines = locateFromLines(text, options.buildArgs, platformArgs(options.buildPlatform, platform));
    const final = finalStageIndex(lines, options.target, options.inputNames?.target);
    const pins: PinnedBase[] = [];
    const unpinned: UnpinnedBase[] = [];
    const replacements = new Map<number, string>();
    for (const [i, line] of lines.entries()) {
      if (line.internal) continue;
      let stagePlatform = platform;
      if (line.resolvedPlatform) {
        try {
          stagePlatform = parsePlatform(line.resolvedPlatform, `FROM --platform of ${line.image}`);
        } catch (error) {
          throw new BuildError(
            'BUILD_FAILED',
            `FROM --platform=${line.platform} ${line.image}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      const wanted = formatPlatform(stagePlatform);
      if (!line.image) {
        throw new BuildError('BUILD_FAILED', `A FROM line names no image (is a build arg missing?)`);
      }
      try {
        const ref = parseReference(line.image, { input: 'Dockerfile FROM' });
        const resolved = await resolve(line.image);
        // A single-platform image is used as it is, as docker does (with a warning when it is another
        // platform's); an index must have the stage's platform.
        const match = resolved.single
          ? resolved.manifests[0]
          : resolved.manifests.find((m) => m.platform && platformMatches(stagePlatform, m.platform));
        if (resolved.single && match?.platform && !platformMatches(stagePlatform, match.platform)) {
          logger.warning(
            `${formatPlatform(platform)}: base image ${line.image} is ${formatPlatform(match.platform)}, not ${wanted}`,
          );
        }
        if (!match) {
          // Not an error here: the stage may not be needed for the target (buildah fails clearly if it is).
          const has = resolved.manifests
            .map((m) => (m.platform ? formatPlatform(m.platform) : '?'))
            .join(', ');
          throw new BuildError('BASE_IMAGE_UNAVAILABLE', `it has no ${wanted} image, only ${has || 'none'}`);
        }
        const pinned = `${ref.name}@${match.digest}`;
        replacements.set(i, pinned);
        pins.push({
          reference: line.image,
          platform: wanted,
          digest: resolved.digest,
          manifestDigest: match.digest,
          pinned,
          ...(line.stage ? { stage: line.stage } : {}),
          final: i === final,
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        unpinned.push({ reference: line.image, platform: wanted, reason });
        const differs = wanted !== formatPlatform(platform);
        logger.warning(
          `${formatPlatform(platform)}: base image ${line.image} is not pinned (${reason})` +
            (differs
              ? `; buildah may build its stage for ${formatPlatform(platform)} instead of ${wanted}`
              : ''),
        );
      }
    }
    let file = options.file;
    if (replacements.size > 0) {
      const dir = options.outDir(platform);
      await mkdir(dir, { recursive: true });
      file = path.join(dir, 'Dockerfile');
      await writeFile(file, rewriteFromLines(text, replacements));
      // A Dockerfile-specific ignore file (`Dockerfile.dockerignore`) must follow the Dockerfile.
      for (const ignore of [`${options.file}.dockerignore`, `${options.file}.containerignore`]) {
        if (existsSync(ignore))
          await writeFile(`${file}${ignore.slice(options.file.length)}`, await readFile(ignore));
      }
    }
    out.push({ platform, file, pins, unpinned });
  }
  return out;
}

async function resolveReference(registries: Registries, reference: string): Promise<Resolved> {
  const ref = parseReference(reference, { input: 'Dockerfile FROM' });
  const client = registries.client(ref.registry);
  const fetched = await client.getManifest(ref.repository, ref.reference);
  const manifest = fetched.manifest;
  if (isIndex(manifest)) {
    return {
      digest: fetched.descriptor.digest,
      single: false,
      manifests: manifest.manifests
        .filter((m) => m.platform && m.platform.os !== 'unknown')
        .map((m) => ({
          digest: m.digest,
          platform: {
            os: m.platform!.os,
            architecture: m.platform!.architecture,
            ...(m.platform!.variant ? { variant: m.platform!.variant } : {}),
          },
        })),
    };
  }
  // A single-platform image: its config says which platform it is.
  const config = JSON.parse(
    (await client.fetchBlob(ref.repository, (manifest as ImageManifest).config)).toString('utf8'),
  ) as { os?: string; architecture?: string; variant?: string };
  const platform =
    config.os && config.architecture
      ? {
          os: config.os,
          architecture: config.architecture,
          ...(config.variant ? { variant: config.variant } : {}),
        }
      : undefined;
  return {
    digest: fetched.descriptor.digest,
    single: true,
    manifests: [{ digest: fetched.descriptor.digest, platform }],
  };
}
