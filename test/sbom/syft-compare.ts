import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Ecosystem, type Package } from '../../packages/sbom/src/types';
import { syftEnvironment } from '../../packages/sbom/src/syft';
import { repoRoot } from '@deliverkit/testing-testbed';
import { requireFromSbom } from './helpers';

interface ParsedPurl {
  type: string;
  namespace?: string | null;
  name: string;
  version?: string | null;
  qualifiers?: Record<string, string> | null;
  subpath?: string | null;
}
const { PackageURL } = requireFromSbom('packageurl-js') as {
  PackageURL: { fromString(purl: string): ParsedPurl };
};

/** syft's package types for the ecosystems the native engine catalogues. */
export const SYFT_TYPES: Record<string, Ecosystem> = {
  deb: 'deb',
  apk: 'apk',
  rpm: 'rpm',
  npm: 'npm',
  python: 'pypi',
  'go-module': 'golang',
  'java-archive': 'maven',
};

/** One package as either tool reports it, reduced to what the comparison judges. */
export interface ComparedPackage {
  /** The purl with every component percent-decoded and qualifiers sorted: equal purls, equal keys. */
  key: string;
  /** The key without qualifiers, or `syft-type:name@version` when there is no purl: what table rows match. */
  label: string;
  name: string;
  version: string;
  /** Our ecosystem (syft's type mapped through SYFT_TYPES), or syft's own type when it is not one of ours. */
  type: string;
  path?: string;
}

/**
 * Both tools write valid purls that differ in text only: syft (packageurl-go) percent-encodes `+` and `:` in
 * versions, packageurl-js leaves them. Parsing decodes every component, so the key compares meaning.
 */
