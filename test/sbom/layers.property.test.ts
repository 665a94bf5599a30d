import { readFileSync } from 'node:fs';
import path, { posix } from 'node:path';
import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FileSelector,
  type IndexedFile,
  indexFilesystem,
  normalizeImagePath,
} from '../../packages/sbom/src/filesystem';
import { decompressLayer, zstdSupported } from '../../packages/sbom/src/decompress';
import { LimitError } from '../../packages/action-kit/src';
import { SbomError } from '../../packages/sbom/src/errors';
import { mutated, runs } from '../support/fuzz';
import { writeTar, type TarSpec } from '@deliverkit/testing-testbed';
import {
  archiveBudget,
  javaCataloger,
  readJavaArchive,
  zipEntries,
} from '../../packages/sbom/src/catalogers/java';
import { zip } from './java-fixture';
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

/** A ZIP64 archive as Java's jar writes one past 4 GiB: every size and offset in the ZIP64 extra field and record. */
function zip64(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const body = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const extra = Buffer.alloc(28);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(data.length), 4);
    extra.writeBigUInt64LE(BigInt(body.length), 12);
    extra.writeBigUInt64LE(BigInt(offset), 20);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(45, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0xffffffff, 18);
    local.writeUInt32LE(0xffffffff, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(20, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(45, 4);
    dir.writeUInt16LE(45, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(0xffffffff, 20);
    dir.writeUInt32LE(0xffffffff, 24);
    dir.writeUInt16LE(nameBytes.length, 28);
    dir.writeUInt16LE(extra.length, 30);
    dir.writeUInt32LE(0xffffffff, 42);
    locals.push(local, nameBytes, extra.subarray(0, 20), body);
    central.push(dir, nameBytes, extra);
    offset += 30 + nameBytes.length + 20 + body.length;
  }
  const cd = Buffer.concat(central);
  const count = BigInt(Object.keys(files).length);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeBigUInt64LE(count, 24);
  record.writeBigUInt64LE(count, 32);
  record.writeBigUInt64LE(BigInt(cd.length), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([...locals, cd, record, locator, end]);
}

/** Every central entry points at the same local header: n entries, one body, n times the bytes (a non-recursive bomb). */
function overlapping(n: number, size: number): Buffer {
  const one = zip({ 'x.jar': Buffer.alloc(size) });
  const eocd = one.length - 22;
  const cdStart = one.readUInt32LE(eocd + 16);
  const entry = one.subarray(cdStart, eocd);
  const cd = Buffer.concat(Array.from({ length: n }, () => entry));
  const end = Buffer.from(one.subarray(eocd));
  end.writeUInt16LE(n, 8);
  end.writeUInt16LE(n, 10);
  end.writeUInt32LE(cd.length, 12);
  return Buffer.concat([one.subarray(0, cdStart), cd, end]);
}

describe('the zip reader on ZIP64 and overlapping entries', () => {
  const manifest = 'Manifest-Version: 1.0\nImplementation-Title: big\nImplementation-Version: 6.4\n';
  const seed = zip64({ 'META-INF/MANIFEST.MF': manifest, 'a/b.class': 'x'.repeat(300) });

  it('reads a ZIP64 archive: sizes and offsets from the ZIP64 fields', () => {
    const entries = zipEntries(seed)!;
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['META-INF/MANIFEST.MF', manifest.length],
      ['a/b.class', 300],
    ]);
    expect(readJavaArchive(seed, 'big.jar').map((a) => [a.artifactId, a.version])).toEqual([['big', '6.4']]);
  });

  it('never throws outside its own errors on a mutated ZIP64 archive', () => {
    fc.assert(
      fc.property(mutated(seed), (bytes) => {
        try {
          zipEntries(bytes);
        } catch (e) {
          throw new Error(`zipEntries threw ${String(e)}`);
        }
        const out = javaCataloger.selectors[0]!.extract!(bytes, '/app/big.jar', {
          'archive-unpacked-bytes': 1 << 20,
        }) as { artifacts: unknown[] } | { error: string };
        expect('artifacts' in out || typeof out.error === 'string').toBe(true);
      }),
      RUNS,
    );
  });

  it('replays test/fixtures/hostile/zip64-extra-past-end.jar: entries read inside the buffer, no RangeError', () => {
    const bytes = readFileSync(path.join(__dirname, '..', 'fixtures', 'hostile', 'zip64-extra-past-end.jar'));
    expect(zipEntries(bytes)?.map((e) => e.name)).toEqual(['META-INF/MANIFEST.MF']);
  });

  it('inflates overlapping entries no more than archive-unpacked-bytes in all', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 1, max: 64 }), (n, kib) => {
        const budget = archiveBudget({ 'archive-unpacked-bytes': 256 * 1024 });
        try {
          readJavaArchive(overlapping(n, kib * 1024), 'bomb.jar', 0, budget);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(LimitError);
        }
        expect(budget.inflated).toBeLessThanOrEqual(256 * 1024);
      }),
      runs(100),
    );
  });
});
