import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { InputError, type Logger, exec } from '@deliverkit/action-kit';
import {
  type Backend,
  type BaseImageDigest,
  Buildah,
  type BuildResult,
  type BuildSpec,
  Buildx,
  buildProvenance,
  buildWithBuildah,
  buildWithBuildx,
  mergeDigests,
  parseFromLines,
  parseSourceDateEpoch,
  pinBuildahBases,
  planBuildah,
  platformBuildahs,
  planBuildx,
  resolveCacheRefs,
  type CacheScope,
  selectBackend,
  stripTag,
} from '@deliverkit/image-build';
import {
  type Metadata,
  computeMetadata,
  contextFromEnv,
  labelRecord,
  repoFromPayload,
} from '@deliverkit/meta';
import { Registries, parseReference, openRegistries } from '@deliverkit/oci';
import { formatPlatform } from '@deliverkit/oci-core';
import type { Inputs } from './inputs';

export interface PipelineResult {
  meta: Metadata;
  backend?: Backend;
  result?: BuildResult;
  /** Command lines (dry-run: what would run). */
  commands: string[];
  provenancePath?: string;
}

/** The run's ref and the repository's default branch (from the event), when running on GitHub. */
async function cacheScope(env: NodeJS.ProcessEnv): Promise<CacheScope | undefined> {
  const ref = env['GITHUB_REF'];
  const eventPath = env['GITHUB_EVENT_PATH'];
  if (!ref || !eventPath || !existsSync(eventPath)) return undefined;
  const payload = JSON.parse(await readFile(eventPath, 'utf8')) as {
    repository?: { default_branch?: unknown };
  };
  const defaultBranch = payload.repository?.default_branch;
  // No default branch known: every build is a branch build (reads and writes only its own scope and main's name).
  return { ref, defaultBranch: typeof defaultBranch === 'string' ? defaultBranch : 'main' };
}

