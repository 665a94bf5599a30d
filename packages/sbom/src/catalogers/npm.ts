import { CATALOGER_FILE_BYTES } from '@deliverkit/action-kit';
import { posix } from 'node:path';
import { PackageURL } from 'packageurl-js';
import type { IndexedFile } from '../filesystem';
import { declareLicenses } from '../licenses';
import type { Package } from '../types';
import { type CatalogContext, type Cataloger, locationOf, packageId } from './cataloger';

const INSTALLED = /\/node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;

interface PackageJson {
  name?: unknown;
  version?: unknown;
  license?: unknown;
  licenses?: unknown;
  description?: unknown;
  homepage?: unknown;
  author?: unknown;
  dependencies?: unknown;
  optionalDependencies?: unknown;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** `license: "MIT"`, legacy `license: {type}` and `licenses: [{type}]`. */
function licenseStrings(json: PackageJson): string[] {
  const out: string[] = [];
  const one = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') {
      out.push((v as { type: string }).type);
    }
  };
  one(json.license);
  if (Array.isArray(json.licenses)) json.licenses.forEach(one);
  return out;
}

function authorOf(json: PackageJson): string | undefined {
  if (typeof json.author === 'string') return str(json.author);
  if (json.author && typeof json.author === 'object') return str((json.author as { name?: unknown }).name);
  return undefined;
}

function dependencyNames(json: PackageJson): string[] {
  const names = new Set<string>();
  for (const deps of [json.dependencies, json.optionalDependencies]) {
    if (deps && typeof deps === 'object') for (const n of Object.keys(deps)) names.add(n);
  }
  return [...names].sort();
}

function parseJson(file: IndexedFile, ctx: CatalogContext): PackageJson | undefined {
  try {
    const value: unknown = JSON.parse(file.content!.toString('utf8'));
    return value && typeof value === 'object' ? (value as PackageJson) : undefined;
  } catch (e) {
    ctx.warn(`${file.path}: skipped, not valid JSON (${(e as Error).message})`);
    return undefined;
  }
}

/** The directory a package lives in → the directory Node's resolver searches from (its own). */
function resolveDependency(
  fromDir: string,
  name: string,
  installed: Map<string, Package>,
): Package | undefined {
  for (let dir = fromDir; ; dir = posix.dirname(dir)) {
    if (posix.basename(dir) !== 'node_modules') {
      const hit = installed.get(posix.join(dir, 'node_modules', name, 'package.json'));
      if (hit) return hit;
    }
    if (dir === '/') return undefined;
  }
}

/**
 * Installed packages from node_modules/<name>/package.json (any depth, scoped or not), and each
 * application's own package.json (outside node_modules) as a package whose dependencies point at
 * what Node would resolve. A package-lock.json beside an app adds `resolved`/`integrity`.
 */
export const npmCataloger: Cataloger = {
  name: 'npm',
  ecosystem: 'npm',
  selectors: [
    {
      name: 'npm-installed',
      selects: (path) => INSTALLED.test(path),
      maxBytes: CATALOGER_FILE_BYTES['npm-installed']!,
    },
    {
      name: 'npm-app',
      selects: (path) =>
        (path.endsWith('/package.json') || path.endsWith('/package-lock.json')) &&
        !path.includes('/node_modules/') &&
        // Distro-owned JS assets (e.g. /usr/share/javascript) are not applications.
        !path.startsWith('/usr/share/') &&
        !path.startsWith('/proc/') &&
        !path.startsWith('/sys/'),
      maxBytes: CATALOGER_FILE_BYTES['npm-app']!,
    },
  ],
  catalog(ctx) {
    const lockEntries = new Map<string, LockEntry>();
    const apps: { file: IndexedFile; json: PackageJson }[] = [];
    const appLocks = new Map<string, { name?: string; version?: string; file: IndexedFile }>();
    for (const file of ctx.fs.list('npm-app')) {
      if (!file.content) continue;
      const json = parseJson(file, ctx);
      if (!json) continue;
      const dir = posix.dirname(file.path);
      if (file.path.endsWith('/package-lock.json')) {
        const lock = json as { name?: unknown; version?: unknown; packages?: Record<string, LockEntry> };
        appLocks.set(dir, { name: str(lock.name), version: str(lock.version), file });
        for (const [rel, entry] of Object.entries(lock.packages ?? {})) {
          if (rel) lockEntries.set(posix.join(dir, rel, 'package.json'), entry);
        }
      } else if (str(json.name)) {
        apps.push({ file, json });
      }
    }

    const installed = new Map<string, Package>();
    const dependencyNamesOf = new Map<Package, string[]>();
    const make = (file: IndexedFile, json: PackageJson, app: boolean): Package | undefined => {
      const name = str(json.name);
      const version =
        str(json.version) ?? (app ? appLocks.get(posix.dirname(file.path))?.version : undefined);
      if (!name || !version) {
        if (!app) ctx.warn(`${file.path}: skipped an npm package.json without ${name ? 'version' : 'name'}`);
        return undefined;
      }
      const at = name.startsWith('@') ? name.indexOf('/') : -1;
      let purl: string;
      try {
        purl = new PackageURL(
          'npm',
          at > 0 ? name.slice(0, at) : undefined,
          at > 0 ? name.slice(at + 1) : name,
          version,
          undefined,
          undefined,
        ).toString();
      } catch (e) {
        // A name no registry would accept (`@/`, found by the property tests, #19): one package skipped, not the SBOM.
        ctx.warn(
          `${file.path}: skipped an npm package.json whose name is not a package name (${(e as Error).message})`,
        );
        return undefined;
      }
      const lock = lockEntries.get(file.path);
      const properties: Record<string, string> = {};
      if (app) properties['npm:application'] = 'true';
      if (lock?.resolved) properties['npm:resolved'] = lock.resolved;
      if (lock?.integrity) properties['npm:integrity'] = lock.integrity;
      const homepage = str(json.homepage);
      const pkg: Package = {
        id: packageId('npm', name, purl, file.path),
        ecosystem: 'npm',
        name,
        version,
        purl,
        licenses: declareLicenses(licenseStrings(json).length ? licenseStrings(json) : [lock?.license]),
        location: locationOf(file),
        description: str(json.description),
        homepage,
        supplier: authorOf(json),
        dependsOn: [],
        properties,
      };
      dependencyNamesOf.set(pkg, dependencyNames(json));
      return pkg;
    };

    const packages: Package[] = [];
    for (const file of ctx.fs.list('npm-installed')) {
      if (!file.content) continue;
      const json = parseJson(file, ctx);
      const pkg = json && make(file, json, false);
      if (!pkg) continue;
      installed.set(file.path, pkg);
      packages.push(pkg);
    }
    for (const { file, json } of apps) {
      const pkg = make(file, json, true);
      if (pkg) packages.push(pkg);
    }
    for (const pkg of packages) {
      const deps = new Set<string>();
      for (const name of dependencyNamesOf.get(pkg) ?? []) {
        const hit = resolveDependency(posix.dirname(pkg.location.path), name, installed);
        if (hit && hit !== pkg) deps.add(hit.id);
      }
      pkg.dependsOn = [...deps].sort();
    }
    return packages;
  },
};
