import { type Platform, formatPlatform } from '@deliverkit/oci-core';
import { BuildError } from './errors';
import { type BuildSpec, parseAnnotation } from './spec';
import { CliTool, type ToolOptions } from './tool';

export interface BuildahOptions extends ToolOptions {
  /** Private storage (`--root`), e.g. a fresh directory per job; default: the system store. */
  root?: string;
  /** `--runroot`, paired with `root`. */
  runroot?: string;
  /** `--storage-driver` (vfs works everywhere, nested and rootless). */
  storageDriver?: string;
}

/** buildah, the daemonless OCI builder (what self-hosted and rootless runners have). */
export class Buildah extends CliTool {
  constructor(private readonly options: BuildahOptions = {}) {
    super(options);
  }

  protected get name(): string {
    return 'Buildah';
  }

  /** Global flags first (storage), then the subcommand. */
  getCommand(args: readonly string[]): { command: string; args: string[] } {
    const global: string[] = [];
    if (this.options.root) global.push('--root', this.options.root);
    if (this.options.runroot) global.push('--runroot', this.options.runroot);
    if (this.options.storageDriver) global.push('--storage-driver', this.options.storageDriver);
    return { command: 'buildah', args: [...global, ...args] };
  }

  protected versionArgs(): string[] {
    return ['--version'];
  }

  /** The same buildah with another store (`--root`/`--runroot`). */
  withStore(root: string, runroot: string): Buildah {
    return new Buildah({ ...this.options, root, runroot });
  }

  /** Where this buildah keeps images: `buildah info`'s store paths (storage.conf, or `--root`). */
  async storePaths(env?: Record<string, string | undefined>): Promise<{ root: string; runroot: string }> {
    const res = await this.run(['info', '--format', '{{.store.GraphRoot}}\t{{.store.RunRoot}}'], { env });
    const [root, runroot] = res.stdout.trim().split('\t');
    if (!root || !runroot)
      throw new BuildError('TOOL_OUTPUT_INVALID', `buildah info gave no store paths: "${res.stdout.trim()}"`);
    return { root, runroot };
  }

  /** `buildah version 1.28.2 (image-spec 1.1.0-rc2, runtime-spec 1.0.2-dev)` → `1.28.2`. */
  parseVersion(stdout: string): string {
    return Buildah.parseVersion(stdout);
  }

  static parseVersion(stdout: string): string {
    const m = /buildah version v?(\d+\.\d+\.\d+\S*)/.exec(stdout);
    if (!m)
      throw new BuildError('TOOL_OUTPUT_INVALID', `Cannot parse buildah version from "${stdout.trim()}"`);
    return m[1] as string;
  }
}

/** How buildah reaches registries: credentials and TLS, never in argv as values. */
export interface BuildahRegistryOptions {
  /** containers/docker auth file (`{"auths":{…}}`), e.g. the one docker/login-action wrote. */
  authFile?: string;
  /** false for plain-HTTP registries (buildah's `--tls-verify=false`). */
  tlsVerify?: boolean;
  /** Directory of extra CA certificates (`--cert-dir`). */
  certDir?: string;
}

export interface BuildahBuildOptions extends BuildahRegistryOptions {
  platform: Platform;
  /** Where buildah writes the image ID. */
  iidFile: string;
  /** Layer cache repositories for this platform (`--cache-from`/`--cache-to`). */
  cacheFrom?: string[];
  cacheTo?: string[];
  /** `--jobs` for stages of one build. */
  jobs?: number;
}

/** buildah's flags for reaching registries (`--authfile`, `--tls-verify=false`, `--cert-dir`). */
export function buildahRegistryFlags(o: BuildahRegistryOptions): string[] {
  const flags: string[] = [];
  if (o.authFile) flags.push('--authfile', o.authFile);
  if (o.tlsVerify === false) flags.push('--tls-verify=false');
  if (o.certDir) flags.push('--cert-dir', o.certDir);
  return flags;
}

