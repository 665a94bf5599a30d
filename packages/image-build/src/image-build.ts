import { Git, InputError, type Logger } from '@deliverkit/action-kit';
import type { EventPayload, MetaConfig, MetaOptions, Metadata } from '@deliverkit/meta';
import { type Registries, openRegistries } from '@deliverkit/oci';
import { formatPlatform } from '@deliverkit/oci-core';
import { type BuildSetup, type BuildSetupRequest, setUpBuild } from './build-setup';
import type { Backend } from './builder';
import { Buildah } from './buildah';
import { Buildx } from './buildx';
import {
  type BuildResult,
  buildWithBuildah,
  pinBuildahBases,
  planBuildah,
  platformBuildahs,
} from './run-buildah';
import { buildWithBuildx, planBuildx } from './run-buildx';
import { mergeDigests } from './run-merge';
import { computeRunMetadata, readEventPayload } from './run-metadata';
import { type BuildInputNames, stripTag } from './spec';
import type { ToolOptions } from './tool';
import { writeProvenanceFile } from './write-provenance';

export type ImageBuildMode = 'multi' | 'single' | 'merge';

/** The caller's names for what a request carries, named by the errors about them. */
export interface ImageBuildInputNames
  extends BuildInputNames, Required<NonNullable<MetaOptions['inputNames']>> {
  push: string;
  mode: string;
  digests: string;
}

/** One image build, push or merge, as a workflow asks for it. */
export interface ImageBuildRequest extends Omit<BuildSetupRequest, 'mode'> {
  /** `multi`: every platform, one index; `single`: one platform pushed by digest; `merge`: an index of digests. */
  mode: ImageBuildMode;
  /** docker/metadata-action's configuration: images, tag rules, flavor, labels, annotations. */
  metadata: MetaConfig;
  /** `merge`: the per-platform digests (`registry/repo@sha256:…` or `sha256:…`). */
  digests: string[];
  /** Write an SLSA provenance statement for a pushed `multi` build or a merge. */
  provenance: boolean;
  inputNames: ImageBuildInputNames;
}

export interface ImageBuildDeps extends Pick<ToolOptions, 'exec'> {
  logger: Logger;
  /** Masks the secrets the registry clients derive (a basic-auth header from a token). */
  onSecret: (secret: string) => void;
}

export interface ImageBuildOutcome {
  meta: Metadata;
  backend?: Backend;
  result?: BuildResult;
  /** The command lines that would run (a plan), empty for a build. */
  commands: string[];
  provenancePath?: string;
  /** `os/arch[/variant]` → the platform image's digest, for those pushed. */
  platformDigests: Record<string, string>;
  /** Repository → the tags pushed there (a single-platform push: the first image, no tag), in push order. */
  pushedTo: Map<string, string[]>;
}

interface Run {
  request: ImageBuildRequest;
  logger: Logger;
  meta: Metadata;
  payload: EventPayload | undefined;
  registries: Registries;
  buildx: Buildx;
  buildah: Buildah;
}

type Step = Omit<ImageBuildOutcome, 'meta' | 'platformDigests' | 'pushedTo'>;

/**
 * Builds, pushes or merges what the request asks for: the metadata (tags, labels, annotations) from the run's
 * context, the backend (`builder: auto` prefers buildx), then the build, and the provenance statement of a push.
 */
export function buildImage(request: ImageBuildRequest, deps: ImageBuildDeps): Promise<ImageBuildOutcome> {
  return withRun(request, deps, async (run) => {
    if (request.mode === 'merge') {
      // Without push the single jobs pushed nothing either: show what the merge would do.
      if (!request.push) return { commands: [mergeLine(run)] };
      const result = await mergeDigests(run.registries, {
        digests: request.digests,
        repository: run.meta.images[0],
        tags: run.meta.tags,
        annotations: run.meta.leveledAnnotations,
        inputNames: request.inputNames,
        logger: run.logger,
      });
      return { result, commands: [], provenancePath: await provenance(run, result, 'merge') };
    }
    const setup = await setUp(run, request.mode, false);
    const result =
      setup.backend === 'buildx'
        ? await buildWithBuildx(setup.spec, setup.buildx)
        : await buildWithBuildah(setup.spec, setup.buildah);
    const version = await (setup.backend === 'buildx' ? run.buildx : run.buildah)
      .version()
      .catch(() => undefined);
    const provenancePath =
      request.push && request.mode === 'multi'
        ? await provenance(run, result, setup.backend, version)
        : undefined;
    return { backend: setup.backend, result, commands: [], provenancePath };
  });
}

/**
 * What {@link buildImage} would run, without building or pushing: the builder's command lines, and for buildah the
 * base images as they resolve now (read-only; offline, the Dockerfile as written).
 */
