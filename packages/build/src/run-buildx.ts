import { readFile } from 'node:fs/promises';
import { type Logger, silentLogger } from '@deliverkit/action-kit';
import { type Registries, isIndex, parseReference } from '@deliverkit/oci';
import { type Buildx, type BuildxOutput, buildxBuildArgs, parseBuildxMetadata } from './buildx';
import { BuildError } from './errors';
import { formatPlatform } from './platform';
import type { BuildMode, BuildResult, PlatformResult } from './run-buildah';
import { type BuildSpec, stripTag } from './spec';

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
  if (!spec.push) {
    return { platforms: spec.platforms.map((p) => emptyResult(formatPlatform(p), durationMs)), tags: [] };
  }
  const metadata = parseBuildxMetadata(await readFile(options.metadataFile, 'utf8'));
  let platforms: PlatformResult[] = spec.platforms.map((p) => emptyResult(formatPlatform(p), durationMs));
  if (mode === 'single') {
    platforms = [{ ...(platforms[0] as PlatformResult), digest: metadata.digest }];
  } else if (options.registries && spec.tags[0]) {
    const ref = parseReference(stripTag(spec.tags[0]), { input: 'tags' });
    const fetched = await options.registries
      .client(ref.registry)
      .getManifest(ref.repository, metadata.digest);
    if (isIndex(fetched.manifest)) {
      platforms = fetched.manifest.manifests
        .filter((d) => d.platform && d.platform.os !== 'unknown')
        .map((d) => ({
          ...emptyResult(
            `${d.platform!.os}/${d.platform!.architecture}${d.platform!.variant ? `/${d.platform!.variant}` : ''}`,
            durationMs,
          ),
          digest: d.digest,
        }));
    }
  }
  return { digest: metadata.digest, platforms, tags: mode === 'single' ? [] : [...spec.tags] };
}

function emptyResult(platform: string, durationMs: number): PlatformResult {
  return { platform, imageId: '', durationMs, cache: { hits: 0, pulled: 0, pushed: 0, steps: 0, primed: 0 } };
}
