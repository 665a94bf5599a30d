import { BaseError, InputError } from './errors';

/**
 * Every bound on what others hand us (an image's layers and files, a registry's answers, a workflow's
 * inputs), with its default, in this one place. Libraries take a `Limits` and never hard-code these;
 * actions that read untrusted content accept a `limits` input (`name=value` lines) to raise one where a
 * legitimate image needs more. An exceeded limit is a `LimitError` naming the limit, the object and how
 * to raise it.
 */
export interface LimitSpec {
  default: number;
  unit: 'bytes' | 'count' | 'ratio';
  /** What is bounded, for the error message and the documentation table. */
  what: string;
  /** False for limits no legitimate input needs raised (YAML inputs): no `limits` key accepted. */
  raisable: boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export const LIMITS = {
  'layer-compression-ratio': {
    default: 16,
    unit: 'ratio',
    what: 'unpacked ÷ compressed bytes of one layer, checked once it has unpacked 1 GiB',
    raisable: true,
  },
  'layer-unpacked-bytes': {
    default: 32 * GiB,
    unit: 'bytes',
    what: 'bytes one layer unpacks to',
    raisable: true,
  },
  'archive-entries': {
    default: 1_000_000,
    unit: 'count',
    what: 'entries of one layer tar, or of one zip/jar archive',
    raisable: true,
  },
  'archive-depth': {
    default: 3,
    unit: 'count',
    what: 'archives nested in archives (a jar in a jar in a war) that are opened',
    raisable: true,
  },
  'archive-unpacked-bytes': {
    default: 1 * GiB,
    unit: 'bytes',
    what: 'bytes inflated from one zip/jar archive, its nested archives included',
    raisable: true,
  },
  'file-bytes': {
    default: 512 * MiB,
    unit: 'bytes',
    what: 'size of one file a cataloger reads into memory (smaller per-cataloger defaults: CATALOGER_FILE_BYTES)',
    raisable: true,
  },
  'tar-header-bytes': {
    default: 1 * MiB,
    unit: 'bytes',
    what: 'one pax or GNU long-name header of a layer tar',
    raisable: false,
  },
  'manifest-bytes': {
    default: 4 * MiB,
    unit: 'bytes',
    what: 'one manifest, index, referrers listing or config blob read into memory',
    raisable: true,
  },
  referrers: {
    default: 1000,
    unit: 'count',
    what: 'referrers (signatures, attestations, SBOMs) followed from one image, recursively',
    raisable: true,
  },
  'index-depth': {
    default: 8,
    unit: 'count',
    what: 'indexes nested in indexes and referrers of referrers followed from one image',
    raisable: true,
  },
  redirects: {
    default: 5,
    unit: 'count',
    what: 'HTTP redirects followed for one registry request',
    raisable: true,
  },
  'token-response-bytes': {
    default: 1 * MiB,
    unit: 'bytes',
    what: 'one answer of a registry token endpoint',
    raisable: false,
  },
  'yaml-bytes': {
    default: 1 * MiB,
    unit: 'bytes',
    what: 'one YAML/JSON action input',
    raisable: false,
  },
  'yaml-aliases': {
    default: 100,
    unit: 'count',
    what: 'alias expansions in one YAML action input',
    raisable: false,
  },
  'yaml-depth': {
    default: 64,
    unit: 'count',
    what: 'nesting depth of one YAML/JSON action input',
    raisable: false,
  },
} as const satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMITS;
export type Limits = Record<LimitName, number>;

/**
 * Per-cataloger defaults of `file-bytes`: the largest file each reads into memory. Setting `file-bytes`
 * in the `limits` input applies that one value to every cataloger.
 */
export const CATALOGER_FILE_BYTES: Readonly<Record<string, number>> = {
  'os-release': 64 * KiB,
  'dpkg-status': 64 * MiB,
  'dpkg-copyright': 2 * MiB,
  'apk-installed': 128 * MiB,
  'npm-installed': 4 * MiB,
  'npm-app': 64 * MiB,
  'python-metadata': 8 * MiB,
  'rpmdb-sqlite': 512 * MiB,
  'rpmdb-sqlite-wal': 512 * MiB,
  'go-binary': 512 * MiB,
  'java-archive': 512 * MiB,
};

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze(
  Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, v.default])) as Limits,
);

