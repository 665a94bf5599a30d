import { InputError, getErrorMessage } from '@deliverkit/action-kit';
import { parseEntryFields } from './csv';

/** The rule language of docker/metadata-action's `tags`, `flavor`, `images`, `labels`, `annotations`. */

export const TAG_TYPES = ['schedule', 'semver', 'pep440', 'match', 'edge', 'ref', 'raw', 'sha'] as const;
export type TagType = (typeof TAG_TYPES)[number];
export const REF_EVENTS = ['branch', 'tag', 'pr'] as const;
export type RefEvent = (typeof REF_EVENTS)[number];
export const SHA_FORMATS = ['short', 'long'] as const;

/** metadata-action's default priorities: higher comes first, and the first enabled rule is the version. */
export const DEFAULT_PRIORITIES: Record<TagType, string> = {
  schedule: '1000',
  semver: '900',
  pep440: '900',
  match: '800',
  edge: '700',
  ref: '600',
  raw: '200',
  sha: '100',
};

/** What metadata-action uses when `tags` is empty. */
export const DEFAULT_TAG_RULES = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr',
];

export interface TagRule {
  type: TagType;
  /** Attributes after defaults were filled in; absent keys matter (a rule's own `prefix=` beats the flavor's). */
  attrs: Record<string, string>;
  /** The entry as the user wrote it, for error messages. */
  source: string;
}

function ruleError(input: string, entry: string, reason: string, cause?: unknown): InputError {
  return new InputError(
    input,
    `Input "${input}" has an invalid entry "${entry}": ${reason}`,
    'INPUT_INVALID',
    {
      cause,
    },
  );
}

function fields(input: string, entry: string, relaxQuotes = false): string[] {
  try {
    return parseEntryFields(entry, { relaxQuotes });
  } catch (e) {
    throw ruleError(input, entry, getErrorMessage(e), e);
  }
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** One `tags` entry, e.g. `type=semver,pattern={{major}}.{{minor}},enable={{is_default_branch}}`. */
export function parseTagRule(entry: string, input = 'tags'): TagRule {
  let type: TagType | undefined;
  const attrs: Record<string, string> = {};
  for (const field of fields(input, entry)) {
    // Split on the first `=` only: values such as regexes may hold more.
    const eq = field.indexOf('=');
    if (eq <= 0) {
      attrs['value'] = field.trim();
      continue;
    }
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1).trim();
    if (key === 'type') {
      if (!(TAG_TYPES as readonly string[]).includes(value)) {
        throw ruleError(input, entry, `unknown type "${value}" (expected one of ${TAG_TYPES.join(', ')})`);
      }
      type = value as TagType;
    } else {
      attrs[key] = value;
    }
  }
  type ??= 'raw';

  switch (type) {
    case 'schedule':
      if (!has(attrs, 'pattern')) attrs['pattern'] = 'nightly';
      break;
    case 'semver':
    case 'pep440':
      if (!has(attrs, 'pattern')) throw ruleError(input, entry, 'missing pattern attribute');
      if (!has(attrs, 'value')) attrs['value'] = '';
      if (!has(attrs, 'match')) attrs['match'] = '';
      break;
    case 'match':
      if (!has(attrs, 'pattern')) throw ruleError(input, entry, 'missing pattern attribute');
      if (!has(attrs, 'group')) attrs['group'] = '0';
      if (Number.isNaN(+(attrs['group'] as string))) throw ruleError(input, entry, 'invalid match group');
      if (!has(attrs, 'value')) attrs['value'] = '';
      break;
    case 'edge':
      if (!has(attrs, 'branch')) attrs['branch'] = '';
      break;
    case 'ref':
      if (!has(attrs, 'event')) throw ruleError(input, entry, 'missing event attribute (branch, tag or pr)');
      if (!(REF_EVENTS as readonly string[]).includes(attrs['event'] as string)) {
        throw ruleError(input, entry, `invalid event "${attrs['event']}" (expected branch, tag or pr)`);
      }
      if (attrs['event'] === 'pr' && !has(attrs, 'prefix')) attrs['prefix'] = 'pr-';
      break;
    case 'raw':
      if (!has(attrs, 'value')) throw ruleError(input, entry, 'missing value attribute');
      break;
    case 'sha':
      if (!has(attrs, 'prefix')) attrs['prefix'] = 'sha-';
      if (!has(attrs, 'format')) attrs['format'] = 'short';
      if (!(SHA_FORMATS as readonly string[]).includes(attrs['format'] as string)) {
        throw ruleError(input, entry, `invalid format "${attrs['format']}" (expected short or long)`);
      }
      break;
  }
  if (!has(attrs, 'enable')) attrs['enable'] = 'true';
  if (!has(attrs, 'priority')) attrs['priority'] = DEFAULT_PRIORITIES[type];
  return { type, attrs, source: entry };
}