/** The GitHub context and metadata-action's computation for this run. */
export async function computeMeta(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<Metadata> {
  const eventPath = env['GITHUB_EVENT_PATH'];
  const payload =
    eventPath && existsSync(eventPath)
      ? (JSON.parse(await readFile(eventPath, 'utf8')) as Record<string, unknown>)
      : {};
  const commitDate = await gitCommitDate(env['GITHUB_SHA'], env['GITHUB_WORKSPACE']);
  const context = contextFromEnv(env, payload, { commitDate });
  const shortSha = env['DOCKER_METADATA_SHORT_SHA_LENGTH'];
  if (shortSha !== undefined && !/^\d+$/.test(shortSha)) {
    throw new InputError(
      'DOCKER_METADATA_SHORT_SHA_LENGTH',
      `DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${shortSha}`,
    );
  }
  return computeMetadata(
    {
      images: inputs.images,
      tags: inputs.tags,
      flavor: inputs.flavor,
      labels: inputs.labels,
      annotations: inputs.annotations,
    },
    context,
    repoFromPayload(payload, env),
    {
      // With SOURCE_DATE_EPOCH the created label/annotation is that time, as BuildKit does, so a
      // rebuild of the same commit carries the same metadata.
      now: sourceDateEpochDate(env['SOURCE_DATE_EPOCH']),
      shortShaLength: shortSha ? Number(shortSha) : undefined,
      // The index and every manifest carry the annotations (metadata-action's default is manifest only).
      annotationLevels: (env['DOCKER_METADATA_ANNOTATIONS_LEVELS'] ?? 'manifest,index').split(','),
    },
  );
}

function sourceDateEpochDate(raw: string | undefined): Date | undefined {
  const epoch = parseSourceDateEpoch(raw);
  return epoch === undefined ? undefined : new Date(epoch * 1000);
}

/** The committer date of the commit, when the workspace is a git checkout that has it. */
async function gitCommitDate(
  sha: string | undefined,
  workspace: string | undefined,
): Promise<Date | undefined> {
  if (!sha || !workspace) return undefined;
  const res = await exec('git', ['log', '-1', '--format=%cI', sha], {
    cwd: workspace,
    ignoreReturnCode: true,
  }).catch(() => undefined);
  const text = res?.exitCode === 0 ? res.stdout.trim() : '';
  return text ? new Date(text) : undefined;
}

function registriesFor(inputs: Inputs, logger: Logger): Registries {
  return openRegistries([], {
    insecureHosts: inputs['insecure-registries'],
    logger,
    onSecret: core.setSecret,
  });
}

/** The docker config docker/login-action writes: buildah reads the same credentials from it. */
function dockerAuthFile(env: NodeJS.ProcessEnv): string | undefined {
  const file = path.join(env['DOCKER_CONFIG'] ?? path.join(os.homedir(), '.docker'), 'config.json');
  return existsSync(file) ? file : undefined;
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const commandLine = (c: { command: string; args: string[] }) => [c.command, ...c.args].map(quote).join(' ');

export async function runPipeline(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<PipelineResult> {
  const meta = await computeMeta(inputs, env);
  for (const w of meta.warnings) logger.warning(w);
  const push = inputs.push && !inputs['dry-run'];
  if ((inputs.push || inputs.mode !== 'multi') && meta.images.length === 0) {
    throw new InputError(
      'images',
      `Input "images" is required with ${inputs.mode === 'multi' ? 'push: true' : `mode: ${inputs.mode}`}`,
      'INPUT_REQUIRED',
    );
  }
  const repository = meta.images[0];
  const registries = registriesFor(inputs, logger);
  try {
    if (inputs.mode === 'merge') {
      // Without push the single jobs pushed nothing either: show what the merge would do.
      if (inputs['dry-run'] || !inputs.push) {
        return { meta, commands: [`merge ${inputs.digests.join(' ')} → ${meta.tags.join(' ')}`] };
      }
      const result = await mergeDigests(registries, {
        digests: inputs.digests,
        repository,
        tags: meta.tags,
        annotations: meta.leveledAnnotations,
        logger,
      });
      return {
        meta,
        result,
        commands: [],
        provenancePath: await writeProvenance(inputs, env, meta, result, 'merge', registries),
      };
    }

    const work = await mkdtemp(path.join(env['RUNNER_TEMP'] ?? os.tmpdir(), 'multiarch-build-'));
    const secrets = [];
    for (const [i, s] of inputs.secrets.entries()) {
      const file = path.join(work, `secret-${i}`);
      await writeFile(file, s.value, { mode: 0o600 });
      await chmod(file, 0o600);
      secrets.push({ id: s.id, src: file });
    }
    for (const s of inputs['secret-files']) secrets.push({ id: s.id, src: path.resolve(s.path) });

    const backend = await selectBackend(inputs.builder, {
      buildx: () => new Buildx({ logger }).isAvailable(),
      buildah: () => new Buildah({ logger }).isAvailable(),
    }).catch((e: unknown) => {
      // A dry run still shows the plan on a machine without a builder.
      if (inputs['dry-run']) return inputs.builder === 'buildx' ? ('buildx' as const) : ('buildah' as const);
      throw e;
    });
    const derived =
      repository && inputs.cache === 'registry' && backend === 'buildx'
        ? resolveCacheRefs('buildx', repository, inputs.platforms, 'registry', await cacheScope(env))
        : { from: [], to: [] };
    const spec: BuildSpec = {
      context: inputs.context,
      file: inputs.file,
      platforms: inputs.platforms,
      tags: inputs.mode === 'single' ? [] : meta.tags,
      labels: labelRecord(meta.labels),
      annotations: meta.leveledAnnotations,
      buildArgs: inputs['build-args'],
      secrets,
      target: inputs.target,
      push,
      cacheFrom: [...inputs['cache-from'], ...derived.from],
      // Exported only by a push (buildxBuildArgs drops it otherwise); a dry run of a push shows it.
      cacheTo: [...inputs['cache-to'], ...(inputs.push ? derived.to : [])],
      sourceDateEpoch: parseSourceDateEpoch(env['SOURCE_DATE_EPOCH']),
    };
    const mode = inputs.mode === 'single' ? 'single' : 'multi';
    const insecure = (ref: string | undefined) =>
      ref ? inputs['insecure-registries'].includes(parseReference(ref).registry) : false;
    const buildahOptions = {
      buildah: new Buildah({ logger }),
      registries,
      workDir: path.join(work, 'build'),
      mode,
      repository,
      cacheImage: repository && inputs.push ? repository : undefined,
      cacheMode: inputs.cache,
      authFile: dockerAuthFile(env),
      tlsVerify: inputs['insecure-registries'].length > 0 && insecure(repository) ? false : undefined,
      logger,
    } as const;
    const buildxOptions = {
      buildx: new Buildx({ logger }),
      metadataFile: path.join(work, 'metadata.json'),
      mode,
      repository,
      provenance: 'false',
      registries,
      logger,
    } as const;

    if (inputs['dry-run']) {
      if (backend === 'buildx') {
        return {
          meta,
          backend,
          commands: [commandLine(planBuildx({ ...spec, push: inputs.push }, buildxOptions))],
        };
      }
      // The plan shows the base images as they resolve now (read-only); offline, the Dockerfile as written.
      const pinned = await pinBuildahBases(spec, { ...buildahOptions, registries }).catch((e: unknown) => {
        logger.warning(`Base images not resolved for the plan: ${(e as Error).message}`);
        return [];
      });
      const dockerfiles = new Map(pinned.map((p) => [formatPlatform(p.platform), p.file]));
      const buildahs = await platformBuildahs(spec, buildahOptions).catch(() => undefined);
      const commands = [
        ...pinned.flatMap((p) =>
          p.pins.map(
            (b) => `# ${formatPlatform(p.platform)}: FROM ${b.reference} → ${b.pinned} (${b.platform})`,
          ),
        ),
        ...planBuildah({ ...spec, push: inputs.push }, { ...buildahOptions, dockerfiles, buildahs }).flatMap(
          (p) => [commandLine(p.build), ...(p.push ? [commandLine(p.push)] : [])],
        ),
      ];
      return { meta, backend, commands };
    }
    const result =
      backend === 'buildx'
        ? await buildWithBuildx(spec, buildxOptions)
        : await buildWithBuildah(spec, buildahOptions);
    const version =
      backend === 'buildx'
        ? await buildxOptions.buildx.version().catch(() => undefined)
        : await buildahOptions.buildah.version().catch(() => undefined);
    const provenancePath =
      push && inputs.mode === 'multi'
        ? await writeProvenance(inputs, env, meta, result, backend, registries, version)
        : undefined;
    return { meta, backend, result, commands: [], provenancePath };
  } finally {
    registries.close();
  }
}

/** Resolves the Dockerfile's base images (best effort) and writes the statement next to RUNNER_TEMP. */
async function writeProvenance(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  meta: Metadata,
  result: BuildResult,
  backend: string,
  registries: Registries,
  backendVersion?: string,
): Promise<string | undefined> {
  if (!inputs.provenance || !result.digest) return undefined;
  const baseImages: BaseImageDigest[] = [];
  const file = inputs.file ?? path.join(inputs.context, 'Dockerfile');
  // buildah builds record the exact per-platform manifests they were pinned to.
  for (const p of result.platforms) {
    for (const b of p.baseImages ?? []) {
      if (!baseImages.some((x) => x.reference === b.reference && x.digest === b.manifestDigest))
        baseImages.push({ reference: b.reference, digest: b.manifestDigest, platform: b.platform });
    }
  }
  if (backend !== 'merge' && baseImages.length === 0 && existsSync(file)) {
    for (const from of parseFromLines(await readFile(file, 'utf8'), inputs['build-args'])) {
      if (from.internal || !from.image) continue;
      try {
        const ref = parseReference(from.image);
        const digest =
          ref.digest ??
          (await registries.client(ref.registry).headManifest(ref.repository, ref.reference))?.digest;
        if (digest && !baseImages.some((b) => b.reference === from.image))
          baseImages.push({ reference: from.image, digest });
      } catch {
        // Unresolvable base images (no access, scratch-like names) are left out, as "where known".
      }
    }
  }
  const statement = buildProvenance({
    subjects: [...new Set(meta.tags.map(stripTag))],
    digest: result.digest,
    env,
    build: {
      platforms: result.platforms.map((p) => p.platform),
      file: inputs.file,
      target: inputs.target,
      buildArgs: inputs['build-args'],
      backend,
      backendVersion,
    },
    baseImages,
  });
  const out = path.join(
    env['RUNNER_TEMP'] ?? os.tmpdir(),
    `provenance-${result.digest.replace(':', '-')}.intoto.json`,
  );
  await writeFile(out, `${JSON.stringify(statement, null, 2)}\n`);
  return out;
}

export function platformDigests(result: BuildResult | undefined): Record<string, string> {
  return Object.fromEntries(
    (result?.platforms ?? []).filter((p) => p.digest).map((p) => [p.platform, p.digest as string]),
  );
}

export { formatPlatform };
