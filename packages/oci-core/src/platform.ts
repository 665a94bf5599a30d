import { OciCoreError } from './errors';

/** An OCI platform, as `os/arch[/variant]` in flags and `{os, architecture, variant}` in manifests. */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

const OSES = new Set([
  'linux',
  'windows',
  'darwin',
  'freebsd',
  'netbsd',
  'openbsd',
  'solaris',
  'illumos',
  'aix',
]);
const ARCHES = new Set([
  'amd64',
  'arm64',
  'arm',
  '386',
  'ppc64le',
  'ppc64',
  's390x',
  'riscv64',
  'mips64le',
  'mips64',
  'mipsle',
  'mips',
  'loong64',
  'wasm',
]);
// containerd's platforms.Normalize aliases, which buildx and buildah both accept.
const ARCH_ALIASES: Record<string, string | [string, string]> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  i386: '386',
  i686: '386',
  armhf: ['arm', 'v7'],
  armel: ['arm', 'v6'],
};
const ARM_VARIANTS = new Set(['v5', 'v6', 'v7', 'v8']);

/** Parses and normalises one platform as containerd does (`linux/arm` → linux/arm/v7, `linux/aarch64` → linux/arm64). */
export function parsePlatform(value: string, input: string): Platform {
  const text = value.trim().toLowerCase();
  const parts = text.split('/');
  const fail = (why: string) =>
    new OciCoreError(
      'INVALID_PLATFORM',
      `Input "${input}" has an unknown platform "${value}": ${why} (expected os/arch[/variant], e.g. linux/amd64, linux/arm64, linux/arm/v7)`,
      input,
    );
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !p)) throw fail('wrong shape');
  const [os, rawArch, rawVariant] = parts as [string, string, string | undefined];
  if (!OSES.has(os)) throw fail(`unknown os "${os}"`);
  let architecture = rawArch;
  let variant = rawVariant;
  const alias = ARCH_ALIASES[rawArch];
  if (Array.isArray(alias)) [architecture, variant] = [alias[0], variant ?? alias[1]];
  else if (alias) architecture = alias;
  if (!ARCHES.has(architecture)) throw fail(`unknown architecture "${rawArch}"`);
  if (variant !== undefined) {
    if (architecture === 'arm64') {
      if (variant !== 'v8') throw fail(`arm64 has no variant "${variant}"`);
      variant = undefined;
    } else if (architecture === 'arm') {
      if (!ARM_VARIANTS.has(variant)) throw fail(`unknown arm variant "${variant}"`);
    } else if (architecture === 'amd64') {
      if (!/^v[1-4]$/.test(variant)) throw fail(`unknown amd64 variant "${variant}"`);
      if (variant === 'v1') variant = undefined;
    } else throw fail(`${architecture} takes no variant`);
  } else if (architecture === 'arm') variant = 'v7';
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** A list of platforms, de-duplicated in order. */
export function parsePlatforms(values: readonly string[], input: string): Platform[] {
  const out: Platform[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    const p = parsePlatform(v, input);
    const key = formatPlatform(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** `linux-arm-v7`: for tags, file names and cache refs. */
export function platformSlug(p: Platform): string {
  return formatPlatform(p).replace(/\//g, '-');
}

const defaultVariant = (p: Platform) => p.variant ?? (p.architecture === 'arm64' ? 'v8' : undefined);

/**
 * Whether an image of platform `actual` serves `wanted`, as containerd's matcher decides:
 * `linux/arm64` matches `linux/arm64/v8`; a wanted variant must match, otherwise any variant does.
 */
export function platformMatches(wanted: Platform, actual: Platform): boolean {
  if (wanted.os !== actual.os || wanted.architecture !== actual.architecture) return false;
  return !wanted.variant || defaultVariant(wanted) === defaultVariant(actual);
}
