import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Logger, silentLogger } from '@deliverkit/action-kit';
import { type Registries, parseReference } from '@deliverkit/oci';
import {
  type Buildah,
  type BuildahCacheStats,
  type BuildahRegistryOptions,
  buildahBuildArgs,
  buildahPushLayoutArgs,
  failingStep,
  parseBuildahCacheStats,
} from './buildah';
import { type PinnedBase, type PinnedDockerfile, pinBaseImages } from './base-images';
import { argStepCaches, primeBuildahCache, recordBuildahPrime } from './buildah-cache';
import { dockerfilePath } from './dockerfile';
import { BuildError } from './errors';
import { type Platform, formatPlatform, platformSlug } from '@deliverkit/oci-core';
import { hostPlatform } from './platform';
import {
  type PlatformImage,
  buildIndex,
  publishIndex,
  pushLayoutByDigest,
  setLayoutAnnotations,
} from './layout-publish';
import {
  type BuildInputNames,
  type BuildSpec,
  type CacheMode,
  annotationsFor,
  resolveCacheRefs,
  stripTag,
} from './spec';

/** Per-platform outcome, for outputs and the summary table. */
export interface PlatformResult {
  platform: string;
  /** Local image ID (config digest). */
  imageId: string;
  /** Manifest digest in the registry (when pushed). */
  digest?: string;
  /** Compressed size of config and layers (when pushed). */
  size?: number;
  durationMs: number;
  cache: BuildahCacheStats;
  /** The base images this platform was built from, pinned by digest (buildah; see base-images.ts). */
  baseImages?: PinnedBase[];
}

export interface BuildResult {
  /** The index digest (one-shot push), or the one image's digest (`single`). */
  digest?: string;
  /** Media type of `digest` when the backend reports it (buildx: a bare manifest for one platform). */
  mediaType?: string;
  platforms: PlatformResult[];
  /** `name:tag` references written. */
  tags: string[];
}

export type BuildMode = 'multi' | 'single';

export interface BuildahRunOptions extends BuildahRegistryOptions {
  buildah: Buildah;
  /** Needed to push: uploads by digest, assembles and tags the index. */
  registries?: Registries;
  /** Scratch directory for image ID files, layouts and logs. */
  workDir: string;
  /**
   * `multi`: build every platform and push an index under every tag. `single`: exactly one platform,
   * pushed by digest only (no tag), for a later merge.
   */
  mode?: BuildMode;
  /** The repository platform images are pushed to (default: the first tag's repository). */
  repository?: string;
  /** Derive per-platform registry cache repositories from this image (`cache: registry`). */
  cacheImage?: string;
  cacheMode?: CacheMode;
  /** Platform builds at once (default: all). */
  parallel?: number;
  /** Environment for buildah (STORAGE_DRIVER, BUILDAH_ISOLATION, …). */
  env?: Record<string, string | undefined>;
  /**
   * Resolve base images once and build each platform from a Dockerfile whose FROM lines name that
   * platform's manifest by digest (default: true when a registry client is given).
   */
  pinBaseImages?: boolean;
  /** BUILDPLATFORM (default: this host). */
  buildPlatform?: Platform;
  /**
   * Give each platform its own store next to buildah's (`<root>-<os>-<arch>`) when building several
   * at once (default: true). In one store, platforms that build the same stage for BUILDPLATFORM
   * share each other's images by race — buildah 1.28's key for `ARG X` does not include X's value —
   * so which image became a parent, and every cache key after it, changed from run to run.
   */
  storePerPlatform?: boolean;
  /** The caller's names for the build's inputs, named by the errors about them. */
  inputNames?: BuildInputNames;
  logger?: Logger;
}

/** Options of {@link planBuildah}: the run options plus per-platform pinned Dockerfiles. */
export type BuildahPlanOptions = Omit<BuildahRunOptions, 'registries' | 'logger'> & {
  /** Dockerfile per platform (`linux/amd64` → path), e.g. from {@link pinBuildahBases}. */
  dockerfiles?: ReadonlyMap<string, string>;
  /** buildah per platform (`linux/amd64` → its own store), e.g. from {@link platformBuildahs}. */
  buildahs?: ReadonlyMap<string, Buildah>;
};

