// @renovate/pep440 ships no types; the reference carries ours into every type check that imports this
// module (an action bundled with its own tsconfig does not include packages/meta/src/*.d.ts).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./pep440.d.ts" />
import * as semver from 'semver';
import * as pep440 from '@renovate/pep440';
import { InputError, getErrorMessage } from '@deliverkit/action-kit';
import type { GitHubContext, RepoInfo } from './context';
import { MetaError } from './errors';
import {
  type ExpressionScope,
  isRawStatement,
  loadDateFormatting,
  renderGlobal,
  renderSchedule,
  renderWith,
  shortSha,
} from './expressions';
import {
  type AnnotationEntry,
  type Flavor,
  type TagRule,
  parseAnnotationEntries,
  parseFlavor,
  parseImages,
  parseTagRules,
} from './rules';

/** The user's configuration, one entry per line as metadata-action's inputs hold them. */
export interface MetaConfig {
  images?: readonly string[];
  tags?: readonly string[];
  flavor?: readonly string[];
  labels?: readonly string[];
  annotations?: readonly string[];
}

export interface MetaOptions {
  /** The build time: `org.opencontainers.image.created` and `{{date}}` (default: now). */
  now?: Date;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH (default 7). */
  shortShaLength?: number;
  /** DOCKER_METADATA_ANNOTATIONS_LEVELS, e.g. ['manifest'] (default) or ['index', 'manifest']. */
  annotationLevels?: readonly string[];
  /** The caller's names for the configuration's entries, named by InputErrors (default: the keys, as metadata-action's inputs). */
  inputNames?: Partial<Record<keyof MetaConfig, string>>;
}

export interface Version {
  /** The first tag produced, in priority order; also org.opencontainers.image.version. */
  main: string | undefined;
  partial: string[];
  latest: boolean;
}

export interface MetadataJson {
  tags: string[];
  'tag-names': string[];
  labels: Record<string, string>;
  annotations: string[];
}

export interface Metadata {
  version: Version;
  /** Enabled image names, lowercased. */
  images: string[];
  /** `image:tag` for every image (bare tags when no image is given). */
  tags: string[];
  /** The tags without image names. */
  tagNames: string[];
  /** `key=value`, sorted by key. */
  labels: string[];
  /** `key=value`, sorted by key, without level prefixes. */
  annotations: string[];
  /** `level:key=value` for each annotation level. */
  leveledAnnotations: string[];
  /** metadata-action's `json` output. */
  json: MetadataJson;
  /** What metadata-action prints as warnings (a tag that is not semver, a pattern that does not match). */
  warnings: string[];
}

/**
 * docker/metadata-action's computation: tags from the rules in priority order (the first enabled
 * rule that yields a value is the version), `latest` per flavor, OCI labels and annotations.
 * Throws InputError naming the input and entry for rules that cannot be evaluated.
 */
export async function computeMetadata(
  config: MetaConfig,
  context: GitHubContext,
  repo: RepoInfo,
  options: MetaOptions = {},
): Promise<Metadata> {
  // Only a template ({{…}}) can reach the date helpers.
  if (JSON.stringify(config).includes('{{')) await loadDateFormatting();
  const computer = new MetadataComputer(config, context, repo, options);
  return computer.result();
}

class MetadataComputer {
  private readonly names: Record<keyof MetaConfig, string>;
  private readonly rules: TagRule[];
  private readonly flavor: Flavor;
  private readonly scope: ExpressionScope;
  private readonly warnings: string[] = [];
  private readonly version: Version;

  constructor(
    private readonly config: MetaConfig,
    private readonly context: GitHubContext,
    private readonly repo: RepoInfo,
    private readonly options: MetaOptions,
  ) {
    this.names = {
      images: 'images',
      tags: 'tags',
      flavor: 'flavor',
      labels: 'labels',
      annotations: 'annotations',
      ...options.inputNames,
    };
    this.rules = parseTagRules(config.tags ?? [], this.names.tags);
    this.flavor = parseFlavor(config.flavor ?? [], this.names.flavor);
    this.scope = { context, now: options.now ?? new Date(), shortShaLength: options.shortShaLength ?? 7 };
    this.version = this.computeVersion();
  }

  result(): Metadata {
    const images = parseImages(this.config.images ?? [], this.names.images)
      .filter((i) => i.enable)
      .map((i) => i.name.toLowerCase());
    const tagNames = this.tagNames();
    const tags =
      images.length > 0 ? images.flatMap((image) => tagNames.map((t) => `${image}:${t}`)) : tagNames;
    const labels = this.ociWith(
      this.names.labels,
      parseAnnotationEntries(this.names.labels, this.config.labels ?? []),
    );
    const annotations = this.ociWith(
      this.names.annotations,
      parseAnnotationEntries(this.names.annotations, this.config.annotations ?? []),
    );
    const levels = this.options.annotationLevels ?? ['manifest'];
    const leveledAnnotations = levels.flatMap((level) => annotations.map((a) => `${level}:${a}`));
    return {
      version: this.version,
      images,
      tags,
      tagNames,
      labels,
      annotations,
      leveledAnnotations,
      json: { tags, 'tag-names': tagNames, labels: labelRecord(labels), annotations: leveledAnnotations },
      warnings: this.warnings,
    };
  }