/**
 * `buildah build` for one platform of a spec — pure, printed by dry-run and checked by the tests.
 * `--layers` keeps per-step layers so `--cache-from/--cache-to` can reuse them across machines.
 * Only manifest-level annotations apply to the image; index annotations are set on the index.
 */
export function buildahBuildArgs(spec: BuildSpec, options: BuildahBuildOptions): string[] {
  const args = ['build', '--platform', formatPlatform(options.platform), '--layers'];
  if (spec.file) args.push('--file', spec.file);
  if (spec.target) args.push('--target', spec.target);
  for (const [k, v] of Object.entries(spec.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(spec.labels)) args.push('--label', `${k}=${v}`);
  for (const a of spec.annotations) {
    const parsed = parseAnnotation(a);
    if (parsed.levels.includes('manifest')) args.push('--annotation', `${parsed.key}=${parsed.value}`);
  }
  for (const s of spec.secrets) args.push('--secret', `id=${s.id},src=${s.src}`);
  if (spec.noCache) args.push('--no-cache');
  else {
    for (const c of options.cacheFrom ?? []) args.push('--cache-from', c);
    for (const c of options.cacheTo ?? []) args.push('--cache-to', c);
  }
  if (spec.sourceDateEpoch !== undefined) args.push('--timestamp', String(spec.sourceDateEpoch));
  if (options.jobs !== undefined) args.push('--jobs', String(options.jobs));
  args.push(...buildahRegistryFlags(options));
  args.push('--iidfile', options.iidFile);
  args.push(spec.context);
  return args;
}

/**
 * `buildah push` of a built image into a local OCI layout: the exact bytes (and so digests) the
 * registry will hold, which the registry client then uploads by digest.
 */
export function buildahPushLayoutArgs(imageId: string, layoutDir: string, digestFile: string): string[] {
  return ['push', '--format', 'oci', '--digestfile', digestFile, imageId, `oci:${layoutDir}`];
}

/** `buildah manifest push --all` of a manifest list to a registry reference. */
export function buildahManifestPushArgs(
  list: string,
  destination: string,
  digestFile: string,
  options: BuildahRegistryOptions = {},
): string[] {
  return [
    'manifest',
    'push',
    '--all',
    '--format',
    'oci',
    '--digestfile',
    digestFile,
    ...buildahRegistryFlags(options),
    list,
    `docker://${destination}`,
  ];
}

/** What a buildah build log says about the layer cache. */
export interface BuildahCacheStats {
  /** Steps whose layer came from the local store (`--> Using cache`). */
  hits: number;
  /** Of those, layers pulled from a `--cache-from` repository. */
  pulled: number;
  /** Layers pushed to `--cache-to`. */
  pushed: number;
  /** Steps executed. */
  steps: number;
  /** ARG-step images pulled into the store before the build (see buildah-cache.ts). */
  primed: number;
}

/** Counts cache use from buildah's build output (stdout and stderr mixed as it prints them). */
export function parseBuildahCacheStats(log: string): BuildahCacheStats {
  const count = (re: RegExp) => (log.match(re) ?? []).length;
  return {
    hits: count(/^--> Using cache /gm),
    pulled: count(/^--> Cache pulled from remote /gm),
    pushed: count(/^--> Pushing cache /gm),
    steps: count(/^(\[\d+\/\d+\] )?STEP \d+\/\d+: /gm),
    primed: 0,
  };
}

/** The failing step of a buildah build, for error messages: `STEP 3/5: RUN make` and buildah's error line. */
export function failingStep(log: string): string | undefined {
  const steps = [...log.matchAll(/^((?:\[\d+\/\d+\] )?STEP \d+\/\d+: .*)$/gm)];
  const last = steps.at(-1)?.[1];
  const error = log
    .split('\n')
    .reverse()
    .find((l) => /^(Error|error):|level=error/.test(l.trim()));
  if (!last && !error) return undefined;
  return [last, error?.trim()].filter(Boolean).join(' — ');
}

/** `buildah pull --quiet <ref>` with the registry flags. */
export function buildahPullArgs(ref: string, options: BuildahRegistryOptions = {}): string[] {
  return ['pull', '--quiet', ...buildahRegistryFlags(options), ref];
}