/** The commands one platform runs, in order: what dry-run prints. */
export interface PlatformCommands {
  platform: Platform;
  /** The buildah (and so the store) this platform builds with. */
  buildah: Buildah;
  /** `buildah build …` arguments (without buildah's global storage flags). */
  buildArgs: string[];
  /** The full command line, global flags included. */
  build: { command: string; args: string[] };
  /** buildah cache repositories read and written (`--cache-from` / `--cache-to`). */
  cacheFrom: string[];
  cacheTo: string[];
  push?: { command: string; args: string[] };
}

function platformFiles(workDir: string, p: Platform) {
  const dir = path.join(workDir, platformSlug(p));
  return { dir, iid: path.join(dir, 'iid'), layout: path.join(dir, 'oci'), digest: path.join(dir, 'digest') };
}

/** The buildah commands for every platform, without running anything. */
export function planBuildah(spec: BuildSpec, options: BuildahPlanOptions): PlatformCommands[] {
  validate(spec, options);
  return spec.platforms.map((platform) => {
    const files = platformFiles(options.workDir, platform);
    const derived =
      options.cacheImage && options.cacheMode !== 'none'
        ? resolveCacheRefs('buildah', options.cacheImage, [platform], options.cacheMode ?? 'registry')
        : { from: [], to: [] };
    const file = options.dockerfiles?.get(formatPlatform(platform)) ?? spec.file;
    const cacheFrom = spec.noCache ? [] : [...spec.cacheFrom, ...derived.from];
    const cacheTo = spec.noCache ? [] : [...spec.cacheTo, ...derived.to];
    const buildArgs = buildahBuildArgs(file === spec.file ? spec : { ...spec, file }, {
      platform,
      iidFile: files.iid,
      cacheFrom,
      cacheTo,
      authFile: options.authFile,
      tlsVerify: options.tlsVerify,
      certDir: options.certDir,
    });
    const buildah = options.buildahs?.get(formatPlatform(platform)) ?? options.buildah;
    const build = buildah.getCommand(buildArgs);
    const push = spec.push
      ? buildah.getCommand(buildahPushLayoutArgs('<image-id>', files.layout, files.digest))
      : undefined;
    return { platform, buildah, buildArgs, build, push, cacheFrom, cacheTo };
  });
}

function validate(spec: BuildSpec, options: Pick<BuildahRunOptions, 'mode' | 'repository'>): void {
  if (spec.platforms.length === 0) throw new BuildError('BUILD_FAILED', 'No platform to build');
  if ((options.mode ?? 'multi') === 'single') {
    if (spec.platforms.length !== 1) {
      throw new BuildError(
        'BUILD_FAILED',
        `mode single builds exactly one platform, got ${spec.platforms.map(formatPlatform).join(', ')}`,
      );
    }
    if (spec.push && !options.repository && spec.tags.length === 0) {
      throw new BuildError('BUILD_FAILED', 'mode single needs the image repository to push to');
    }
  }
}

/**
 * One buildah per platform, each with its own store beside the configured one, when several
 * platforms build at once (see `storePerPlatform`); undefined when they share the configured store.
 */
export async function platformBuildahs(
  spec: Pick<BuildSpec, 'platforms'>,
  options: Pick<BuildahRunOptions, 'buildah' | 'storePerPlatform' | 'env'>,
): Promise<Map<string, Buildah> | undefined> {
  if (spec.platforms.length < 2 || options.storePerPlatform === false) return undefined;
  const store = await options.buildah.storePaths(options.env);
  return new Map(
    spec.platforms.map((p) => [
      formatPlatform(p),
      options.buildah.withStore(`${store.root}-${platformSlug(p)}`, `${store.runroot}-${platformSlug(p)}`),
    ]),
  );
}

