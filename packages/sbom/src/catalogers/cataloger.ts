import { createHash } from 'node:crypto';
import type { FileSelector, ImageFilesystem, IndexedFile } from '../filesystem';
import type { Distro, Ecosystem, Location, Package } from '../types';

export interface CatalogContext {
  fs: ImageFilesystem;
  distro?: Distro;
  /** Records a problem with one file or package; the SBOM is still produced. */
  warn(message: string): void;
}

/** One ecosystem: which files it needs from the image, and how it turns them into packages. */
export interface Cataloger {
  name: string;
  ecosystem: Ecosystem;
  selectors: FileSelector[];
  catalog(ctx: CatalogContext): Package[];
}

export function locationOf(file: IndexedFile): Location {
  return { path: file.path, layerDigest: file.layerDigest };
}

/**
 * A stable id, unique within one catalog, usable as a CycloneDX bom-ref and (after the writer's
 * prefix) an SPDX id: ecosystem, a readable name part, and a hash of purl and location.
 */
export function packageId(ecosystem: Ecosystem, name: string, purl: string, path: string): string {
  const hash = createHash('sha256').update(`${purl}\0${path}`).digest('hex').slice(0, 12);
  const readable = name
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${ecosystem}-${readable || 'package'}-${hash}`;
}

/**
 * Splits RFC 822-style text (dpkg status, apk-free Debian control, Python METADATA headers) into
 * paragraphs of fields. A continuation line (leading space or tab) extends the previous field.
 * Lines that are neither are reported per paragraph so the caller can skip just that paragraph.
 */
export interface Paragraph {
  fields: Map<string, string>;
  /** Repeated fields (Classifier, Requires-Dist) in order. */
  all: Map<string, string[]>;
  /** 1-based line where the paragraph starts. */
  line: number;
  errors: string[];
}

export function parseParagraphs(text: string, options: { stopAtFirstBlank?: boolean } = {}): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      if (current) {
        paragraphs.push(current);
        current = undefined;
        lastKey = undefined;
        if (options.stopAtFirstBlank) return paragraphs;
      }
      continue;
    }
    current ??= { fields: new Map(), all: new Map(), line: i + 1, errors: [] };
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!lastKey) {
        current.errors.push(`line ${i + 1}: continuation line with no field before it`);
        continue;
      }
      const value = `${current.fields.get(lastKey)}\n${line.slice(1)}`;
      current.fields.set(lastKey, value);
      const list = current.all.get(lastKey)!;
      list[list.length - 1] = value;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) {
      current.errors.push(`line ${i + 1}: not a "Field: value" line`);
      lastKey = undefined;
      continue;
    }
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    current.fields.set(key, value);
    const list = current.all.get(key) ?? [];
    list.push(value);
    current.all.set(key, list);
    lastKey = key;
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

export function sortPackages(packages: Package[]): Package[] {
  return packages.sort((a, b) => compare(a.location.path, b.location.path) || compare(a.id, b.id));
}

export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
