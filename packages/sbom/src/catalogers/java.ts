import { LimitError, type Limits, resolveLimits } from '@deliverkit/action-kit';
import { CATALOGER_FILE_BYTES } from '@deliverkit/action-kit';
import { inflateRawSync } from 'node:zlib';
import { PackageURL } from 'packageurl-js';
import { declareLicenses } from '../licenses';
import type { Package } from '../types';
import { type Cataloger, locationOf, packageId } from './cataloger';

// Java archives (jar, war, ear and Jenkins' jpi/hpi) are ZIP files. The ZIP reading is written here: a
// cataloger needs only the central directory and a few small entries of an archive that is already in
// memory, while the npm ZIP libraries (yauzl, adm-zip, jszip) are file-, callback- or whole-archive-based.
// Nested archives (Spring Boot's BOOT-INF/lib, a war's WEB-INF/lib, an ear's modules) are read the same way.

/**
 * What one top-level archive may cost, nested archives included (the archive-depth, archive-entries and
 * archive-unpacked-bytes limits): a zip bomb or a jar nested a thousand deep stops at a bound, and what was
 * left unread is reported as a warning naming the limit.
 */
export interface ArchiveBudget {
  limits: Limits;
  /** Bytes inflated so far from this archive and the archives in it. */
  inflated: number;
  warnings: string[];
}

export function archiveBudget(limits: Partial<Limits> = {}): ArchiveBudget {
  return { limits: resolveLimits(limits), inflated: 0, warnings: [] };
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The central directory of a ZIP held in memory (ZIP64 included); undefined when it is not a ZIP. */
export function zipEntries(buf: Buffer): ZipEntry[] | undefined {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  let count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if (
    (count === 0xffff || offset === 0xffffffff) &&
    eocd >= 20 &&
    buf.readUInt32LE(eocd - 20) === 0x07064b50
  ) {
    const zip64 = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    if (zip64 + 56 <= buf.length && buf.readUInt32LE(zip64) === 0x06064b50) {
      count = Number(buf.readBigUInt64LE(zip64 + 32));
      offset = Number(buf.readBigUInt64LE(zip64 + 48));
    }
  }
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50)
      return entries.length ? entries : undefined;
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      name: buf.toString('utf8', p + 46, p + 46 + nameLength),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    };
    // ZIP64 extended information: the 0xffffffff fields, in order, as 8-byte values.
    // The declared lengths are the archive's word: read only what lies inside both them and the buffer (a field
    // running past either leaves the value at 0xffffffff, which the budget then refuses).
    let x = p + 46 + nameLength;
    const extraEnd = Math.min(x + extraLength, buf.length);
    while (x + 4 <= extraEnd) {
      const id = buf.readUInt16LE(x);
      const length = buf.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        const fieldEnd = Math.min(q + length, extraEnd);
        const next = (v: number) => {
          if (q + 8 > fieldEnd) return v;
          const value = Number(buf.readBigUInt64LE(q));
          q += 8;
          return value;
        };
        if (entry.size === 0xffffffff) entry.size = next(entry.size);
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = next(entry.compressedSize);
        if (entry.localOffset === 0xffffffff) entry.localOffset = next(entry.localOffset);
      }
      x += 4 + length;
    }
    entries.push(entry);
    p = p + 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * One entry's bytes: stored or deflated; anything else is refused. Inflating counts against the budget's
 * archive-unpacked-bytes, and never produces more than the entry declares.
 */
export function readZipEntry(
  buf: Buffer,
  entry: ZipEntry,
  budget: ArchiveBudget = archiveBudget(),
  archivePath = 'archive',
): Buffer {
  const p = entry.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== 0x04034b50)
    throw new Error(`${entry.name}: no local header`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) {
    const max = budget.limits['archive-unpacked-bytes'];
    if (budget.inflated + entry.size > max) {
      throw new LimitError(
        'archive-unpacked-bytes',
        max,
        `${archivePath}!/${entry.name}`,
        `${budget.inflated + entry.size} bytes inflated`,
      );
    }
    const out = inflateRawSync(data, { maxOutputLength: Math.max(entry.size, 1) });
    budget.inflated += out.length;
    return out;
  }
  throw new Error(`${entry.name}: compression method ${entry.method} is not supported`);
}

