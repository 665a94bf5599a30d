import { CATALOGER_FILE_BYTES } from '@deliverkit/action-kit';
import { posix } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { declareLicenses } from '../licenses';
import type { Package } from '../types';
import { type Cataloger, locationOf, packageId, parseParagraphs } from './cataloger';

const METADATA = /\/[^/]+\.dist-info\/METADATA$/;
const PKG_INFO = /\/[^/]+\.egg-info\/PKG-INFO$/;
const EGG_INFO_FILE = /\/[^/]+\.egg-info$/;

/** PEP 503 normalisation, used to match Requires-Dist names to installed distributions. */
export const normalisePythonName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * The license of a distribution, most specific first: PEP 639 `License-Expression`, then a short
 * `License` field (long ones are whole license texts pasted in), then license classifiers.
 */
function licenseValues(fields: Map<string, string>, classifiers: string[]): string[] {
  const expression = fields.get('License-Expression');
  if (expression) return [expression];
  const license = fields.get('License')?.trim();
  if (license && !license.includes('\n') && license.length <= 80 && license.toUpperCase() !== 'UNKNOWN') {
    return [license];
  }
  return classifiers.filter((c) => c.startsWith('License ::') && c !== 'License :: OSI Approved');
}

export const pythonCataloger: Cataloger = {
  name: 'python',
  ecosystem: 'pypi',
  selectors: [
    {
      name: 'python-metadata',
      selects: (path, entry) =>
        METADATA.test(path) || PKG_INFO.test(path) || (entry.type === 'file' && EGG_INFO_FILE.test(path)),
      maxBytes: CATALOGER_FILE_BYTES['python-metadata']!,
    },
  ],
  catalog(ctx) {
    const found: { pkg: Package; requires: string[]; siteDir: string }[] = [];
    for (const file of ctx.fs.list('python-metadata')) {
      if (!file.content) continue;
      // Core metadata is an email header block; the body (long description) follows the first blank line.
      const header = parseParagraphs(file.content.toString('utf8'), { stopAtFirstBlank: true })[0];
      const name = header?.fields.get('Name');
      const version = header?.fields.get('Version');
      if (!header || !name || !version) {
        ctx.warn(`${file.path}: skipped Python metadata without ${name ? 'Version' : 'Name'}`);
        continue;
      }
      const purl = new PackageURL('pypi', undefined, name, version, undefined, undefined).toString();
      const requires = (header.all.get('Requires-Dist') ?? [])
        .filter((r) => !/extra\s*==/.test(r))
        .map((r) => normalisePythonName(r.split(/[\s;(<>=!~[]/)[0]!))
        .filter(Boolean);
      const distDir = file.path.endsWith('.egg-info') ? file.path : posix.dirname(file.path);
      found.push({
        siteDir: posix.dirname(distDir),
        requires,
        pkg: {
          id: packageId('pypi', name, purl, file.path),
          ecosystem: 'pypi',
          name,
          version,
          purl,
          licenses: declareLicenses(licenseValues(header.fields, header.all.get('Classifier') ?? [])),
          location: locationOf(file),
          description: header.fields.get('Summary'),
          homepage: header.fields.get('Home-page'),
          supplier: header.fields.get('Author') ?? header.fields.get('Author-email'),
          dependsOn: [],
          properties: {},
        },
      });
    }
    // Requires-Dist resolves within the same site-packages directory, as the import system would.
    const bySite = new Map<string, Package>();
    for (const f of found) bySite.set(`${f.siteDir}\0${normalisePythonName(f.pkg.name)}`, f.pkg);
    for (const f of found) {
      const deps = new Set<string>();
      for (const r of f.requires) {
        const hit = bySite.get(`${f.siteDir}\0${r}`);
        if (hit && hit !== f.pkg) deps.add(hit.id);
      }
      f.pkg.dependsOn = [...deps].sort();
    }
    return found.map((f) => f.pkg);
  },
};
