// The build's size gate (scripts/lib/bundle-size.mjs): a folder's size counts every file in it, chunks and
// licenses included, and a folder one byte over the limit is named.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { BUNDLE_LIMIT_BYTES, checkBundleSizes, measureFolder } from '../../scripts/lib/bundle-size.mjs';

interface Folder {
  name: string;
  bytes: number;
  files: { name: string; bytes: number }[];
}
const check = checkBundleSizes as (folders: Folder[], limit?: number) => { lines: string[]; over: string[] };
const measure = measureFolder as (name: string, dir: string) => Folder;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('measureFolder', () => {
  it('counts the entry, its chunks, nested assets and licenses', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-size-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'index.js'), 'x'.repeat(1000));
    writeFileSync(path.join(dir, '785.index.js'), 'x'.repeat(300));
    writeFileSync(path.join(dir, 'licenses.txt'), 'x'.repeat(20));
    mkdirSync(path.join(dir, 'schemas'));
    writeFileSync(path.join(dir, 'schemas', 'bom-1.6.schema.json'), 'x'.repeat(7));
    const folder = measure('sbom', dir);
    expect(folder.bytes).toBe(1327);
    expect(folder.files.map((f) => f.name).sort()).toEqual([
      '785.index.js',
      'index.js',
      'licenses.txt',
      'schemas/bom-1.6.schema.json',
    ]);
  });
});

describe('checkBundleSizes', () => {
  const folder = (name: string, bytes: number): Folder => ({
    name,
    bytes,
    files: [{ name: 'index.js', bytes }],
  });

  it('limits a folder to 5 MB', () => {
    expect(BUNDLE_LIMIT_BYTES).toBe(5_000_000);
  });

  it('passes a folder exactly at the limit and names the one a byte over', () => {
    const r = check([folder('at', BUNDLE_LIMIT_BYTES), folder('over', BUNDLE_LIMIT_BYTES + 1)]);
    expect(r.over).toEqual(['over']);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(/^size: dist\/at\/ 5\.00 MB \(limit 5\.00 MB\): index\.js 5\.00 MB$/);
    expect(r.lines[1]).toContain('OVER the 5.00 MB limit');
  });

  it('lists the files largest first', () => {
    const r = check([
      {
        name: 'blue-green-deploy',
        bytes: 2_700_000,
        files: [
          { name: 'licenses.txt', bytes: 2_000 },
          { name: 'index.js', bytes: 1_530_000 },
          { name: '785.index.js', bytes: 1_004_000 },
        ],
      },
    ]);
    expect(r.over).toEqual([]);
    expect(r.lines[0]).toContain(': index.js 1.53 MB, 785.index.js 1.00 MB, licenses.txt 0.00 MB');
  });
});
