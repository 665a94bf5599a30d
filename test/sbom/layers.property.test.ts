import { posix } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FileSelector,
  type IndexedFile,
  indexFilesystem,
  normalizeImagePath,
} from '../../packages/sbom/src';
import { decompressLayer, zstdSupported } from '../../packages/sbom/src/decompress';
import { LimitError } from '../../packages/action-kit/src';
import { SbomError } from '../../packages/sbom/src';
import { runs } from '../support/fuzz';
import { type TarSpec, writeTar } from '../support/tar';
import { memorySource, tarLayer } from './helpers';

// Properties of the merged filesystem the catalogers read (#19): whatever names, links and whiteouts a stack of
// layers carries, the SBOM sees exactly what a runtime would extract — checked against a plain model of OCI layer
// semantics (no indexes, no shortcuts) — and never a path outside the image's root.

const RUNS = runs(200);
const keepAll: FileSelector = { name: 'all', selects: () => true, maxBytes: 1 << 20 };

type Kept = { type: 'file' | 'symlink'; body: string; layer: number };

/** OCI layer semantics, written the slow and obvious way. */
function model(layers: TarSpec[][]): Map<string, Kept> {
  const fs = new Map<string, Kept>();
  const dropLower = (p: string, layer: number, self: boolean) => {
    const prefix = p === '/' ? '/' : `${p}/`;
    for (const [k, v] of [...fs]) {
      if (v.layer < layer && ((self && k === p) || k.startsWith(prefix))) fs.delete(k);
    }
  };
  layers.forEach((entries, layer) => {
    for (const e of entries) {
      const p = normalizeImagePath(e.name);
      if (p === undefined) continue;
      const base = posix.basename(p);
      if (base === '.wh..wh..opq') {
        dropLower(posix.dirname(p), layer, false);
        continue;
      }
      if (base.startsWith('.wh.')) {
        const target = base.slice(4);
        if (target !== '' && target !== '.' && target !== '..')
          dropLower(posix.join(posix.dirname(p), target), layer, true);
        continue;
      }
      // A directory extracted over a file or link replaces it; what lower layers put below it stays.
      if (e.type === '5') {
        fs.delete(p);
        continue;
      }
      dropLower(p, layer, true);
      if (e.type === '1') {
        const t = normalizeImagePath(e.linkname ?? '');
        const target = t === undefined ? undefined : fs.get(t);
        if (target) fs.set(p, { ...target, layer });
        continue;
      }
      fs.set(p, {
        type: e.type === '2' ? 'symlink' : 'file',
        body: e.type === '2' ? (e.linkname ?? '') : String(e.content ?? ''),
        layer,
      });
    }
  });
  return fs;
}

const seg = fc.constantFrom('a', 'b', 'c', '..', '.', '');
const dirName = fc
  .tuple(fc.boolean(), fc.array(seg, { minLength: 0, maxLength: 2 }))
  .map(([abs, parts]) => (abs ? '/' : '') + parts.join('/'));
const name = fc
  .tuple(dirName, fc.constantFrom('a', 'b', 'c', '..'))
  .map(([d, b]) => (d === '' || d === '/' ? d + b : `${d}/${b}`));
const entry: fc.Arbitrary<TarSpec> = fc.oneof(
  fc.record({ name, type: fc.constant('0' as const), content: fc.string({ maxLength: 6 }) }),
  fc.record({
    name,
    type: fc.constant('2' as const),
    linkname: fc.oneof(name, fc.constantFrom('/etc/passwd', '../../x')),
  }),
  fc.record({
    name,
    type: fc.constant('1' as const),
    linkname: fc.oneof(name, fc.constantFrom('/etc/passwd', '../../etc/shadow')),
  }),
  fc.record({ name, type: fc.constant('5' as const) }),
  fc
    .tuple(dirName, fc.constantFrom('a', 'b', 'c', '', '.', '..', '.wh..opq'))
    .map(([d, t]) => ({ name: `${d === '' ? '' : `${d}/`}.wh.${t}` })),
);
const layerStack = fc.array(fc.array(entry, { maxLength: 10 }), { minLength: 1, maxLength: 4 });

function seen(files: Map<string, IndexedFile>): Map<string, Kept> {
  return new Map(
    [...files].map(([p, f]) => [
      p,
      {
        type: f.type,
        body: f.type === 'symlink' ? (f.linkTarget ?? '') : String(f.content ?? ''),
        layer: f.layerIndex,
      },
    ]),
  );
}

describe('the merged filesystem of hostile layers', () => {
  it('is what OCI layer semantics give: whiteouts, opaque directories, links and replacements', async () => {
    await fc.assert(
      fc.asyncProperty(layerStack, async (layers) => {
        const fs = await indexFilesystem(memorySource(layers.map((l) => writeTar(l))), [keepAll]);
        expect(seen(fs.files)).toEqual(model(layers));
      }),
      RUNS,
    );
  });

  it('holds no path outside the root, and resolving any link ends inside it', async () => {
    await fc.assert(
      fc.asyncProperty(layerStack, async (layers) => {
        const fs = await indexFilesystem(memorySource(layers.map((l) => writeTar(l))), [keepAll]);
        for (const [p, f] of fs.files) {
          expect(p).toBe(f.path);
          expect(normalizeImagePath(p)).toBe(p);
          const resolved = fs.resolve(p);
          if (resolved) expect(fs.files.get(resolved.path)).toBe(resolved);
        }
      }),
      RUNS,
    );
  });
});

describe.skipIf(!zstdSupported())('decompressLayer on zstd', () => {
  const layer = tarLayer({ 'a/b': 'hello '.repeat(200), c: 'x' }, { zstd: true });

  it('ends with bytes or its own error on a mutated zstd stream', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: layer.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 8,
        }),
        fc.option(fc.nat({ max: layer.length }), { nil: undefined }),
        async (flips, cut) => {
          let bytes = Buffer.from(layer);
          for (const [at, v] of flips) bytes[at] = v;
          if (cut !== undefined) bytes = bytes.subarray(0, cut);
          try {
            for await (const _ of decompressLayer(Readable.from([bytes]))) void _;
          } catch (e) {
            expect(e instanceof SbomError || e instanceof LimitError, String(e)).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });

  it('stops a zstd bomb at the ratio limit', async () => {
    // 16 MiB of zeros: zstd packs them ~4000-fold; the ratio check starts after 1 MiB here (the seam), not 1 GiB.
    const bomb = tarLayer({ zero: Buffer.alloc(16 << 20) }, { zstd: true });
    const counts = { compressed: 0, uncompressed: 0 };
    const run = async () => {
      for await (const _ of decompressLayer(Readable.from([bomb]), counts, {
        layer: 'bomb',
        ratioGraceBytes: 1 << 20,
      }))
        void _;
    };
    await expect(run()).rejects.toMatchObject({ limit: 'layer-compression-ratio' });
    expect(counts.uncompressed).toBeLessThan(4 << 20);
  });
});
