import { CATALOGER_FILE_BYTES } from '@deliverkit/action-kit';
import { PackageURL } from 'packageurl-js';
import type { IndexedFile } from '../filesystem';
import { declareLicenses } from '../licenses';
import type { LicenseDeclaration, Package } from '../types';
import { distroQualifier } from './os-release';
import { type CatalogContext, type Cataloger, locationOf, packageId, parseParagraphs } from './cataloger';

const STATUS = '/var/lib/dpkg/status';
const STATUS_D = /^\/var\/lib\/dpkg\/status\.d\/[^/]+$/;
const COPYRIGHT = /^\/usr\/share\/doc\/([^/]+)\/copyright$/;

/** dpkg states whose files are on disk; `config-files` and `not-installed` entries are history only. */
const PRESENT_STATES = new Set([
  'installed',
  'half-configured',
  'unpacked',
  'triggers-awaited',
  'triggers-pending',
]);

interface DebEntry {
  name: string;
  version: string;
  arch?: string;
  source?: string;
  sourceVersion?: string;
  maintainer?: string;
  homepage?: string;
  description?: string;
  depends: string[][];
  provides: string[];
  file: IndexedFile;
}

/**
 * Licenses from /usr/share/doc/<pkg>/copyright. Machine-readable files (DEP-5) name them in
 * `License:` fields; older free-form files usually point at /usr/share/common-licenses/<name>.
 */
export function parseDebianCopyright(text: string): string[] {
  const names: string[] = [];
  const paragraphs = parseParagraphs(text);
  const machineReadable = /copyright-format/i.test(paragraphs[0]?.fields.get('Format') ?? '');
  if (machineReadable) {
    for (const p of paragraphs) {
      const license = p.fields.get('License');
      if (!license) continue;
      const first = license.split('\n')[0]!.trim();
      if (first) names.push(first);
    }
  } else {
    for (const m of text.matchAll(
      /\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+-]*[A-Za-z0-9+])/g,
    )) {
      names.push(m[1]!);
    }
  }
  return [...new Set(names)];
}

function parseRelations(value: string | undefined): string[][] {
  if (!value) return [];
  return value
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alt) => alt.trim().split(/[\s(:[]/)[0]!)
        .filter(Boolean),
    )
    .filter((g) => g.length > 0);
}

function entriesFrom(file: IndexedFile, ctx: CatalogContext, requireStatus: boolean): DebEntry[] {
  const out: DebEntry[] = [];
  for (const p of parseParagraphs(file.content!.toString('utf8'))) {
    const name = p.fields.get('Package');
    const label = `${file.path} line ${p.line}${name ? ` (${name})` : ''}`;
    if (p.errors.length > 0) {
      ctx.warn(`${label}: skipped a corrupt dpkg entry: ${p.errors[0]}`);
      continue;
    }
    const version = p.fields.get('Version');
    if (!name || !version) {
      ctx.warn(`${label}: skipped a dpkg entry without ${name ? 'Version' : 'Package'}`);
      continue;
    }
    const status = p.fields.get('Status');
    if (status !== undefined || requireStatus) {
      const state = status?.split(/\s+/)[2];
      if (!state || !PRESENT_STATES.has(state)) continue;
    }
    const source = /^(\S+)(?:\s+\((.+)\))?$/.exec(p.fields.get('Source') ?? '');
    out.push({
      name,
      version,
      arch: p.fields.get('Architecture'),
      source: source?.[1],
      sourceVersion: source?.[2],
      maintainer: p.fields.get('Maintainer'),
      homepage: p.fields.get('Homepage'),
      description: p.fields.get('Description')?.split('\n')[0],
      depends: [...parseRelations(p.fields.get('Pre-Depends')), ...parseRelations(p.fields.get('Depends'))],
      provides: parseRelations(p.fields.get('Provides')).map((g) => g[0]!),
      file,
    });
  }
  return out;
}

export const dpkgCataloger: Cataloger = {
  name: 'dpkg',
  ecosystem: 'deb',
  selectors: [
    {
      name: 'dpkg-status',
      // distroless also writes <pkg>.md5sums beside each entry in status.d.
      selects: (path) => path === STATUS || (STATUS_D.test(path) && !path.endsWith('.md5sums')),
      maxBytes: CATALOGER_FILE_BYTES['dpkg-status']!,
    },
    {
      name: 'dpkg-copyright',
      selects: (path) => COPYRIGHT.test(path),
      maxBytes: CATALOGER_FILE_BYTES['dpkg-copyright']!,
    },
  ],
  catalog(ctx) {
    const entries = ctx.fs
      .list('dpkg-status')
      .filter((f) => f.type === 'file' && f.content)
      .flatMap((f) => entriesFrom(f, ctx, f.path === STATUS));
    const distro = ctx.distro;
    const namespace = distro?.id ?? 'debian';
    const qualifierDistro = distroQualifier(distro);

    const licensesOf = (entry: DebEntry): LicenseDeclaration[] => {
      const candidates = [entry.name, entry.source].filter((n): n is string => !!n);
      for (const n of candidates) {
        const file = ctx.fs.resolve(`/usr/share/doc/${n}/copyright`);
        if (file?.content) return declareLicenses(parseDebianCopyright(file.content.toString('utf8')));
      }
      return [];
    };

    const packages = entries.map((e): Package => {
      const qualifiers: Record<string, string> = {};
      if (e.arch) qualifiers.arch = e.arch;
      if (qualifierDistro) qualifiers.distro = qualifierDistro;
      // A binNMU (`Source: bash (5.2.15-2)` for bash 5.2.15-2+b8) is built from a source version other than its
      // own: name that version even when the source is named like the package, as Debian's security tracker
      // (and syft) key on the source version.
      const rebuilt = e.sourceVersion !== undefined && e.sourceVersion !== e.version;
      if (e.source && (e.source !== e.name || rebuilt)) {
        qualifiers.upstream = rebuilt ? `${e.source}@${e.sourceVersion}` : e.source;
      }
      const purl = new PackageURL('deb', namespace, e.name, e.version, qualifiers, undefined).toString();
      const properties: Record<string, string> = {};
      if (e.arch) properties['deb:architecture'] = e.arch;
      if (e.source) properties['deb:source'] = e.source;
      return {
        id: packageId('deb', e.name, purl, e.file.path),
        ecosystem: 'deb',
        name: e.name,
        version: e.version,
        purl,
        licenses: licensesOf(e),
        location: locationOf(e.file),
        description: e.description,
        homepage: e.homepage,
        supplier: e.maintainer,
        dependsOn: [],
        properties,
      };
    });

    // Depends/Pre-Depends → edges to the installed package satisfying each group (by name or Provides).
    const byName = new Map<string, Package>();
    for (const [i, e] of entries.entries()) byName.set(e.name, packages[i]!);
    for (const [i, e] of entries.entries()) {
      for (const p of e.provides) if (!byName.has(p)) byName.set(p, packages[i]!);
    }
    for (const [i, e] of entries.entries()) {
      const deps = new Set<string>();
      for (const group of e.depends) {
        const hit = group.map((n) => byName.get(n)).find((p) => p !== undefined);
        if (hit && hit !== packages[i]) deps.add(hit.id);
      }
      packages[i]!.dependsOn = [...deps].sort();
    }
    return packages;
  },
};