/**
 * Resolves the spec's base images in the registry and writes one pinned Dockerfile per platform
 * under `workDir` (see base-images.ts for why). Read-only towards registries: dry-run uses it too.
 */
export async function pinBuildahBases(
  spec: BuildSpec,
  options: Pick<BuildahRunOptions, 'workDir' | 'buildPlatform' | 'logger' | 'inputNames'> & {
    registries: Registries;
  },
): Promise<PinnedDockerfile[]> {
  const file = dockerfilePath(spec);
  if (!existsSync(file)) {
    const names = options.inputNames;
    const inputs = names ? ` (inputs "${names.context}" and "${names.file}")` : '';
    throw new BuildError('BUILD_FAILED', `No Dockerfile at ${file}${inputs}`);
  }
  return pinBaseImages({
    registries: options.registries,
    file,
    buildArgs: spec.buildArgs,
    target: spec.target,
    platforms: spec.platforms,
    inputNames: options.inputNames,
    buildPlatform: options.buildPlatform ?? hostPlatform(),
    outDir: (p) => path.join(options.workDir, 'dockerfiles', platformSlug(p)),
    logger: options.logger,
  });
}

/**
 * Builds every platform with its own buildah process (in parallel, up to `parallel`), each logged
 * in its own group with its elapsed time. With push, each platform image is uploaded by digest
 * (the exact bytes buildah wrote to an OCI layout), then — in `multi` mode — one OCI index with the
 * index annotations is pushed and tagged, and copied to the other repositories among the tags.
 */
export async function buildWithBuildah(spec: BuildSpec, options: BuildahRunOptions): Promise<BuildResult> {
  const logger = options.logger ?? silentLogger;
  const mode = options.mode ?? 'multi';
  validate(spec, options);
  const pinned =
    options.registries && options.pinBaseImages !== false
      ? await pinBuildahBases(spec, { ...options, registries: options.registries, logger })
      : [];
  for (const p of pinned) {
    for (const b of p.pins) logger.info(`${formatPlatform(p.platform)}: FROM ${b.reference} → ${b.pinned}`);
  }
  const commands = planBuildah(spec, {
    ...options,
    dockerfiles: new Map(pinned.map((p) => [formatPlatform(p.platform), p.file])),
    buildahs: await platformBuildahs(spec, options),
  });
  const basesOf = (p: Platform) =>
    pinned.find((x) => formatPlatform(x.platform) === formatPlatform(p))?.pins ?? [];
  if (spec.push && !options.registries) throw new BuildError('PUSH_FAILED', 'push needs a registry client');
  const homeName = options.repository ?? (spec.tags[0] ? stripTag(spec.tags[0]) : undefined);
  if (spec.push && !homeName)
    throw new BuildError('PUSH_FAILED', 'push needs at least one tag or a repository');
  const home = homeName ? parseReference(homeName, { input: options.inputNames?.images }) : undefined;

  await mkdir(options.workDir, { recursive: true });
  const limit = Math.max(1, options.parallel ?? commands.length);
  const results: (PlatformResult & { image?: PlatformImage })[] = new Array(commands.length);
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const i = next++;
      const cmds = commands[i] as PlatformCommands;
      results[i] = await buildOne(cmds, spec, options, home, basesOf(cmds.platform), logger);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, commands.length) }, worker));

  if (!spec.push) return { platforms: results.map(strip), tags: [] };
  if (mode === 'single') {
    const only = results[0] as PlatformResult;
    return { digest: only.digest, platforms: results.map(strip), tags: [] };
  }
  const index = buildIndex(
    results.map((r) => r.image as PlatformImage),
    {
      annotations: annotationsFor(spec.annotations, 'index'),
      descriptorAnnotations: annotationsFor(spec.annotations, 'manifest-descriptor'),
    },
  );
  const published = await publishIndex(
    options.registries as Registries,
    home!,
    index,
    spec.tags,
    options.inputNames?.tags,
    logger,
  );
  return { digest: published.digest, platforms: results.map(strip), tags: published.tags };
}

