import { existsSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@deliverkit/action-kit';
import { type EventPayload, type Metadata, labelRecord } from '@deliverkit/meta';
import { type Registries, parseReference } from '@deliverkit/oci';
import type { Platform } from '@deliverkit/oci-core';
import { type Backend, type BuilderChoice, selectBackend } from './builder';
import type { Buildah } from './buildah';
import type { Buildx } from './buildx';
import type { BuildEnvironment } from './environment';
import type { BuildahRunOptions, BuildMode } from './run-buildah';
import type { BuildxRunOptions } from './run-buildx';
import { cacheScopeOf } from './run-metadata';
import {
  type BuildInputNames,
  type BuildSecret,
  type BuildSpec,
  type CacheMode,
  resolveCacheRefs,
} from './spec';

/** What a build (or its plan) needs from the request. */
export interface BuildSetupRequest {
  mode: BuildMode;
  context: string;
  file?: string;
  platforms: Platform[];
  buildArgs: Record<string, string>;
  secrets: { id: string; value: string }[];
  secretFiles: { id: string; path: string }[];
  target?: string;
  push: boolean;
  cache: CacheMode;
  cacheFrom: string[];
  cacheTo: string[];
  builder: BuilderChoice;
  insecureRegistries: string[];
  environment: BuildEnvironment;
  inputNames: BuildInputNames;
}

export interface BuildTools {
  buildx: Buildx;
  buildah: Buildah;
  registries: Registries;
  logger: Logger;
}

/** The backend, the spec and both backends' options, ready to build or plan. */
export interface BuildSetup {
  backend: Backend;
  spec: BuildSpec;
  buildah: BuildahRunOptions;
  buildx: BuildxRunOptions;
}

/** Secret values go to 0600 files in the work directory (never argv); secret files are mounted as given. */
async function secretFiles(request: BuildSetupRequest, work: string): Promise<BuildSecret[]> {
  const secrets: BuildSecret[] = [];
  for (const [i, s] of request.secrets.entries()) {
    const file = path.join(work, `secret-${i}`);
    await writeFile(file, s.value, { mode: 0o600 });
    await chmod(file, 0o600);
    secrets.push({ id: s.id, src: file });
  }
  for (const s of request.secretFiles) secrets.push({ id: s.id, src: path.resolve(s.path) });
  return secrets;
}

/** The docker config docker/login-action writes: buildah reads the same credentials from it. */
function dockerAuthFile(environment: BuildEnvironment): string | undefined {
  const file = path.join(environment.dockerConfigDir, 'config.json');
  return existsSync(file) ? file : undefined;
}

/**
 * Picks the backend (a plan shows buildah's commands on a machine without a builder) and turns the request and the
 * metadata into the backend-independent spec (tags, labels, annotations, derived registry cache refs) and the
 * options each backend runs with. `dryRun` pushes nothing: the plan shows the push itself.
 */
export async function setUpBuild(
  request: BuildSetupRequest,
  meta: Metadata,
  payload: EventPayload | undefined,
  tools: BuildTools,
  dryRun: boolean,
): Promise<BuildSetup> {
  const { logger, registries } = tools;
  const repository = meta.images[0];
  const work = await mkdtemp(path.join(request.environment.tempDir, 'multiarch-build-'));
  const secrets = await secretFiles(request, work);
  const backend = await selectBackend(
    request.builder,
    {
      buildx: () => tools.buildx.isAvailable(),
      buildah: () => tools.buildah.isAvailable(),
    },
    request.inputNames.builder,
  ).catch((e: unknown) => {
    // A dry run still shows the plan on a machine without a builder.
    if (dryRun) return request.builder === 'buildx' ? ('buildx' as const) : ('buildah' as const);
    throw e;
  });
  const derived =
    repository && request.cache === 'registry' && backend === 'buildx'
      ? resolveCacheRefs(
          'buildx',
          repository,
          request.platforms,
          'registry',
          cacheScopeOf(request.environment, payload),
        )
      : { from: [], to: [] };
  const spec: BuildSpec = {
    context: request.context,
    file: request.file,
    platforms: request.platforms,
    tags: request.mode === 'single' ? [] : meta.tags,
    labels: labelRecord(meta.labels),
    annotations: meta.leveledAnnotations,
    buildArgs: request.buildArgs,
    secrets,
    target: request.target,
    push: request.push && !dryRun,
    cacheFrom: [...request.cacheFrom, ...derived.from],
    // Exported only by a push (buildxBuildArgs drops it otherwise); a dry run of a push shows it.
    cacheTo: [...request.cacheTo, ...(request.push ? derived.to : [])],
    sourceDateEpoch: request.environment.sourceDateEpoch,
  };
  const insecure = (ref: string | undefined) =>
    ref ? request.insecureRegistries.includes(parseReference(ref).registry) : false;
  return {
    backend,
    spec,
    buildah: {
      buildah: tools.buildah,
      registries,
      workDir: path.join(work, 'build'),
      mode: request.mode,
      repository,
      cacheImage: repository && request.push ? repository : undefined,
      cacheMode: request.cache,
      authFile: dockerAuthFile(request.environment),
      tlsVerify: request.insecureRegistries.length > 0 && insecure(repository) ? false : undefined,
      inputNames: request.inputNames,
      logger,
    },
    buildx: {
      buildx: tools.buildx,
      metadataFile: path.join(work, 'metadata.json'),
      mode: request.mode,
      repository,
      provenance: 'false',
      registries,
      inputNames: request.inputNames,
      logger,
    },
  };
}