export function planImageBuild(request: ImageBuildRequest, deps: ImageBuildDeps): Promise<ImageBuildOutcome> {
  return withRun(request, deps, async (run) => {
    if (request.mode === 'merge') return { commands: [mergeLine(run)] };
    const setup = await setUp(run, request.mode, true);
    return { backend: setup.backend, commands: await planCommands(run, setup) };
  });
}

async function withRun(
  request: ImageBuildRequest,
  deps: ImageBuildDeps,
  step: (run: Run) => Promise<Step>,
): Promise<ImageBuildOutcome> {
  const logger = deps.logger;
  const tools = { logger, exec: deps.exec };
  const payload = await readEventPayload(request.environment);
  const meta = await computeRunMetadata(
    request.metadata,
    request.environment,
    payload,
    request.environment.workspace ? new Git(request.environment.workspace, tools) : undefined,
    {
      inputNames: request.inputNames,
    },
  );
  for (const w of meta.warnings) logger.warning(w);
  const names = request.inputNames;
  if ((request.push || request.mode !== 'multi') && meta.images.length === 0) {
    const needs = request.mode === 'multi' ? `${names.push}: true` : `${names.mode}: ${request.mode}`;
    throw new InputError(names.images, `Input "${names.images}" is required with ${needs}`, 'INPUT_REQUIRED');
  }
  const registries = openRegistries([], {
    insecureHosts: request.insecureRegistries,
    logger,
    onSecret: deps.onSecret,
  });
  try {
    const run = {
      request,
      logger,
      meta,
      payload,
      registries,
      buildx: new Buildx(tools),
      buildah: new Buildah(tools),
    };
    const outcome = await step(run);
    return {
      meta,
      ...outcome,
      platformDigests: platformDigests(outcome.result),
      pushedTo: pushedTo(outcome.result, meta),
    };
  } finally {
    registries.close();
  }
}

function setUp(run: Run, mode: 'multi' | 'single', dryRun: boolean): Promise<BuildSetup> {
  return setUpBuild({ ...run.request, mode }, run.meta, run.payload, run, dryRun);
}

const mergeLine = (run: Run) => `merge ${run.request.digests.join(' ')} → ${run.meta.tags.join(' ')}`;

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const commandLine = (c: { command: string; args: string[] }) => [c.command, ...c.args].map(quote).join(' ');

/** The plan's command lines, shown as a POSIX shell would read them (they are run as argument arrays). */
async function planCommands(run: Run, setup: BuildSetup): Promise<string[]> {
  const spec = { ...setup.spec, push: run.request.push };
  if (setup.backend === 'buildx') return [commandLine(planBuildx(spec, setup.buildx))];
  const pinned = await pinBuildahBases(setup.spec, { ...setup.buildah, registries: run.registries }).catch(
    (e: unknown) => {
      run.logger.warning(`Base images not resolved for the plan: ${(e as Error).message}`);
      return [];
    },
  );
  const dockerfiles = new Map(pinned.map((p) => [formatPlatform(p.platform), p.file]));
  const buildahs = await platformBuildahs(setup.spec, setup.buildah).catch(() => undefined);
  return [
    ...pinned.flatMap((p) =>
      p.pins.map((b) => `# ${formatPlatform(p.platform)}: FROM ${b.reference} → ${b.pinned} (${b.platform})`),
    ),
    ...planBuildah(spec, { ...setup.buildah, dockerfiles, buildahs }).flatMap((p) => [
      commandLine(p.build),
      ...(p.push ? [commandLine(p.push)] : []),
    ]),
  ];
}

function provenance(
  run: Run,
  result: BuildResult,
  backend: string,
  backendVersion?: string,
): Promise<string | undefined> {
  if (!run.request.provenance || !result.digest) return Promise.resolve(undefined);
  const { request, meta, registries } = run;
  return writeProvenanceFile(
    { ...result, digest: result.digest },
    { request, tags: meta.tags, backend, backendVersion, registries },
  );
}

function platformDigests(result: BuildResult | undefined): Record<string, string> {
  return Object.fromEntries(
    (result?.platforms ?? []).filter((p) => p.digest).map((p) => [p.platform, p.digest as string]),
  );
}

function pushedTo(result: BuildResult | undefined, meta: Metadata): Map<string, string[]> {
  const byRepo = new Map<string, string[]>();
  for (const t of result?.tags ?? []) {
    const repo = stripTag(t);
    byRepo.set(repo, [...(byRepo.get(repo) ?? []), t.slice(repo.length + 1)]);
  }
  // A single-platform push has no tag, but it has a home: the first image.
  if (result?.digest && byRepo.size === 0 && meta.images[0]) byRepo.set(meta.images[0], []);
  return byRepo;
}