/** All `tags` entries (the defaults when none), ordered by priority; equal priorities keep their order. */
export function parseTagRules(entries: readonly string[], input = 'tags'): TagRule[] {
  const list = entries.length === 0 ? DEFAULT_TAG_RULES : entries;
  const rules = list.map((entry) => parseTagRule(entry, input));
  // The same comparator as metadata-action (and Array.prototype.sort is stable), so ties and
  // non-numeric priorities order the same way.
  return rules.sort((a, b) => {
    const pa = Number(a.attrs['priority']);
    const pb = Number(b.attrs['priority']);
    if (pa < pb) return 1;
    if (pa > pb) return -1;
    return 0;
  });
}

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

/** `flavor` entries: `latest=auto|true|false`, `prefix=…[,onlatest=true]`, `suffix=…[,onlatest=true]`. */
export function parseFlavor(entries: readonly string[], input = 'flavor'): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false };
  for (const entry of entries) {
    let onlatestFor: 'prefix' | 'suffix' | '' = '';
    for (const field of fields(input, entry)) {
      // metadata-action splits on every `=` and keeps the second part; so does this.
      const parts = field.split('=').map((p) => p.trim());
      if (parts.length === 1) throw ruleError(input, entry, `"${field}" is not key=value`);
      const key = (parts[0] as string).toLowerCase();
      const value = parts[1] as string;
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw ruleError(input, entry, `latest must be auto, true or false, got "${value}"`);
          }
          flavor.latest = value;
          break;
        case 'prefix':
          flavor.prefix = value;
          onlatestFor = 'prefix';
          break;
        case 'suffix':
          flavor.suffix = value;
          onlatestFor = 'suffix';
          break;
        case 'onlatest':
          if (value !== 'true' && value !== 'false') {
            throw ruleError(input, entry, `onlatest must be true or false, got "${value}"`);
          }
          if (onlatestFor === 'prefix') flavor.prefixLatest = value === 'true';
          if (onlatestFor === 'suffix') flavor.suffixLatest = value === 'true';
          break;
        default:
          throw ruleError(input, entry, `unknown key "${key}" (expected latest, prefix, suffix or onlatest)`);
      }
    }
  }
  return flavor;
}

export interface ImageEntry {
  name: string;
  enable: boolean;
}

/**
 * `images` entries: either one line of comma-separated names (the old format) or one image per
 * line with `name=…,enable=…` attributes.
 */
export function parseImages(entries: readonly string[], input = 'images'): ImageEntry[] {
  if (entries.length === 1) {
    const only = entries[0] as string;
    const names = fields(input, only);
    if (names.every((f) => f.split('=').length === 1))
      return names.map((f) => ({ name: f.trim(), enable: true }));
  }
  return entries.map((entry) => {
    const image: ImageEntry = { name: '', enable: true };
    for (const field of fields(input, entry)) {
      const parts = field.split('=').map((p) => p.trim());
      if (parts.length === 1) {
        image.name = parts[0] as string;
        continue;
      }
      const key = (parts[0] as string).toLowerCase();
      const value = parts[1] as string;
      if (key === 'name') image.name = value;
      else if (key === 'enable') {
        if (value !== 'true' && value !== 'false')
          throw ruleError(input, entry, `enable must be true or false`);
        image.enable = value === 'true';
      } else throw ruleError(input, entry, `unknown attribute "${key}" (expected name or enable)`);
    }
    if (!image.name) throw ruleError(input, entry, 'image name is empty');
    return image;
  });
}

export interface AnnotationEntry {
  name: string;
  /** null: the entry had no `=`, and metadata-action drops it. */
  value: string | null;
  enable: boolean;
}

/**
 * `labels` and `annotations` entries: `key=value` (value may hold `=` and `{{…}}` expressions), or
 * the attribute form `name=…,value=…,enable=…`.
 */
export function parseAnnotationEntries(input: string, entries: readonly string[]): AnnotationEntry[] {
  return entries.map((entry) => {
    const entryFields = fields(input, entry, true);
    const usesAttributes = entryFields.some((f) => {
      const key = (f.split('=')[0] ?? '').trim().toLowerCase();
      return key === 'name' || key === 'value' || key === 'enable';
    });
    const result: AnnotationEntry = { name: '', value: null, enable: true };
    if (usesAttributes) {
      for (const field of entryFields) {
        const parts = field.split('=').map((p) => p.trim());
        if (parts.length === 1) {
          result.name = parts[0] as string;
          continue;
        }
        const key = (parts[0] as string).toLowerCase();
        const value = parts.slice(1).join('=');
        if (key === 'name') result.name = value;
        else if (key === 'value') result.value = value;
        else if (key === 'enable') {
          if (!['true', 'false'].includes(value.toLowerCase())) {
            throw ruleError(input, entry, `enable must be true or false`);
          }
          result.enable = value.toLowerCase() === 'true';
        } else throw ruleError(input, entry, `unknown attribute "${key}" (expected name, value or enable)`);
      }
    } else {
      const eq = entry.indexOf('=');
      if (eq === -1) result.name = entry.trim();
      else {
        result.name = entry.slice(0, eq).trim();
        result.value = entry.slice(eq + 1).trim();
      }
    }
    if (!result.name) throw ruleError(input, entry, 'name is empty');
    return result;
  });
}