/** Defaults with `overrides` applied (what libraries call with their options' `limits`). */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

export function formatLimitValue(name: LimitName, value: number): string {
  if (LIMITS[name].unit !== 'bytes') return String(value);
  for (const [unit, size] of [
    ['GiB', GiB],
    ['MiB', MiB],
    ['KiB', KiB],
  ] as const) {
    if (value >= size && value % size === 0) return `${value / size} ${unit}`;
  }
  return `${value} bytes`;
}

/** How the message tells the user to raise a limit. */
export function howToRaise(name: LimitName): string {
  return LIMITS[name].raisable
    ? `if the content is legitimate, raise it with the action input \`limits: ${name}=<larger>\``
    : 'this limit cannot be raised';
}

/**
 * A bound of LIMITS was hit. `object` names what hit it: a layer digest, a path in a layer, a
 * manifest digest, an input name.
 */
export class LimitError extends BaseError<'LIMIT_EXCEEDED'> {
  readonly limit: LimitName;
  readonly value: number;
  readonly object: string;

  constructor(limit: LimitName, value: number, object: string, detail?: string) {
    super(
      'LIMIT_EXCEEDED',
      `${object}: ${detail ? `${detail}, ` : ''}over the ${limit} limit (${formatLimitValue(limit, value)}: ${LIMITS[limit].what}); ${howToRaise(limit)}`,
    );
    this.limit = limit;
    this.value = value;
    this.object = object;
  }
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: KiB,
  kb: 1000,
  kib: KiB,
  m: MiB,
  mb: 1000 ** 2,
  mib: MiB,
  g: GiB,
  gb: 1000 ** 3,
  gib: GiB,
  t: 1024 * GiB,
  tb: 1000 ** 4,
  tib: 1024 * GiB,
};

/**
 * A byte size given as an input (`16MiB`, `8MB`, `1048576`), naming the input when it is not one. `min` bounds it
 * from below (a registry's smallest chunk, say).
 */
export function parseByteSize(input: string, raw: string, options: { min?: number } = {}): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(raw.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  const value = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new InputError(
      input,
      `Input "${input}" must be a size such as 16MiB or 8MB, got ${JSON.stringify(raw.slice(0, 100))}`,
    );
  if (options.min !== undefined && value < options.min)
    throw new InputError(input, `Input "${input}" must be at least ${options.min} bytes, got ${value}`);
  return value;
}

/**
 * The `limits` input: `name=value` per line or comma-separated, a byte value with an optional unit
 * (`64MiB`, `2GiB`, `500MB`). Only raisable limits are accepted; an unknown name lists the known ones.
 */
export function parseLimits(input: string, raw: string): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const item of raw.split(/[\n,]/)) {
    const entry = item.trim();
    if (!entry || entry.startsWith('#')) continue;
    const m = /^([a-z-]+)\s*[=:]\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(entry);
    const known = Object.keys(LIMITS).filter((k) => LIMITS[k as LimitName].raisable);
    if (!m) {
      throw new InputError(
        input,
        `Input "${input}" has ${JSON.stringify(entry.slice(0, 100))}: expected name=value, one of ${known.join(', ')}`,
      );
    }
    const name = m[1] as LimitName;
    if (!known.includes(name)) {
      throw new InputError(
        input,
        `Input "${input}" names the unknown limit "${name}"; the limits that can be raised: ${known.join(', ')}`,
      );
    }
    const unit = UNITS[m[3]!.toLowerCase()];
    if (unit === undefined || (LIMITS[name].unit !== 'bytes' && unit !== 1)) {
      throw new InputError(input, `Input "${input}": "${m[3]}" is not a unit for ${name}`);
    }
    const value = Math.floor(Number(m[2]) * unit);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InputError(input, `Input "${input}": ${name} must be a positive number, got "${m[2]}"`);
    }
    out[name] = value;
  }
  return out;
}
