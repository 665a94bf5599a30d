import { BuildError } from './errors';
import { formatPlatform, isSha256Digest } from '@deliverkit/oci-core';
import { type BuildSpec, parseAnnotation } from './spec';
import { CliTool, type ToolOptions } from './tool';

export interface BuildxOptions extends ToolOptions {
  /** Run the standalone `buildx` binary instead of the `docker buildx` plugin. */
  standalone?: boolean;
}

/** `docker buildx` (or standalone `buildx`), as docker/setup-buildx-action leaves it on a runner. */
export class Buildx extends CliTool {
  private readonly standalone: boolean;

  constructor(options: BuildxOptions = {}) {
    super(options);
    this.standalone = options.standalone ?? false;
  }

  protected get name(): string {
    return 'Buildx';
  }

  getCommand(args: readonly string[]): { command: string; args: string[] } {
    return this.standalone
      ? { command: 'buildx', args: [...args] }
      : { command: 'docker', args: ['buildx', ...args] };
  }

  protected versionArgs(): string[] {
    return ['version'];
  }

  /** `github.com/docker/buildx v0.19.3 48d6a39` → `0.19.3` (a dev build gives its commit). */
  parseVersion(stdout: string): string {
    return Buildx.parseVersion(stdout);
  }

  static parseVersion(stdout: string): string {
    const m = /\sv?([0-9a-f]{7}|[0-9.]+)/.exec(stdout);
    if (!m) throw new BuildError('METADATA_INVALID', `Cannot parse buildx version from "${stdout.trim()}"`);
    return m[1] as string;
  }
}

/** How a buildx build leaves its result. */
export type BuildxOutput =
  /** Push the index under every tag. */
  | { kind: 'push' }
  /** Push each platform by digest only, no tag (distributed `mode: single`). */
  | { kind: 'push-by-digest'; repository: string }
  /** Keep it in the builder's cache (push: false). */
  | { kind: 'cache-only' };

export interface BuildxArgsOptions {
  /** Where buildx writes the result metadata (`--metadata-file`). */
  metadataFile: string;
  output: BuildxOutput;
  /** `--builder NAME`. */
  builder?: string;
  /** `--provenance` value (`false` disables BuildKit's own attestation, `mode=max` …). */
  provenance?: string;
  /** `--sbom` value. */
  sbom?: string;
  /** `--progress` value (`plain`: the line format parseBuildxCacheStats reads). */
  progress?: string;
}

/**
 * Whether BuildKit exports one image manifest rather than an index: one platform and no attestation
 * manifests beside it (provenance and sbom off; buildx adds min provenance unless told `false`).
 */
export function exportsSingleManifest(
  spec: BuildSpec,
  options: Pick<BuildxArgsOptions, 'provenance' | 'sbom'>,
): boolean {
  const off = (v: string | undefined) => v === 'false' || v === '0';
  return (
    spec.platforms.length === 1 &&
    off(options.provenance) &&
    (options.sbom === undefined || off(options.sbom))
  );
}

/**
 * The annotations buildx can apply: a single-manifest export has no index, and BuildKit refuses the
 * whole build ("index annotations not supported for single platform export"), so the index levels
 * are dropped there (the merge step of a distributed build annotates its index itself).
 */
export function buildxAnnotations(annotations: readonly string[], singleManifest: boolean): string[] {
  if (!singleManifest) return [...annotations];
  const out: string[] = [];
  for (const a of annotations) {
    const parsed = parseAnnotation(a);
    const levels = parsed.levels.filter((l) => l !== 'index' && l !== 'index-descriptor');
    if (levels.length === parsed.levels.length) out.push(a);
    else if (levels.length > 0) out.push(`${levels.join(',')}:${parsed.key}=${parsed.value}`);
  }
  return out;
}

/**
 * The `docker buildx build` argument list for a spec — pure, so it is what dry-run prints and what
 * the tests check. Secrets are `id=…,src=FILE` (their values never reach argv).
 */
