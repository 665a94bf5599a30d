import { CATALOGER_FILE_BYTES } from '@deliverkit/action-kit';
import { PackageURL } from 'packageurl-js';
import type { IndexedFile } from '../filesystem';
import { declareLicenses } from '../licenses';
import type { Package } from '../types';
import { distroQualifier } from './os-release';
import { type Cataloger, locationOf, packageId } from './cataloger';

const INSTALLED = ['/lib/apk/db/installed', '/usr/lib/apk/db/installed'];

interface ApkEntry {
  fields: Map<string, string>;
  line: number;
}

/** The apk installed db: blank-line separated records of `X:value` lines (P name, V version, L license, …). */
export function parseApkInstalled(text: string): ApkEntry[] {
  const entries: ApkEntry[] = [];
  let current: ApkEntry | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      if (current) entries.push(current);
      current = undefined;
      continue;
    }
    current ??= { fields: new Map(), line: i + 1 };
    if (line[1] !== ':') continue;
    const key = line[0]!;
    // File lists (F:, R:, a:, Z:) repeat per file; only the package-level fields are wanted.
    if (!current.fields.has(key)) current.fields.set(key, line.slice(2));
  }
  if (current) entries.push(current);
  return entries;
}

/** `so:libc.musl-x86_64.so.1`, `musl>=1.2`, `!conflict` → the name to resolve, or undefined. */
function dependencyName(token: string): string | undefined {
  if (token.startsWith('!')) return undefined;
  return token.split(/[<>=~]/)[0] || undefined;
}

export const apkCataloger: Cataloger = {
  name: 'apk',
  ecosystem: 'apk',
  selectors: [
    {
      name: 'apk-installed',
      selects: (path) => INSTALLED.includes(path),
      maxBytes: CATALOGER_FILE_BYTES['apk-installed']!,
    },
  ],
  catalog(ctx) {
    const namespace = ctx.distro?.id ?? 'alpine';
    const distro = distroQualifier(ctx.distro);
    const found: { pkg: Package; depends: string[]; provides: string[] }[] = [];
    for (const file of ctx.fs.list('apk-installed') as IndexedFile[]) {
      if (!file.content) continue;
      for (const entry of parseApkInstalled(file.content.toString('utf8'))) {
        const name = entry.fields.get('P');
        const version = entry.fields.get('V');
        if (!name || !version) {
          ctx.warn(`${file.path} line ${entry.line}: skipped an apk entry without ${name ? 'V:' : 'P:'}`);
          continue;
        }
        const arch = entry.fields.get('A');
        const qualifiers: Record<string, string> = {};
        if (arch) qualifiers.arch = arch;
        if (distro) qualifiers.distro = distro;
        const origin = entry.fields.get('o');
        if (origin && origin !== name) qualifiers.upstream = origin;
        const purl = new PackageURL('apk', namespace, name, version, qualifiers, undefined).toString();
        const properties: Record<string, string> = {};
        if (arch) properties['apk:architecture'] = arch;
        if (origin) properties['apk:origin'] = origin;
        found.push({
          pkg: {
            id: packageId('apk', name, purl, file.path),
            ecosystem: 'apk',
            name,
            version,
            purl,
            licenses: declareLicenses([entry.fields.get('L')]),
            location: locationOf(file),
            description: entry.fields.get('T'),
            homepage: entry.fields.get('U'),
            supplier: entry.fields.get('m'),
            dependsOn: [],
            properties,
          },
          depends: (entry.fields.get('D') ?? '').split(/\s+/).filter(Boolean),
          provides: (entry.fields.get('p') ?? '').split(/\s+/).filter(Boolean),
        });
      }
    }
    const byName = new Map<string, Package>();
    for (const f of found) byName.set(f.pkg.name, f.pkg);
    for (const f of found) {
      for (const p of f.provides) {
        const n = dependencyName(p);
        if (n && !byName.has(n)) byName.set(n, f.pkg);
      }
    }
    for (const f of found) {
      const deps = new Set<string>();
      for (const d of f.depends) {
        const n = dependencyName(d);
        const hit = n ? byName.get(n) : undefined;
        if (hit && hit !== f.pkg) deps.add(hit.id);
      }
      f.pkg.dependsOn = [...deps].sort();
    }
    return found.map((f) => f.pkg);
  },
};
