import { posix } from 'node:path';
import { howToRaise, type Limits, type Logger, silentLogger } from '@deliverkit/action-kit';
import { decompressLayer, type ByteCounts } from './decompress';
import { SbomError } from './errors';
import { readTar, type TarEntryType } from './tar';
import type { LayerSource, LayerStats } from './types';

/** What a cataloger asks the indexer to keep. Paths are absolute and normalised (`/usr/lib/x`). */
export interface FileSelector {
  name: string;
  selects(path: string, entry: { type: TarEntryType; mode: number; size: number }): boolean;
  /** Larger files are skipped with a warning rather than held in memory. */
  maxBytes: number;
  /** Keep the file only when its body starts with these bytes (e.g. the ELF magic). */
  magic?: Uint8Array;
  /**
   * Reduce the body to what the cataloger needs while the layer streams (e.g. a Go binary to its
   * build info), so that large files are never kept. Returning undefined drops the file.
   */
  extract?(content: Buffer, path: string, limits: Partial<Limits>): unknown;
  /** Only the file's existence matters: its body is never read. */
  presenceOnly?: boolean;
}

export interface IndexedFile {
  path: string;
  type: 'file' | 'symlink';
  layerDigest: string;
  layerIndex: number;
  mode: number;
  size: number;
  linkTarget?: string;
  /** The body, for selectors without `extract`. */
  content?: Buffer;
  /** Selector name → what its `extract` returned. */
  extracted: Map<string, unknown>;
  /** Names of the selectors that chose this file. */
  selectedBy: string[];
}

/** The files catalogers asked for, as they exist in the image's final (merged) filesystem. */
export class ImageFilesystem {
  constructor(
    readonly files: Map<string, IndexedFile>,
    readonly layers: LayerStats[],
    readonly warnings: string[],
  ) {}

  /** Files chosen by one selector, sorted by path. */
  list(selector: string): IndexedFile[] {
    return [...this.files.values()]
      .filter((f) => f.selectedBy.includes(selector))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A kept file by path, following symlinks between kept files (at most 16 hops). */
  resolve(path: string): IndexedFile | undefined {
    let current = this.files.get(path);
    for (let hops = 0; current?.type === 'symlink' && hops < 16; hops++) {
      const target = current.linkTarget ?? '';
      const next = normalizeImagePath(
        target.startsWith('/') ? target : posix.join(posix.dirname(current.path), target),
      );
      current = next ? this.files.get(next) : undefined;
    }
    return current?.type === 'file' ? current : undefined;
  }
}

/**
 * `a/./b`, `/a//b/` → `/a/b`. Returns undefined for paths that climb out of the root (`..`):
 * such tar entries are hostile or broken and are ignored, never resolved.
 */
export function normalizeImagePath(name: string): string | undefined {
  const parts: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return undefined;
    parts.push(seg);
  }
  return parts.length === 0 ? '/' : `/${parts.join('/')}`;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

export interface IndexOptions {
  logger?: Logger;
  signal?: AbortSignal;
  /** Raised bounds (LIMITS in @deliverkit/action-kit); the rest keep their defaults. */
  limits?: Partial<Limits>;
}

/**
 * Streams every layer once, bottom to top, and keeps only the files the selectors choose,
 * applying OCI layer semantics: a later layer's file replaces an earlier one, `.wh.<name>` deletes
 * `<name>` (and everything below it) from lower layers, and `.wh..wh..opq` hides everything lower
 * layers put in its directory. Nothing is written to disk.
 */
export async function indexFilesystem(
  source: LayerSource,
  selectors: readonly FileSelector[],
  options: IndexOptions = {},
): Promise<ImageFilesystem> {
  const logger = options.logger ?? silentLogger;
  const limits = options.limits ?? {};
  const files = new Map<string, IndexedFile>();
  // How many kept files live below each directory: lets a whiteout skip the prefix scan when it
  // cannot hit anything (the common case for apt and npm clean-ups).
  const below = new Map<string, number>();
  const warnings: string[] = [];
  const stats: LayerStats[] = [];

  const track = (path: string, delta: number) => {
    for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
      const n = (below.get(dir) ?? 0) + delta;
      if (n <= 0) below.delete(dir);
      else below.set(dir, n);
      if (dir === '/') break;
    }
  };
  const put = (file: IndexedFile) => {
    const previous = files.get(file.path);
    if (previous) track(previous.path, -1);
    files.set(file.path, file);
    track(file.path, +1);
  };
  const remove = (path: string) => {
    if (files.delete(path)) track(path, -1);
  };
  /** Delete `path` itself (unless `keepSelf`) and everything under it written by layers below `layerIndex`. */
  const hideLower = (path: string, layerIndex: number, keepSelf: boolean) => {
    const self = files.get(path);
    if (!keepSelf && self && self.layerIndex < layerIndex) remove(path);
    if (!below.has(path)) return;
    const prefix = path === '/' ? '/' : `${path}/`;
    for (const [p, f] of [...files]) {
      if (p.startsWith(prefix) && f.layerIndex < layerIndex) remove(p);
    }
  };