  private computeVersion(): Version {
    const v: { main: string | undefined; partial: string[]; latest: boolean | undefined } = {
      main: undefined,
      partial: [],
      latest: undefined,
    };
    const set = (value: string, latest: boolean) => {
      if (value.length === 0) return;
      const tag = sanitizeTag(value);
      if (v.main === undefined) v.main = tag;
      else if (tag !== v.main) v.partial.push(tag);
      if (v.latest === undefined) v.latest = latest;
    };
    for (const rule of this.rules) {
      try {
        const enabled = this.global(rule.attrs['enable'] as string);
        if (enabled !== 'true' && enabled !== 'false') {
          throw new InputError(
            this.names.tags,
            `Input "${this.names.tags}" has an invalid entry "${rule.source}": enable must evaluate to true or false, got "${enabled}"`,
          );
        }
        if (enabled === 'false') continue;
        const produced = this.evaluate(rule);
        if (produced) set(produced.value, this.latestFor(produced.autoLatest));
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(
          this.names.tags,
          `Input "${this.names.tags}" has an invalid entry "${rule.source}": ${getErrorMessage(e)}`,
          'INPUT_INVALID',
          {
            cause: e,
          },
        );
      }
    }
    return {
      main: v.main,
      partial: v.partial.filter((p, i) => v.partial.indexOf(p) === i),
      latest: v.latest ?? false,
    };
  }

  private latestFor(auto: boolean): boolean {
    return this.flavor.latest === 'auto' ? auto : this.flavor.latest === 'true';
  }