function strip(r: PlatformResult & { image?: PlatformImage }): PlatformResult {
  const { image: _image, ...rest } = r;
  return rest;
}

async function buildOne(
  cmds: PlatformCommands,
  spec: BuildSpec,
  options: BuildahRunOptions,
  home: ReturnType<typeof parseReference> | undefined,
  baseImages: PinnedBase[],
  logger: Logger,
): Promise<PlatformResult & { image?: PlatformImage }> {
  const platform = formatPlatform(cmds.platform);
  const files = platformFiles(options.workDir, cmds.platform);
  await rm(files.dir, { recursive: true, force: true });
  await mkdir(files.dir, { recursive: true });
  const started = Date.now();
  const primed =
    options.registries && cmds.cacheFrom.length > 0
      ? await primeBuildahCache(
          options.registries,
          cmds.cacheFrom,
          cmds.buildah,
          options,
          options.env,
          logger,
        )
      : 0;
  logger.info(`${platform}: building${primed ? ` (${primed} ARG steps primed from the cache)` : ''}`);
  const res = await cmds.buildah.run(cmds.buildArgs, {
    env: options.env,
    ignoreReturnCode: true,
    timeoutMs: 60 * 60_000,
  });
  const log = `${res.stdout}${res.stderr ? `\n${res.stderr}` : ''}`;
  const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
  if (res.exitCode !== 0) {
    await logger.group(`${platform}: build failed after ${elapsed()}s`, async () => logger.info(log));
    const step = failingStep(log);
    throw new BuildError(
      'BUILD_FAILED',
      `${platform}: build failed${step ? ` at ${step}` : ` (exit code ${res.exitCode})`}`,
      { platform },
    );
  }
  const buildMs = Date.now() - started;
  const imageId = (await readFile(files.iid, 'utf8')).trim();
  const cache = { ...parseBuildahCacheStats(log), primed };
  if (options.registries && cmds.cacheTo.length > 0) {
    await recordBuildahPrime(options.registries, argStepCaches(log), logger);
  }
  let image: PlatformImage | undefined;
  if (spec.push && cmds.push && home && options.registries) {
    await cmds.buildah.run(buildahPushLayoutArgs(imageId, files.layout, files.digest), {
      env: options.env,
    });
    await setLayoutAnnotations(files.layout, manifestAnnotations(spec, baseImages), BASE_ANNOTATIONS);
    image = await pushLayoutByDigest(options.registries, home, files.layout, logger);
    if (
      image.platform.os !== cmds.platform.os ||
      image.platform.architecture !== cmds.platform.architecture
    ) {
      throw new BuildError(
        'BUILD_FAILED',
        `${platform}: the built image says ${formatPlatform(image.platform)}`,
        { platform },
      );
    }
  }
  const durationMs = Date.now() - started;
  await logger.group(
    `${platform}: built in ${elapsed()}s (${cache.hits} cached of ${cache.steps} steps` +
      `${image ? `; build ${(buildMs / 1000).toFixed(1)}s, push ${((durationMs - buildMs) / 1000).toFixed(1)}s` : ''})`,
    async () => logger.info(log),
  );
  return {
    platform,
    imageId,
    digest: image?.descriptor.digest,
    size: image?.size,
    durationMs,
    cache,
    baseImages,
    image,
  };
}

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';
const BASE_ANNOTATIONS = [BASE_NAME, BASE_DIGEST];

/**
 * The annotations the pushed manifest must carry: the spec's manifest-level ones, and the base image
 * of the final stage as resolved here (none when it is scratch or was not pinned: no annotation is
 * better than buildah's guess).
 */
export function manifestAnnotations(
  spec: BuildSpec,
  baseImages: readonly PinnedBase[],
): Record<string, string> {
  const out = annotationsFor(spec.annotations, 'manifest');
  const base = baseImages.find((b) => b.final);
  if (base && !(BASE_NAME in out)) {
    out[BASE_NAME] = parseReference(base.reference).toString();
    out[BASE_DIGEST] = base.manifestDigest;
  }
  return out;
}