  for (const [layerIndex, layer] of source.layers.entries()) {
    options.signal?.throwIfAborted();
    const counts: ByteCounts = { compressed: 0, uncompressed: 0 };
    let entries = 0;
    const started = Date.now();
    try {
      const blob = await layer.open();
      const bound = {
        limits,
        layer: `layer ${layerIndex + 1} of ${source.layers.length} (${layer.digest}) of ${source.subject.name}@${source.subject.digest}`,
      };
      for await (const entry of readTar(decompressLayer(blob, counts, bound), bound)) {
        entries++;
        const path = normalizeImagePath(entry.name);
        if (path === undefined) {
          warnings.push(
            `layer ${layer.digest}: ignored tar entry with a path outside the root: ${entry.name}`,
          );
          continue;
        }
        const base = posix.basename(path);
        if (base.startsWith(WHITEOUT_PREFIX)) {
          const dir = posix.dirname(path);
          const target = base.slice(WHITEOUT_PREFIX.length);
          if (base === OPAQUE_MARKER) hideLower(dir, layerIndex, true);
          // `.wh.` (nothing named), `.wh..` and `.wh...` would delete the directory itself or its parent: no
          // runtime applies them, so neither do we.
          else if (target === '' || target === '.' || target === '..') {
            warnings.push(`layer ${layer.digest}: ignored a whiteout that names no file: ${entry.name}`);
          } else hideLower(posix.join(dir, target), layerIndex, false);
          continue;
        }
        // A directory extracted over a file or link replaces it (what lower layers put below the path stays); a
        // device or fifo replaces whatever was there, like a file. Neither is kept.
        if (entry.type === 'directory') {
          remove(path);
          continue;
        }
        if (entry.type === 'other') {
          hideLower(path, layerIndex, false);
          remove(path);
          continue;
        }
        // A new file or link at this path replaces whatever lower layers had, including a directory.
        if (files.has(path) || below.has(path)) hideLower(path, layerIndex, false);

        if (entry.type === 'hardlink') {
          const targetPath = normalizeImagePath(entry.linkName);
          const target = targetPath ? files.get(targetPath) : undefined;
          const chosen = selectors.filter((s) =>
            s.selects(path, { type: 'file', mode: entry.mode, size: 0 }),
          );
          if (target && chosen.length > 0) {
            put({
              ...target,
              path,
              layerDigest: layer.digest,
              layerIndex,
              selectedBy: [...target.selectedBy],
            });
          }
          continue;
        }

        const chosen = selectors.filter((s) => s.selects(path, entry));
        if (chosen.length === 0) continue;
        if (entry.type === 'symlink') {
          put({
            path,
            type: 'symlink',
            linkTarget: entry.linkName,
            layerDigest: layer.digest,
            layerIndex,
            mode: entry.mode,
            size: 0,
            extracted: new Map(),
            selectedBy: chosen.map((s) => s.name),
          });
          continue;
        }

        const fits = chosen.filter((s) => {
          const maxBytes = s.presenceOnly ? s.maxBytes : (limits['file-bytes'] ?? s.maxBytes);
          if (entry.size <= maxBytes) return true;
          warnings.push(
            `${path} in layer ${layer.digest}: skipped by the ${s.name} cataloger, ${entry.size} bytes is over the file-bytes limit (${maxBytes} for ${s.name}); ${howToRaise('file-bytes')}`,
          );
          return false;
        });
        if (fits.length === 0) continue;
        const longestMagic = Math.max(0, ...fits.map((s) => s.magic?.length ?? 0));
        const head = longestMagic > 0 ? await entry.peek(longestMagic) : Buffer.alloc(0);
        const wanted = fits.filter(
          (s) => !s.magic || head.subarray(0, s.magic.length).equals(Buffer.from(s.magic)),
        );
        if (wanted.length === 0) continue;

        const body = wanted.every((s) => s.presenceOnly) ? Buffer.alloc(0) : await entry.read();
        const file: IndexedFile = {
          path,
          type: 'file',
          layerDigest: layer.digest,
          layerIndex,
          mode: entry.mode,
          size: entry.size,
          extracted: new Map(),
          selectedBy: [],
        };
        for (const s of wanted) {
          if (s.presenceOnly) {
            file.selectedBy.push(s.name);
            continue;
          }
          if (!s.extract) {
            file.content = body;
            file.selectedBy.push(s.name);
            continue;
          }
          try {
            const value = s.extract(body, path, limits);
            if (value !== undefined) {
              file.extracted.set(s.name, value);
              file.selectedBy.push(s.name);
            }
          } catch (e) {
            warnings.push(`${path}: the ${s.name} cataloger could not read it: ${(e as Error).message}`);
          }
        }
        if (file.selectedBy.length > 0) put(file);
      }
    } catch (e) {
      // Our own parse errors gain the layer's identity; the source's errors (network, digest) pass as they are.
      const message = `layer ${layerIndex + 1} of ${source.layers.length} (${layer.digest}): ${(e as Error).message}`;
      if (e instanceof SbomError) throw new SbomError(e.code, message, { cause: e });
      throw e;
    }
    logger.debug(
      `indexFilesystem: layer ${layer.digest} ${entries} entries, ${counts.uncompressed} bytes in ${Date.now() - started} ms`,
    );
    stats.push({
      digest: layer.digest,
      mediaType: layer.mediaType,
      compressedBytes: counts.compressed,
      uncompressedBytes: counts.uncompressed,
      entries,
    });
  }
  return new ImageFilesystem(files, stats, warnings);
}
