import { createHash } from 'node:crypto';
import { InputError } from '@deliverkit/action-kit';
import { type Platform, platformSlug } from '@deliverkit/oci-core';

/** A build secret: a file the builder mounts at /run/secrets/<id>; values never reach argv. */
export interface BuildSecret {
  id: string;
  /** Path of a file holding the value (the action writes `secrets` values to 0600 temp files). */
  src: string;
}

/** The caller's names for what a build is given (its action inputs), named by the errors about them. */
export interface BuildInputNames {
  builder: string;
  cacheFrom: string;
  context: string;
  file: string;
  target: string;
  images: string;
  tags: string;
}

/** What to build, independent of the backend. */
export interface BuildSpec {
  /** Build context directory. */
  context: string;
  /** Dockerfile path (default `<context>/Dockerfile`). */
  file?: string;
  platforms: Platform[];
  /** Full references `registry/repo:tag` to push. */
  tags: string[];
  labels: Record<string, string>;
  /**
   * Annotations `key=value`, optionally with a level prefix as docker/metadata-action writes them
   * (`manifest:`, `index:`, `manifest-descriptor:`, `index-descriptor:`).
   */
  annotations: string[];
  buildArgs: Record<string, string>;
  secrets: BuildSecret[];
  target?: string;
  push: boolean;
  /** Registry cache to read (backend syntax: buildx `type=registry,ref=…`; buildah a repository). */
  cacheFrom: string[];
  /** Registry cache to write. */
  cacheTo: string[];
  noCache?: boolean;
  /**
   * SOURCE_DATE_EPOCH (reproducible-builds.org): clamps the image's created time and layer file
   * timestamps, so rebuilding the same sources gives the same digests.
   */
  sourceDateEpoch?: number;
}

export type AnnotationLevel = 'manifest' | 'index' | 'manifest-descriptor' | 'index-descriptor';
const LEVELS: readonly AnnotationLevel[] = ['manifest', 'index', 'manifest-descriptor', 'index-descriptor'];

export interface LeveledAnnotation {
  levels: AnnotationLevel[];
  key: string;
  value: string;
}

/**
 * `index,manifest:key=value` → levels and pair, as buildx parses `--annotation`. Without a prefix the
 * level is `manifest` (buildx's default).
 */
export function parseAnnotation(text: string, input = 'annotations'): LeveledAnnotation {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError(input, `Input "${input}" has an annotation without "=": "${text}"`);
  let head = text.slice(0, eq);
  const value = text.slice(eq + 1);
  let levels: AnnotationLevel[] = ['manifest'];
  const colon = head.indexOf(':');
  if (colon > 0) {
    const candidates = head.slice(0, colon).split(',');
    if (candidates.every((c) => (LEVELS as readonly string[]).includes(c.replace(/\[.*\]$/, '')))) {
      levels = candidates.map((c) => c.replace(/\[.*\]$/, '') as AnnotationLevel);
      head = head.slice(colon + 1);
    }
  }
  if (!head) throw new InputError(input, `Input "${input}" has an annotation without a key: "${text}"`);
  return { levels, key: head, value };
}

/** Annotations for one level, as a record. */
export function annotationsFor(
  annotations: readonly string[],
  level: AnnotationLevel,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of annotations) {
    const parsed = parseAnnotation(a);
    if (parsed.levels.includes(level)) out[parsed.key] = parsed.value;
  }
  return out;
}

export type CacheMode = 'registry' | 'none';

export interface CacheRefs {
  /** buildx `--cache-from` / `--cache-to` values, or buildah repositories. */
  from: string[];
  to: string[];
}

/**
 * Registry cache refs derived from the first image. buildx keeps one cache manifest per build under
 * `<image>:buildcache` (all platforms) or `<image>:buildcache-<os>-<arch>` for one-platform builds, so
 * matrix jobs never overwrite each other. buildah keeps one layer per cache key as tags of the
 * repository `<image>-buildcache-<os>-<arch>`; call it with one platform per build process.
 */
/**
 * Whose cache a build may write. A branch build writes only its own scope and reads its own and the default
 * branch's; only the default branch writes the default scope, which main's builds and releases read. Without a
 * scope (outside GitHub) the unscoped refs are used, as before.
 */
export interface CacheScope {
  /** The ref being built: refs/heads/x, refs/tags/v1, refs/pull/7/merge. */
  ref: string;
  defaultBranch: string;
}

/** A tag-safe name for a ref's cache scope (`feature-x`, `pr-7`, `tag-v1.2.0`), or undefined for the default branch. */
export function cacheScopeName(scope: CacheScope | undefined): string | undefined {
  if (!scope) return undefined;
  const branch = /^refs\/heads\/(.+)$/.exec(scope.ref)?.[1];
  if (branch === scope.defaultBranch) return undefined;
  const pull = /^refs\/pull\/(\d+)\//.exec(scope.ref)?.[1];
  const tag = /^refs\/tags\/(.+)$/.exec(scope.ref)?.[1];
  const name =
    branch ?? (pull ? `pr-${pull}` : tag ? `tag-${tag}` : `ref-${scope.ref.replace(/^refs\//, '')}`);
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '');
  // Tags are at most 128 characters: long names keep a prefix and a hash of the whole.
  return safe.length <= 48
    ? safe
    : `${safe.slice(0, 39)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

export function resolveCacheRefs(
  backend: 'buildx' | 'buildah',
  image: string,
  platforms: readonly Platform[],
  mode: CacheMode,
  scope?: CacheScope,
): CacheRefs {
  if (mode === 'none') return { from: [], to: [] };
  const name = stripTag(image);
  const own = cacheScopeName(scope);
  if (backend === 'buildx') {
    const suffix =
      platforms.length === 1 ? `buildcache-${platformSlug(platforms[0] as Platform)}` : 'buildcache';
    const main = `${name}:${suffix}`;
    const mine = own ? `${name}:${suffix}-${own}` : main;
    return {
      from: [...(own ? [`type=registry,ref=${mine}`] : []), `type=registry,ref=${main}`],
      to: [`type=registry,ref=${mine},mode=max`],
    };
  }
  const main = platforms.map((p) => `${name}-buildcache-${platformSlug(p)}`);
  const mine = own ? platforms.map((p) => `${name}-buildcache-${platformSlug(p)}-${own}`) : main;
  return { from: own ? [...mine, ...main] : main, to: mine };
}

/** `registry/repo:tag@digest` → `registry/repo`. */
export function stripTag(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