  /** One rule's value before sanitising, and whether `latest=auto` would add `latest` for it. */
  private evaluate(rule: TagRule): { value: string; autoLatest: boolean } | undefined {
    const { ref, eventName, sha } = this.context;
    const a = rule.attrs;
    const isTag = /^refs\/tags\//.test(ref);
    const isBranch = /^refs\/heads\//.test(ref);
    switch (rule.type) {
      case 'schedule':
        if (!/schedule/.test(eventName)) return undefined;
        return {
          value: this.affix(renderSchedule(a['pattern'] as string, this.scope), rule),
          autoLatest: false,
        };
      case 'semver':
      case 'pep440': {
        if (!isTag && (a['value'] as string).length === 0) return undefined;
        let raw =
          (a['value'] as string).length > 0
            ? this.global(a['value'] as string)
            : ref.replace(/^refs\/tags\//g, '');
        if ((a['match'] as string).length > 0) {
          const m = raw.match(a['match'] as string);
          if (!m) this.warnings.push(`${a['match']} does not match ${raw}.`);
          else if (m[1] === undefined)
            throw new MetaError('PATTERN_INVALID', `match pattern "${a['match']}" needs a capture group`);
          else raw = m[1];
        }
        raw = raw.replace(/\//g, '-');
        return rule.type === 'semver' ? this.semverValue(raw, rule) : this.pep440Value(raw, rule);
      }
      case 'match': {
        if (!isTag && (a['value'] as string).length === 0) return undefined;
        const raw =
          (a['value'] as string).length > 0
            ? this.global(a['value'] as string)
            : ref.replace(/^refs\/tags\//g, '');
        const pattern = a['pattern'] as string;
        const literal = pattern.match(/^\/(.+)\/(.*)$/);
        const m = literal ? raw.match(new RegExp(literal[1] as string, literal[2])) : raw.match(pattern);
        if (!m) {
          this.warnings.push(`${pattern} does not match ${raw}.`);
          return undefined;
        }
        const group = (m as unknown as Record<string, string | undefined>)[a['group'] as string];
        if (group === undefined) {
          this.warnings.push(`Group ${a['group']} does not exist for ${pattern} pattern.`);
          return undefined;
        }
        return { value: this.affix(group, rule), autoLatest: true };
      }
      case 'ref':
        if (a['event'] === 'branch') {
          if (!isBranch) return undefined;
          return { value: this.affix(ref.replace(/^refs\/heads\//g, ''), rule), autoLatest: false };
        }
        if (a['event'] === 'tag') {
          if (!isTag) return undefined;
          return { value: this.affix(ref.replace(/^refs\/tags\//g, ''), rule), autoLatest: true };
        }
        if (!/^refs\/pull\//.test(ref)) return undefined;
        return {
          value: this.affix(ref.replace(/^refs\/pull\//g, '').replace(/\/merge$/g, ''), rule),
          autoLatest: false,
        };
      case 'edge': {
        if (!isBranch) return undefined;
        const branch = (a['branch'] as string).length > 0 ? (a['branch'] as string) : this.repo.defaultBranch;
        if (branch !== ref.replace(/^refs\/heads\//g, '')) return undefined;
        return { value: this.affix('edge', rule), autoLatest: false };
      }
      case 'raw':
        return { value: this.affix(this.global(a['value'] as string), rule), autoLatest: false };
      case 'sha': {
        if (!sha) return undefined;
        const value = a['format'] === 'short' ? shortSha(sha, this.scope.shortShaLength) : sha;
        return { value: this.affix(value, rule), autoLatest: false };
      }
    }
  }

  private semverValue(raw: string, rule: TagRule): { value: string; autoLatest: boolean } | undefined {
    if (!semver.valid(raw)) {
      this.warnings.push(`${raw} is not a valid semver. More info: https://semver.org/`);
      return undefined;
    }
    const parsed = semver.parse(raw, { loose: true }) as semver.SemVer;
    const pattern = rule.attrs['pattern'] as string;
    // Pre-releases only get {{version}} (or {{raw}} when that is the whole pattern) and never latest.
    if (semver.prerelease(raw)) {
      return {
        value: this.affix(renderWith(isRawStatement(pattern) ? pattern : '{{version}}', parsed), rule),
        autoLatest: false,
      };
    }
    return { value: this.affix(renderWith(pattern, parsed), rule), autoLatest: true };
  }

  private pep440Value(raw: string, rule: TagRule): { value: string; autoLatest: boolean } | undefined {
    if (!pep440.valid(raw)) {
      this.warnings.push(
        `${raw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`,
      );
      return undefined;
    }
    const pattern = rule.attrs['pattern'] as string;
    const explained = pep440.explain(raw);
    if (explained && (explained.is_prerelease || explained.is_postrelease || explained.is_devrelease)) {
      return {
        value: this.affix(isRawStatement(pattern) ? raw : (pep440.clean(raw) ?? raw), rule),
        autoLatest: false,
      };
    }
    const value = renderWith(pattern, {
      raw: () => raw,
      version: () => pep440.clean(raw),
      major: () => pep440.major(raw),
      minor: () => pep440.minor(raw),
      patch: () => pep440.patch(raw),
    });
    return { value: this.affix(value, rule), autoLatest: true };
  }

  /** The rule's own prefix/suffix when it has one (even empty), else the flavor's. */
  private affix(value: string, rule: TagRule): string {
    const has = (k: string) => Object.prototype.hasOwnProperty.call(rule.attrs, k);
    let out = value;
    if (has('prefix')) out = `${this.global(rule.attrs['prefix'] as string)}${out}`;
    else if (this.flavor.prefix.length > 0) out = `${this.global(this.flavor.prefix)}${out}`;
    if (has('suffix')) out = `${out}${this.global(rule.attrs['suffix'] as string)}`;
    else if (this.flavor.suffix.length > 0) out = `${out}${this.global(this.flavor.suffix)}`;
    return out;
  }

  private global(template: string): string {
    return renderGlobal(template, this.scope);
  }

  private tagNames(): string[] {
    if (!this.version.main) return [];
    const names = [this.version.main, ...this.version.partial];
    if (this.version.latest) {
      const f = this.flavor;
      names.push(sanitizeTag(`${f.prefixLatest ? f.prefix : ''}latest${f.suffixLatest ? f.suffix : ''}`));
    }
    return names;
  }

  /** The eight OCI keys from the repository and version, overridden by the user's entries. */
  private ociWith(input: string, extra: AnnotationEntry[]): string[] {
    const entries: string[] = [
      `org.opencontainers.image.title=${this.repo.name}`,
      `org.opencontainers.image.description=${this.repo.description}`,
      `org.opencontainers.image.url=${this.repo.htmlUrl}`,
      `org.opencontainers.image.source=${this.repo.htmlUrl}`,
      `org.opencontainers.image.version=${this.version.main ?? ''}`,
      `org.opencontainers.image.created=${this.scope.now.toISOString()}`,
      `org.opencontainers.image.revision=${this.context.sha}`,
      `org.opencontainers.image.licenses=${this.repo.licenses}`,
    ];
    for (const e of extra) {
      if (!e.enable || e.value === null) continue;
      try {
        entries.push(`${e.name}=${this.global(e.value)}`);
      } catch (err) {
        throw new InputError(
          input,
          `Input "${input}" has an invalid entry "${e.name}": ${getErrorMessage(err)}`,
          'INPUT_INVALID',
          {
            cause: err,
          },
        );
      }
    }
    const byKey = new Map<string, string>();
    for (const entry of entries) {
      const [key, ...values] = entry.split('=');
      if (values.length > 0) byKey.set(key as string, values.join('='));
    }
    return [...byKey].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `${k}=${v}`);
  }
}

/** Characters a tag may not hold become `-` (runs of them, one `-`). */
export function sanitizeTag(tag: string): string {
  return tag.replace(/[^a-zA-Z0-9._-]+/g, '-');
}

/** `key=value` lines to a record, the way metadata-action builds its JSON output. */
export function labelRecord(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const m = entry.match(/([^=]*)=(.*)/);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}