type JavaExtract = { artifacts: JavaArtifact[]; warnings: string[] } | { error: string };

/** What one archive says about itself and what it bundles. */
export interface JavaArtifact {
  /** `app.jar` or `app.jar!/BOOT-INF/lib/x.jar`, relative to the archive in the image. */
  archivePath: string;
  groupId?: string;
  artifactId: string;
  version: string;
  /** Where the coordinates came from. */
  source: 'pom.properties' | 'MANIFEST.MF' | 'file name';
  licenses: string[];
  description?: string;
  homepage?: string;
}

/** `Key: value` lines of a JAR manifest's main section (72-byte lines continue with a leading space). */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the main section ends at the first blank line
    if (line.startsWith(' ') && last) {
      out.set(last, `${out.get(last)}${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}

function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m) out.set(m[1] as string, (m[2] as string).trim());
  }
  return out;
}

/** `commons-lang3-3.14.0.jar` → name and version; the version starts at the first `-<digit>`. */
function fromFileName(path: string): { name: string; version: string } | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.(?:jar|war|ear|jpi|hpi)$/, '');
  const m = /^(.+?)-(\d[^/]*)$/.exec(base);
  return m ? { name: m[1] as string, version: m[2] as string } : undefined;
}

/**
 * The artifacts of an archive and of the archives nested in it: each `META-INF/maven/<g>/<a>/pom.properties`
 * (a shaded jar has several); else the manifest's Implementation-/Bundle- headers; else the file name.
 */
export function readJavaArchive(
  buf: Buffer,
  archivePath: string,
  depth = 0,
  budget: ArchiveBudget = archiveBudget(),
): JavaArtifact[] {
  const entries = zipEntries(buf);
  if (!entries) throw new Error(`${archivePath} is not a ZIP archive`);
  const maxEntries = budget.limits['archive-entries'];
  if (entries.length > maxEntries) {
    throw new LimitError('archive-entries', maxEntries, archivePath, `${entries.length} zip entries`);
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  const text = (e: ZipEntry) => readZipEntry(buf, e, budget, archivePath).toString('utf8');
  const manifestEntry = byName.get('META-INF/MANIFEST.MF');
  const manifest = manifestEntry ? parseManifest(text(manifestEntry)) : new Map<string, string>();
  const licenses = (manifest.get('Bundle-License') ?? '')
    .split(/,(?![^;]*")/)
    .map((l) => l.split(';')[0]!.trim())
    .filter(Boolean);
  const description = manifest.get('Bundle-Description');
  const homepage = manifest.get('Bundle-DocURL');
  const extra = { licenses, ...(description ? { description } : {}), ...(homepage ? { homepage } : {}) };
  const out: JavaArtifact[] = [];
  for (const e of entries) {
    if (!/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(e.name)) continue;
    const props = parseProperties(text(e));
    const artifactId = props.get('artifactId');
    const version = props.get('version');
    if (!artifactId || !version) continue;
    out.push({
      archivePath,
      groupId: props.get('groupId'),
      artifactId,
      version,
      source: 'pom.properties',
      ...extra,
    });
  }
  if (out.length === 0) {
    const named = fromFileName(archivePath);
    const title =
      manifest.get('Bundle-SymbolicName')?.split(';')[0]?.trim() ??
      manifest.get('Implementation-Title') ??
      named?.name;
    const version =
      manifest.get('Bundle-Version') ?? manifest.get('Implementation-Version') ?? named?.version;
    if (title && version) {
      const fromManifest = manifest.has('Bundle-Version') || manifest.has('Implementation-Version');
      out.push({
        archivePath,
        ...(manifest.get('Implementation-Vendor-Id')
          ? { groupId: manifest.get('Implementation-Vendor-Id') }
          : {}),
        artifactId: title,
        version,
        source: fromManifest ? 'MANIFEST.MF' : 'file name',
        ...extra,
      });
    }
  }
  const nested = entries.filter((e) => /\.(?:jar|war|ear)$/.test(e.name) && !e.name.endsWith('/'));
  if (depth >= budget.limits['archive-depth']) {
    if (nested.length > 0) {
      budget.warnings.push(
        new LimitError(
          'archive-depth',
          budget.limits['archive-depth'],
          archivePath,
          `${nested.length} nested archives not opened`,
        ).message,
      );
    }
    return out;
  }
  for (const e of nested) {
    const inner = `${archivePath}!/${e.name}`;
    try {
      out.push(...readJavaArchive(readZipEntry(buf, e, budget, archivePath), inner, depth + 1, budget));
    } catch (error) {
      // A bound reached is reported; a nested file named .jar that is not an archive has nothing to list.
      if (error instanceof LimitError) {
        budget.warnings.push(error.message);
        if (error.limit === 'archive-unpacked-bytes') break;
      }
    }
  }
  return out;
}

/**
 * `pkg:maven/<groupId>/<artifactId>@<version>`. Without a groupId (an archive with no pom.properties) the
 * coordinates are not guessed — a wrong groupId would match another project's advisories — and the purl is
 * `pkg:generic/<name>@<version>`.
 */
export function mavenPurl(a: Pick<JavaArtifact, 'groupId' | 'artifactId' | 'version'>): string {
  if (!a.groupId) return new PackageURL('generic', null, a.artifactId, a.version, null, null).toString();
  return new PackageURL('maven', a.groupId, a.artifactId, a.version, null, null).toString();
}

export const javaCataloger: Cataloger = {
  name: 'java',
  ecosystem: 'maven',
  selectors: [
    {
      name: 'java-archive',
      selects: (path, entry) => entry.type === 'file' && /\.(?:jar|war|ear|jpi|hpi)$/.test(path),
      maxBytes: CATALOGER_FILE_BYTES['java-archive']!,
      magic: Uint8Array.from([0x50, 0x4b]),
      // Reduced to its artifacts while the layer streams: the archive itself is never kept.
      extract: (content, path, limits): JavaExtract => {
        const budget = archiveBudget(limits);
        try {
          const artifacts = readJavaArchive(content, path.slice(path.lastIndexOf('/') + 1), 0, budget);
          return { artifacts, warnings: budget.warnings };
        } catch (error) {
          return { error: (error as Error).message };
        }
      },
    },
  ],
  catalog(ctx) {
    const packages: Package[] = [];
    for (const file of ctx.fs.list('java-archive')) {
      const found = file.extracted.get('java-archive') as JavaExtract | undefined;
      if (!found) continue;
      if ('error' in found) {
        ctx.warn(`${file.path}: not read as a Java archive (${found.error})`);
        continue;
      }
      for (const w of found.warnings) ctx.warn(`${file.path}: ${w}`);
      const seen = new Set<string>();
      for (const a of found.artifacts) {
        const purl = mavenPurl(a);
        const inner = a.archivePath.includes('!/') ? a.archivePath.slice(a.archivePath.indexOf('!/')) : '';
        const where = `${file.path}${inner}`;
        if (seen.has(`${purl}\0${where}`)) continue;
        seen.add(`${purl}\0${where}`);
        const name = a.groupId ? `${a.groupId}:${a.artifactId}` : a.artifactId;
        packages.push({
          id: packageId('maven', name, purl, where),
          ecosystem: 'maven',
          name,
          version: a.version,
          purl,
          licenses: declareLicenses(a.licenses),
          location: { ...locationOf(file), path: where },
          ...(a.description ? { description: a.description } : {}),
          ...(a.homepage ? { homepage: a.homepage } : {}),
          dependsOn: [],
          properties: { 'java:archive': where, 'java:source': a.source },
        });
      }
    }
    return packages;
  },
};
