import { readFile } from 'node:fs/promises';
import { type Logger, silentLogger } from '@deliverkit/action-kit';
import { formatPlatform, isIndex } from '@deliverkit/oci-core';
import { type Registries, parseReference } from '@deliverkit/oci';
import {
  type Buildx,
  type BuildxOutput,
  buildxBuildArgs,
  parseBuildxCacheStats,
  parseBuildxMetadata,
} from './buildx';
import { BuildError } from './errors';
import type { BuildMode, BuildResult, PlatformResult } from './run-buildah';
import { type BuildInputNames, type BuildSpec, stripTag } from './spec';

export interface BuildxRunOptions {
  buildx: Buildx;
  metadataFile: string;
  mode?: BuildMode;
  /** Repository for `single` (push by digest); default the first tag's. */
  repository?: string;
  builder?: string;
  provenance?: string;
  sbom?: string;
  /** Reads per-platform digests from the pushed index (optional). */
  registries?: Registries;
  env?: Record<string, string | undefined>;
  /** The caller's name for the tags, named by a reference error. */
  inputNames?: Pick<BuildInputNames, 'tags'>;
  logger?: Logger;
}

export function buildxOutputFor(spec: BuildSpec, mode: BuildMode, repository?: string): BuildxOutput {
  if (!spec.push) return { kind: 'cache-only' };
  if (mode === 'single') {
    const repo = repository ?? (spec.tags[0] ? stripTag(spec.tags[0]) : undefined);
    if (!repo) throw new BuildError('PUSH_FAILED', 'mode single needs the image repository to push to');
    return { kind: 'push-by-digest', repository: repo };
  }
  return { kind: 'push' };
}

/** The full `docker buildx build` command for a spec: what dry-run prints. */
export function planBuildx(
  spec: BuildSpec,
  options: Omit<BuildxRunOptions, 'registries' | 'logger'>,
): { command: string; args: string[] } {
  const output = buildxOutputFor(spec, options.mode ?? 'multi', options.repository);
  return options.buildx.getCommand(
    buildxBuildArgs(spec, {
      metadataFile: options.metadataFile,
      output,
      builder: options.builder,
      provenance: options.provenance,
      sbom: options.sbom,
      progress: 'plain',
    }),
  );
}

/**
 * Runs one `docker buildx build` (BuildKit builds the platforms in parallel itself), streams its log
 * in one group, and reads the digest from the metadata file; per-platform digests come from the
 * pushed index when a registry client is given.
 */
export async function buildWithBuildx(spec: BuildSpec, options: BuildxRunOptions): Promise<BuildResult> {
  const logger = options.logger ?? silentLogger;
  const mode = options.mode ?? 'multi';
  const cmd = planBuildx(spec, options);
  const started = Date.now();
  const res = await logger.group(`buildx build ${spec.platforms.map(formatPlatform).join(', ')}`, () =>
    options.buildx.run(cmd.args.slice(cmd.command === 'docker' ? 1 : 0), {
      env: options.env,
      stream: true,
      logger,
      ignoreReturnCode: true,
    }),
  );
  if (res.exitCode !== 0) {
    const last =
      res.stderr
        .trim()
        .split('\n')
        .filter((l) => /ERROR|error:/.test(l))
        .pop() ?? res.stderr.trim().split('\n').pop();
    throw new BuildError('BUILD_FAILED', `buildx build failed${last ? `: ${last.trim()}` : ''}`);
  }
  const durationMs = Date.now() - started;
  const names = spec.platforms.map(formatPlatform);
  // buildx writes its progress to stderr.
  const stats = parseBuildxCacheStats(`${res.stderr}\n${res.stdout}`, names);
  const resultFor = (platform: string, digest?: string): PlatformResult => {
    const s = stats.get(platform) ?? { steps: 0, hits: 0, pulled: 0 };
    return {
      ...emptyResult(platform, durationMs),
      digest,
      cache: { hits: s.hits, pulled: s.pulled, pushed: 0, steps: s.steps, primed: 0 },
    };
  };
  if (!spec.push) return { platforms: names.map((p) => resultFor(p)), tags: [] };
  const metadata = parseBuildxMetadata(await readFile(options.metadataFile, 'utf8'));
  logger.debug(
    `buildWithBuildx: pushed ${metadata.digest} (${metadata.descriptor?.mediaType ?? 'no descriptor'})`,
  );
  let platforms = names.map((p) => resultFor(p));
  if (mode === 'single' || (metadata.descriptor && !isIndexMediaType(metadata.descriptor.mediaType))) {
    // One platform without attestations is exported as a bare manifest: it is that platform's image.
    platforms = names.length === 1 ? [resultFor(names[0] as string, metadata.digest)] : platforms;
  } else if (options.registries && spec.tags[0]) {
    const ref = parseReference(stripTag(spec.tags[0]), { input: options.inputNames?.tags });
    const fetched = await options.registries
      .client(ref.registry)
      .getManifest(ref.repository, metadata.digest);
    if (isIndex(fetched.manifest)) {
      platforms = fetched.manifest.manifests
        .filter((d) => d.platform && d.platform.os !== 'unknown')
        .map((d) =>
          resultFor(
            `${d.platform!.os}/${d.platform!.architecture}${d.platform!.variant ? `/${d.platform!.variant}` : ''}`,
            d.digest,
          ),
        );
    }
  }
  return {
    digest: metadata.digest,
    mediaType: metadata.descriptor?.mediaType,
    platforms,
    tags: mode === 'single' ? [] : [...spec.tags],
  };
}

function isIndexMediaType(mediaType: string): boolean {
  return (
    mediaType === 'application/vnd.oci.image.index.v1+json' ||
    mediaType === 'application/vnd.docker.distribution.manifest.list.v2+json'
  );
}

function emptyResult(platform: string, durationMs: number): PlatformResult {
  return { platform, imageId: '', durationMs, cache: { hits: 0, pulled: 0, pushed: 0, steps: 0, primed: 0 } };
}
