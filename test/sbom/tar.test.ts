import { describe, expect, it } from 'vitest';
import { SbomError } from '../../packages/sbom/src/errors';
import { decompressLayer, zstdSupported } from '../../packages/sbom/src/decompress';
import { readTar } from '../../packages/sbom/src/tar';
import { tarLayer } from './helpers';
import { Readable } from 'node:stream';

async function entries(buf: Buffer, chunk = 333) {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  const out: { name: string; type: string; linkName: string; body?: string }[] = [];
  for await (const e of readTar(Readable.from(parts))) {
    out.push({
      name: e.name,
      type: e.type,
      linkName: e.linkName,
      body: e.type === 'file' ? (await e.read()).toString('utf8') : undefined,
    });
  }
  return out;
}

const LONG = `opt/${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(70)}/package.json`;

describe('readTar', () => {
  describe.each(['gnu', 'pax', 'ustar'] as const)('when GNU tar writes the %s format', (format) => {
    it('yields files, symlinks and hard links with their long names and bodies', async () => {
      const files = {
        'etc/os-release': 'ID=debian\n',
        [LONG]: '{"name":"long"}',
        'usr/lib/link': { symlink: '../../etc/os-release' },
        'usr/lib/hard': { hardlink: 'etc/os-release' },
      };
      // ustar cannot store a 200-character name without a '/' split that fits; GNU tar refuses.
      if (format === 'ustar') delete (files as Record<string, unknown>)[LONG];
      const got = await entries(tarLayer(files, { format }));
      const byName = Object.fromEntries(got.map((e) => [e.name.replace(/\/$/, ''), e]));
      expect(byName['etc/os-release']).toMatchObject({ type: 'file', body: 'ID=debian\n' });
      expect(byName['usr/lib/link']).toMatchObject({ type: 'symlink', linkName: '../../etc/os-release' });
      expect(byName['usr/lib/hard']).toMatchObject({ type: 'hardlink', linkName: 'etc/os-release' });
      if (format !== 'ustar') expect(byName[LONG]).toMatchObject({ type: 'file', body: '{"name":"long"}' });
    });
  });

  it('skips bodies the consumer does not read, even across chunk boundaries', async () => {
    const big = Buffer.alloc(100_000, 0x61);
    const layer = tarLayer({ 'a/big.bin': big, 'b/small.txt': 'small' });
    const names: string[] = [];
    for await (const e of readTar(Readable.from([layer.subarray(0, 1000), layer.subarray(1000)]))) {
      names.push(e.name);
      if (e.name === 'b/small.txt') expect((await e.read()).toString()).toBe('small');
    }
    expect(names).toEqual(['a/big.bin', 'b/small.txt']);
  });

  it('peeks the first bytes and then reads the whole body', async () => {
    const layer = tarLayer({ 'bin/app': '\x7fELF rest of the file' });
    for await (const e of readTar(Readable.from([layer]))) {
      expect((await e.peek(4)).toString('latin1')).toBe('\x7fELF');
      expect((await e.read()).toString('latin1')).toBe('\x7fELF rest of the file');
    }
  });

  describe('when the blob is not a tar', () => {
    it('throws LAYER_NOT_TAR on the first header', async () => {
      const err = await entries(Buffer.from('{"this": "is json, not a tar"}'.padEnd(2048, ' '))).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(SbomError);
      expect(err.code).toBe('LAYER_NOT_TAR');
    });
  });

  describe('when the tar is cut short', () => {
    it('throws LAYER_TRUNCATED', async () => {
      const layer = tarLayer({ 'x/file': Buffer.alloc(5000, 1) });
      const err = await entries(layer.subarray(0, 2048)).catch((e) => e);
      expect(err).toBeInstanceOf(SbomError);
      expect(err.code).toBe('LAYER_TRUNCATED');
    });
  });
});

describe('decompressLayer', () => {
  it('sniffs gzip by magic bytes and counts both sizes', async () => {
    const plain = tarLayer({ 'a/b': 'hello' });
    const counts = { compressed: 0, uncompressed: 0 };
    const gz = tarLayer({ 'a/b': 'hello' }, { gzip: true });
    const out: Buffer[] = [];
    for await (const c of decompressLayer(Readable.from([gz]), counts)) out.push(c);
    expect(Buffer.concat(out).equals(plain)).toBe(true);
    expect(counts).toEqual({ compressed: gz.length, uncompressed: plain.length });
  });

  it('rejects a gzip stream that is corrupt with LAYER_NOT_TAR', async () => {
    const gz = tarLayer({ 'a/b': 'hello'.repeat(1000) }, { gzip: true });
    const broken = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(200, 0xff)]);
    const err = await (async () => {
      for await (const _ of decompressLayer(Readable.from([broken]))) void _;
    })().catch((e) => e);
    expect(err).toBeInstanceOf(SbomError);
    expect(err.code).toBe('LAYER_NOT_TAR');
  });

  describe.runIf(!zstdSupported())('when Node.js has no zstd (Node 20)', () => {
    it('fails a zstd layer with UNSUPPORTED_COMPRESSION naming the Node version needed', async () => {
      const zst = tarLayer({ 'a/b': 'hello' }, { zstd: true });
      const err = await (async () => {
        for await (const _ of decompressLayer(Readable.from([zst]))) void _;
      })().catch((e) => e);
      expect(err).toBeInstanceOf(SbomError);
      expect(err.code).toBe('UNSUPPORTED_COMPRESSION');
      expect(err.message).toMatch(/22\.15/);
    });
  });

  describe.runIf(zstdSupported())('when Node.js has zstd (Node >= 22.15)', () => {
    it('decompresses a zstd layer', async () => {
      const zst = tarLayer({ 'a/b': 'hello' }, { zstd: true });
      const out: Buffer[] = [];
      for await (const c of decompressLayer(Readable.from([zst]))) out.push(c);
      const got = await entries(Buffer.concat(out));
      expect(got).toEqual([expect.objectContaining({ name: 'a/b', body: 'hello' })]);
    });
  });
});
