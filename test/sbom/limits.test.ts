import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LimitError } from '../../packages/action-kit/src';
import { type FileSelector, indexFilesystem } from '../../packages/sbom/src/filesystem';
import { catalogImage } from '../../packages/sbom/src/catalog';
import { decompressLayer } from '../../packages/sbom/src/decompress';
import { readJavaArchive } from '../../packages/sbom/src/catalogers/java';
import { readTar } from '../../packages/sbom/src/tar';
import { archiveBudget } from '../../packages/sbom/src/catalogers/java';
import { zip } from './java-fixture';
import { memorySource, tarLayer } from './helpers';

const keepAll: FileSelector = { name: 'all', selects: () => true, maxBytes: 1 << 20 };

async function drain(source: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of source) n++;
  return n;
}

describe('layer bounds', () => {
  describe('when a layer unpacks past layer-unpacked-bytes', () => {
    it('fails with LimitError naming the limit, the layer and how to raise it', async () => {
      const layer = tarLayer({ 'big/file': Buffer.alloc(64 * 1024) }, { gzip: true });
      const source = memorySource([layer]);
      const err = await indexFilesystem(source, [keepAll], {
        limits: { 'layer-unpacked-bytes': 32 * 1024 },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LimitError);
      expect((err as LimitError).limit).toBe('layer-unpacked-bytes');
      expect((err as LimitError).message).toContain(source.layers[0]!.digest);
      expect((err as LimitError).message).toContain(source.subject.name);
      expect((err as LimitError).message).toContain('limits: layer-unpacked-bytes=');
    });

    it('reads the same layer under the default bound', async () => {
      const layer = tarLayer({ 'big/file': Buffer.alloc(64 * 1024) }, { gzip: true });
      const fs = await indexFilesystem(memorySource([layer]), [keepAll]);
      expect([...fs.files.keys()]).toEqual(['/big/file']);
    });
  });

  describe('when a layer compresses better than layer-compression-ratio', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));

    it('stops at the ratio once past the grace, long before the end', async () => {
      const counts = { compressed: 0, uncompressed: 0 };
      const err = await drain(
        decompressLayer(Readable.from([bomb]), counts, {
          ratioGraceBytes: 1024 * 1024,
          layer: 'layer sha256:bomb',
        }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LimitError);
      expect((err as LimitError).limit).toBe('layer-compression-ratio');
      expect((err as LimitError).message).toMatch(
        /^layer sha256:bomb: .*over the layer-compression-ratio limit \(16/,
      );
      expect(counts.uncompressed).toBeLessThan(8 * 1024 * 1024);
    });

    it('passes a layer of that ratio below the grace (small layers may compress well)', async () => {
      const counts = { compressed: 0, uncompressed: 0 };
      await drain(decompressLayer(Readable.from([bomb]), counts));
      expect(counts.uncompressed).toBe(8 * 1024 * 1024);
    });

    it('passes with the ratio raised', async () => {
      const counts = { compressed: 0, uncompressed: 0 };
      await drain(
        decompressLayer(Readable.from([bomb]), counts, {
          ratioGraceBytes: 1024 * 1024,
          limits: { 'layer-compression-ratio': 2000 },
        }),
      );
      expect(counts.uncompressed).toBe(8 * 1024 * 1024);
    });
  });

  describe('when a tar has more entries than archive-entries', () => {
    it('fails naming the limit', async () => {
      const layer = tarLayer(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}`, 'x'])));
      const err = await drain(
        readTar(Readable.from([layer]), { limits: { 'archive-entries': 5 }, layer: 'L' }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LimitError);
      expect((err as LimitError).limit).toBe('archive-entries');
      expect(await drain(readTar(Readable.from([layer]), { limits: { 'archive-entries': 6 } }))).toBe(6);
    });
  });

  describe('when a pax header declares a huge body', () => {
    it('refuses before reading it into memory', async () => {
      const header = Buffer.alloc(512);
      header.write('PaxHeaders/x', 0);
      header.write('0000644\0', 100);
      header.write('0000000\0', 108);
      header.write('0000000\0', 116);
      header.write('77777777777\0', 124); // 8 GiB
      header.write('00000000000\0', 136);
      header[156] = 0x78; // 'x'
      header.write('ustar\0', 257);
      header.write('00', 263);
      header.fill(0x20, 148, 156);
      let sum = 0;
      for (const b of header) sum += b;
      header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
      const err = await drain(readTar(Readable.from([header]))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LimitError);
      expect((err as LimitError).limit).toBe('tar-header-bytes');
    });
  });

  describe('when a file is larger than its cataloger reads', () => {
    it('skips it naming the file-bytes limit, and reads it once the limit is raised', async () => {
      const status = 'Package: a\nVersion: 1\nArchitecture: all\nStatus: install ok installed\n\n';
      const layer = tarLayer({ 'var/lib/dpkg/status': status.padEnd(5000, '#') });
      const low = await catalogImage(memorySource([layer]), { limits: { 'file-bytes': 1000 } });
      expect(low.packages).toHaveLength(0);
      expect(low.warnings.join('\n')).toMatch(
        /\/var\/lib\/dpkg\/status in layer sha256:.*over the file-bytes limit \(1000 for dpkg-status\)/,
      );
      const high = await catalogImage(memorySource([layer]), { limits: { 'file-bytes': 10_000 } });
      expect(high.packages.map((p) => p.name)).toEqual(['a']);
    });
  });

  describe('when a later layer whites out the root itself', () => {
    it('ignores the whiteout instead of deleting the whole image', async () => {
      const lower = tarLayer({ 'etc/os-release': 'ID=debian\n' });
      const header = Buffer.from(tarLayer({ 'x/.wh.': '' }));
      const fs = await indexFilesystem(memorySource([lower, header]), [keepAll]);
      expect([...fs.files.keys()]).toContain('/etc/os-release');
      expect(fs.warnings.join('\n')).toMatch(/whiteout that names no file/);
    });
  });
});

describe('archive bounds (zip/jar)', () => {
  const pom = 'groupId=g\nartifactId=a\nversion=1\n';
  const nest = (depth: number): Buffer => {
    let jar = zip({ 'META-INF/maven/g/a0/pom.properties': pom.replace('=a', '=a0') });
    for (let i = 1; i <= depth; i++) {
      jar = zip({ 'META-INF/maven/g/a/pom.properties': pom.replace('=a', `=a${i}`), [`lib/l${i}.jar`]: jar });
    }
    return jar;
  };

  it('opens archives nested up to archive-depth and warns naming the limit for the rest', () => {
    const budget = archiveBudget();
    const found = readJavaArchive(nest(5), 'app.jar', 0, budget);
    expect(found.map((a) => a.artifactId)).toEqual(['a5', 'a4', 'a3', 'a2']);
    expect(budget.warnings.join('\n')).toMatch(/over the archive-depth limit \(3/);
    const deeper = archiveBudget({ 'archive-depth': 10 });
    expect(readJavaArchive(nest(5), 'app.jar', 0, deeper)).toHaveLength(6);
    expect(deeper.warnings).toEqual([]);
  });

  it('stops inflating a zip bomb at archive-unpacked-bytes, nested archives included', () => {
    const big = Buffer.alloc(4 * 1024 * 1024);
    const inner = zip({ 'a.jar': big, 'b.jar': big });
    const bomb = zip(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`lib/x${i}.jar`, inner])));
    const budget = archiveBudget({ 'archive-unpacked-bytes': 10 * 1024 * 1024 });
    readJavaArchive(bomb, 'bomb.jar', 0, budget);
    expect(budget.inflated).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(budget.warnings.join('\n')).toMatch(
      /bomb\.jar!\/lib\/x\d\.jar!\/[ab]\.jar: .*over the archive-unpacked-bytes limit/,
    );
  });

  it('refuses an archive with more entries than archive-entries', () => {
    const many = zip(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'x'])));
    expect(() => readJavaArchive(many, 'many.jar', 0, archiveBudget({ 'archive-entries': 10 }))).toThrow(
      /many\.jar: 20 zip entries, over the archive-entries limit/,
    );
  });
});
