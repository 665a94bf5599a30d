// The size budget of a bundle folder (dist/<name>/, chunks and licenses included): every runner downloads it
// with the action, and Node parses what it loads at start-up. The build prints each folder's size and fails
// past the limit; bench/startup.bench.ts prints the same figures beside the start-up times.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** 5 MB (10^6 bytes), the issue #17 limit for one dist/<name>/ folder. */
export const BUNDLE_LIMIT_BYTES = 5_000_000;

/** `2.71 MB`: megabytes of 10^6 bytes, as the limit is stated. */
export function formatMegabytes(bytes) {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/**
 * One line per folder (size, files, the limit) and the names of the folders over it.
 * `folders`: [{ name, bytes, files }] — files as names relative to the folder, with their sizes.
 */
export function checkBundleSizes(folders, limit = BUNDLE_LIMIT_BYTES) {
  const over = folders.filter((f) => f.bytes > limit).map((f) => f.name);
  const lines = folders.map((f) => {
    const parts = [...f.files]
      .sort((a, b) => b.bytes - a.bytes)
      .map((x) => `${x.name} ${formatMegabytes(x.bytes)}`);
    const verdict =
      f.bytes > limit ? `OVER the ${formatMegabytes(limit)} limit` : `limit ${formatMegabytes(limit)}`;
    return `size: dist/${f.name}/ ${formatMegabytes(f.bytes)} (${verdict}): ${parts.join(', ')}`;
  });
  return { lines, over };
}

/** { name, bytes, files } of one bundle folder, for checkBundleSizes. */
export function measureFolder(name, dir) {
  const files = [];
  const walk = (d, prefix) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else files.push({ name: `${prefix}${entry.name}`, bytes: statSync(full).size });
    }
  };
  walk(dir, '');
  return { name, bytes: files.reduce((s, f) => s + f.bytes, 0), files };
}