export function buildxBuildArgs(spec: BuildSpec, options: BuildxArgsOptions): string[] {
  const args = ['build'];
  if (options.builder) args.push('--builder', options.builder);
  if (spec.platforms.length > 0) args.push('--platform', spec.platforms.map(formatPlatform).join(','));
  if (spec.file) args.push('--file', spec.file);
  if (spec.target) args.push('--target', spec.target);
  for (const [k, v] of Object.entries(spec.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  // BuildKit reads SOURCE_DATE_EPOCH as a build argument (an explicit build-arg wins).
  if (spec.sourceDateEpoch !== undefined && !('SOURCE_DATE_EPOCH' in spec.buildArgs)) {
    args.push('--build-arg', `SOURCE_DATE_EPOCH=${spec.sourceDateEpoch}`);
  }
  for (const [k, v] of Object.entries(spec.labels)) args.push('--label', `${k}=${v}`);
  for (const a of buildxAnnotations(spec.annotations, exportsSingleManifest(spec, options)))
    args.push('--annotation', a);
  for (const s of spec.secrets) args.push('--secret', `id=${s.id},src=${s.src}`);
  for (const c of spec.cacheFrom) args.push('--cache-from', c);
  if (options.output.kind !== 'cache-only') for (const c of spec.cacheTo) args.push('--cache-to', c);
  if (spec.noCache) args.push('--no-cache');
  if (options.provenance !== undefined) args.push('--provenance', options.provenance);
  if (options.sbom !== undefined) args.push('--sbom', options.sbom);
  if (options.progress !== undefined) args.push('--progress', options.progress);
  args.push('--metadata-file', options.metadataFile);
  // SOURCE_DATE_EPOCH alone dates the config and history; the files that RUN steps write keep their
  // build-time mtimes (a rebuild gets new layer digests) unless the exporter rewrites them.
  const rewrite = spec.sourceDateEpoch !== undefined ? ',rewrite-timestamp=true' : '';
  switch (options.output.kind) {
    case 'push':
      for (const t of spec.tags) args.push('--tag', t);
      if (rewrite) args.push('--output', `type=image,push=true${rewrite}`);
      else args.push('--push');
      break;
    case 'push-by-digest':
      // docker's documented recipe for distributed multi-platform builds.
      args.push(
        '--output',
        `type=image,name=${options.output.repository},push-by-digest=true,name-canonical=true,push=true${rewrite}`,
      );
      break;
    case 'cache-only':
      for (const t of spec.tags) args.push('--tag', t);
      break;
  }
  args.push(spec.context);
  return args;
}

export interface BuildxDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

/** What `--metadata-file` tells about a build. */
export interface BuildxMetadata {
  /** `containerimage.digest`: the pushed manifest or index. */
  digest: string;
  configDigest?: string;
  descriptor?: BuildxDescriptor;
  /** `image.name`, split at commas. */
  imageNames: string[];
  /** `buildx.build.ref`: builder/node/session. */
  buildRef?: string;
  /** `buildx.build.provenance`: BuildKit's build record (min mode by default). */
  provenance?: unknown;
  /** `buildx.build.warnings` (Dockerfile lint warnings and such). */
  warnings: unknown[];
}

/**
 * Parses buildx's `--metadata-file` JSON. The digest comes from `containerimage.digest`, or the
 * descriptor when only that is written (`imagetools create`). Throws METADATA_INVALID when there is
 * no valid digest.
 */
export function parseBuildxMetadata(text: string): BuildxMetadata {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BuildError('METADATA_INVALID', `buildx metadata file is not JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new BuildError('METADATA_INVALID', 'buildx metadata file is empty (was the image exported?)');
  }
  const m = data as Record<string, unknown>;
  const descriptor = parseDescriptor(m['containerimage.descriptor']);
  const digest =
    typeof m['containerimage.digest'] === 'string' ? m['containerimage.digest'] : descriptor?.digest;
  if (typeof digest !== 'string' || !isSha256Digest(digest)) {
    throw new BuildError(
      'METADATA_INVALID',
      `buildx metadata has no valid containerimage.digest (got ${JSON.stringify(digest)})`,
    );
  }
  if (descriptor && descriptor.digest !== digest) {
    throw new BuildError(
      'METADATA_INVALID',
      `buildx metadata digest ${digest} differs from its descriptor ${descriptor.digest}`,
    );
  }
  const config = m['containerimage.config.digest'];
  const names = m['image.name'];
  const warnings = m['buildx.build.warnings'];
  return {
    digest,
    configDigest: typeof config === 'string' && isSha256Digest(config) ? config : undefined,
    descriptor,
    imageNames: typeof names === 'string' && names ? names.split(',').map((n) => n.trim()) : [],
    buildRef: typeof m['buildx.build.ref'] === 'string' ? m['buildx.build.ref'] : undefined,
    provenance: m['buildx.build.provenance'],
    warnings: Array.isArray(warnings) ? warnings : [],
  };
}

function parseDescriptor(value: unknown): BuildxDescriptor | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const d = value as Record<string, unknown>;
  if (typeof d['digest'] !== 'string' || typeof d['mediaType'] !== 'string') {
    throw new BuildError(
      'METADATA_INVALID',
      'buildx metadata containerimage.descriptor lacks digest or mediaType',
    );
  }
  return {
    mediaType: d['mediaType'],
    digest: d['digest'],
    size: typeof d['size'] === 'number' ? d['size'] : 0,
    platform: d['platform'] as BuildxDescriptor['platform'],
    annotations: d['annotations'] as Record<string, string> | undefined,
  };
}

/** Cache use of one platform's Dockerfile steps, as BuildKit's plain progress shows it. */
export interface BuildxStepStats {
  /** Steps (RUN, COPY, … — not FROM) BuildKit ran or took from a cache. */
  steps: number;
  /** Of those, not run: `CACHED`, or loaded from an imported cache. */
  hits: number;
  /**
   * Of the hits, steps whose result layers BuildKit downloaded from a `--cache-from` registry cache:
   * such a step runs nothing and shows blob downloads / `extracting sha256:…` instead (a step that
   * runs shows neither; its base image is pulled under the FROM step).
   */
  pulled: number;
}

const VERTEX = /^#(\d+) \[([^\]]+)\] (\S+)/;

/**
 * Counts cache use per target platform in buildx's `--progress plain` log. A step is named
 * `[linux/arm64 stage 2/3]` (multi-platform), `[linux/amd64->arm64 stage 3/3]` (a build-platform stage
 * working for arm64: counted for arm64) or `[stage 2/3]` (one platform: counted for `platforms[0]`).
 * A step BuildKit shares between targets (one vertex) counts once, for the platform it names.
 */
export function parseBuildxCacheStats(
  log: string,
  platforms: readonly string[],
): Map<string, BuildxStepStats> {
  const stepPlatform = new Map<string, string>();
  const cached = new Set<string>();
  const downloaded = new Set<string>();
  for (const line of log.split('\n')) {
    const m = VERTEX.exec(line);
    if (m) {
      const [, id, name, instruction] = m as unknown as [string, string, string, string];
      const words = name.trim().split(/\s+/);
      if (!/^\d+\/\d+$/.test(words[words.length - 1] ?? '') || instruction === 'FROM') continue;
      let platform = platforms.length === 1 ? platforms[0] : undefined;
      if (words.length >= 3 && words[0]!.includes('/')) {
        const [from, to] = words[0]!.split('->');
        platform = to ? `${from!.split('/')[0]}/${to}` : from;
      }
      if (platform) stepPlatform.set(id, platform);
      continue;
    }
    const c = /^#(\d+) CACHED\s*$/.exec(line);
    if (c) cached.add(c[1] as string);
    const d = /^#(\d+) (?:extracting sha256:[0-9a-f]{64}|sha256:[0-9a-f]{64} \S+ \/ \S+ )/.exec(line);
    if (d) downloaded.add(d[1] as string);
  }
  const stats = new Map<string, BuildxStepStats>(platforms.map((p) => [p, { steps: 0, hits: 0, pulled: 0 }]));
  for (const [id, platform] of stepPlatform) {
    const s = stats.get(platform);
    if (!s) continue;
    s.steps++;
    if (downloaded.has(id)) s.pulled++;
    if (cached.has(id) || downloaded.has(id)) s.hits++;
  }
  return stats;
}