function purlKeys(purl: string): { key: string; label: string } {
  const p = PackageURL.fromString(purl);
  const label = `pkg:${p.type}/${p.namespace ? `${p.namespace}/` : ''}${p.name}${p.version ? `@${p.version}` : ''}`;
  const qualifiers = Object.entries(p.qualifiers ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return { key: `${label}${qualifiers ? `?${qualifiers}` : ''}${p.subpath ? `#${p.subpath}` : ''}`, label };
}

export function fromOurs(packages: readonly Package[]): ComparedPackage[] {
  return packages.map((p) => ({
    ...purlKeys(p.purl),
    name: p.name,
    version: p.version,
    type: p.ecosystem,
    path: p.location.path,
  }));
}

interface SyftArtifact {
  name: string;
  version: string;
  type: string;
  purl?: string;
  locations?: { path: string }[];
}

/** The artifacts of a `syft -o syft-json` document. */
export function fromSyftJson(document: { artifacts: SyftArtifact[] }): ComparedPackage[] {
  return document.artifacts.map((a) => {
    const keys = a.purl
      ? purlKeys(a.purl)
      : { key: `${a.type}:${a.name}@${a.version}`, label: `${a.type}:${a.name}@${a.version}` };
    return {
      ...keys,
      name: a.name,
      version: a.version,
      type: SYFT_TYPES[a.type] ?? a.type,
      path: a.locations?.[0]?.path,
    };
  });
}

interface CycloneDxComponent {
  type?: string;
  group?: string;
  name: string;
  version?: string;
  purl?: string;
  properties?: { name: string; value: string }[];
}

/**
 * A CycloneDX document's components (the benchmark times both tools writing SPDX + CycloneDX and compares their
 * CycloneDX). The name is put back together from `group`: `groupId:artifactId` for Maven, `@scope/name` for npm.
 */
function fromCycloneDx(
  document: { components?: CycloneDxComponent[] },
  typeOf: (c: CycloneDxComponent, purlType: string | undefined) => string,
): ComparedPackage[] {
  // syft's CycloneDX also lists the files it read as `file` components: files, not packages.
  return (document.components ?? [])
    .filter((c) => c.type !== 'file')
    .map((c) => {
      const purlType = c.purl ? /^pkg:([^/]+)\//.exec(c.purl)?.[1] : undefined;
      const type = typeOf(c, purlType);
      const name = c.group ? `${c.group}${purlType === 'maven' ? ':' : '/'}${c.name}` : c.name;
      const version = c.version ?? '';
      const keys = c.purl
        ? purlKeys(c.purl)
        : { key: `${type}:${name}@${version}`, label: `${type}:${name}@${version}` };
      return { ...keys, name, version, type };
    });
}

/** Our CycloneDX: every component's ecosystem is its purl type. */
export const fromOurCycloneDx = (document: { components?: CycloneDxComponent[] }) =>
  fromCycloneDx(document, (_, purlType) => purlType ?? 'unknown');

/** syft's CycloneDX: its package type is the `syft:package:type` property. */
export const fromSyftCycloneDx = (document: { components?: CycloneDxComponent[] }) =>
  fromCycloneDx(document, (c) => {
    const type = c.properties?.find((p) => p.name === 'syft:package:type')?.value ?? 'unknown';
    return SYFT_TYPES[type] ?? type;
  });

export interface Difference {
  /** `only syft`, `only ours`, `repeated by syft|ours`, or `name|version|type: OURS vs SYFT`. */
  difference: string;
  label: string;
  key: string;
  detail: string;
}

export interface Comparison {
  differences: Difference[];
  /** Distinct syft purls of the ecosystems we catalogue, and how many of them we also report. */
  syftPurlsOfOurTypes: number;
  matchedPurlsOfOurTypes: number;
  /** Distinct keys per side. */
  ours: number;
  syft: number;
}

function groupByKey(packages: readonly ComparedPackage[]): Map<string, ComparedPackage[]> {
  const groups = new Map<string, ComparedPackage[]>();
  for (const p of packages) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
  return groups;
}

/** Package sets compared by purl, then name, version and type of the packages both report, then counts. */
export function compareWithSyft(
  ours: readonly ComparedPackage[],
  syft: readonly ComparedPackage[],
): Comparison {
  const ourGroups = groupByKey(ours);
  const syftGroups = groupByKey(syft);
  const differences: Difference[] = [];
  const where = (ps: ComparedPackage[]) => [...new Set(ps.map((p) => p.path ?? '?'))].join(', ');
  for (const [key, s] of syftGroups) {
    const o = ourGroups.get(key);
    const first = s[0]!;
    if (!o) {
      differences.push({ difference: 'only syft', key, label: first.label, detail: where(s) });
      continue;
    }
    const mine = o[0]!;
    for (const field of ['name', 'version', 'type'] as const) {
      if (mine[field] !== first[field]) {
        differences.push({
          difference: `${field}: ${mine[field]} vs ${first[field]}`,
          key,
          label: first.label,
          detail: where(o),
        });
      }
    }
    if (s.length !== o.length) {
      differences.push({
        difference: s.length > o.length ? 'repeated by syft' : 'repeated by ours',
        key,
        label: first.label,
        detail: `ours ${o.length} (${where(o)}), syft ${s.length} (${where(s)})`,
      });
    }
  }
  for (const [key, o] of ourGroups) {
    if (!syftGroups.has(key)) {
      differences.push({ difference: 'only ours', key, label: o[0]!.label, detail: where(o) });
    }
  }
  const ourTypes = new Set<string>(Object.values(SYFT_TYPES));
  const syftOfOurTypes = [...syftGroups].filter(([, s]) => ourTypes.has(s[0]!.type));
  return {
    differences: differences.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    syftPurlsOfOurTypes: syftOfOurTypes.length,
    matchedPurlsOfOurTypes: syftOfOurTypes.filter(([k]) => ourGroups.has(k)).length,
    ours: ourGroups.size,
    syft: syftGroups.size,
  };
}

export interface DifferenceRow {
  difference: string;
  packages: string;
  reason: string;
}

export const SBOM_README = path.join(repoRoot, 'actions', 'sbom', 'README.md');

/**
 * The "Differences from syft" table of the action's README: the one list of known differences, read by the
 * peer test (and the benchmark) so the documentation cannot drift from what is checked.
 */
export async function readDifferencesTable(readme = SBOM_README): Promise<DifferenceRow[]> {
  const text = await readFile(readme, 'utf8');
  const section = /^## Differences from syft\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1];
  if (!section) throw new Error(`${readme} has no "## Differences from syft" section`);
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const [header, rule, ...rows] = lines;
  if (header?.replace(/\s/g, '') !== '|difference|packages|reason|' || !rule?.includes('---')) {
    throw new Error(
      `${readme}: the differences table must have the columns | difference | packages | reason |`,
    );
  }
  return rows.map((line, i) => {
    const cells = line
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim());
    const packages = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (cells.length !== 3 || !cells[0] || !packages || !cells[2]) {
      throw new Error(`${readme}: differences row ${i + 1} is not | difference | \`packages\` | reason |`);
    }
    return { difference: cells[0], packages, reason: cells[2] };
  });
}

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

export function rowMatches(row: DifferenceRow, d: Difference): boolean {
  return glob(row.difference).test(d.difference) && glob(row.packages).test(d.label);
}

/** Differences no row explains. */
export function unexplained(
  differences: readonly Difference[],
  rows: readonly DifferenceRow[],
): Difference[] {
  return differences.filter((d) => !rows.some((r) => rowMatches(r, d)));
}

export const describeDifference = (d: Difference) => `${d.difference}: ${d.key} (${d.detail})`;

/**
 * The environment syft runs in for the peer test and the benchmark: the action's own syft settings (plain HTTP to
 * the loopback registry, no update check) and a private HOME, cache and temp dir, so nothing of the machine's user
 * (Docker config, syft config, cached images) takes part and its layer downloads land in `dir`.
 */
export function peerSyftEnvironment(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    TMPDIR: dir,
    XDG_CONFIG_HOME: path.join(dir, '.config'),
    XDG_CACHE_HOME: path.join(dir, '.cache'),
    ...syftEnvironment({ insecure: true }),
  };
}
