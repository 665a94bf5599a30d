import { describe, expect, it } from 'vitest';
import { type FileSelector, indexFilesystem, normalizeImagePath } from '../../packages/sbom/src/filesystem';
import { SbomError } from '../../packages/sbom/src/errors';
import { writeTar } from '@deliverkit/testing-testbed';
import { memorySource, tarLayer } from './helpers';

const keepAll: FileSelector = { name: 'all', selects: () => true, maxBytes: 1 << 20 };
const paths = (fs: { files: Map<string, unknown> }) => [...fs.files.keys()].sort();

describe('normalizeImagePath', () => {
  it.each([
    ['./etc/os-release', '/etc/os-release'],
    ['/usr//lib/./x/', '/usr/lib/x'],
    ['a/../../etc/passwd', undefined],
    ['../outside', undefined],
    ['.', '/'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeImagePath(input)).toBe(expected);
  });
});

describe('indexFilesystem', () => {
  it('keeps only selected files, with the digest of the layer that last wrote them', async () => {
    const l1 = tarLayer({ 'etc/a': 'one', 'etc/b': 'b', 'usr/x': 'x' }, { gzip: true });
    const l2 = tarLayer({ 'etc/a': 'two' }, { gzip: true });
    const source = memorySource([l1, l2]);
    const fs = await indexFilesystem(source, [
      { name: 'etc', selects: (p) => p.startsWith('/etc/'), maxBytes: 100 },
    ]);
    expect(paths(fs)).toEqual(['/etc/a', '/etc/b']);
    expect(fs.files.get('/etc/a')?.content?.toString()).toBe('two');
    expect(fs.files.get('/etc/a')?.layerDigest).toBe(source.layers[1]!.digest);
    expect(fs.files.get('/etc/b')?.layerDigest).toBe(source.layers[0]!.digest);
    expect(fs.layers.map((l) => l.entries)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(fs.layers[0]!.uncompressedBytes).toBeGreaterThan(fs.layers[0]!.compressedBytes);
  });

  describe('when a later layer has whiteouts', () => {
    it('.wh.<name> deletes the file, or the directory and everything under it, from lower layers', async () => {
      const l1 = tarLayer({
        'app/node_modules/left/package.json': '{}',
        'app/node_modules/left/lib/x.js': '',
        'app/node_modules/right/package.json': '{}',
        'etc/keep': 'k',
        'etc/gone': 'g',
      });
      const l2 = tarLayer({ 'app/node_modules/.wh.left': '', 'etc/.wh.gone': '' });
      const fs = await indexFilesystem(memorySource([l1, l2]), [keepAll]);
      expect(paths(fs)).toEqual(['/app/node_modules/right/package.json', '/etc/keep']);
    });

    it('.wh..wh..opq hides what lower layers put in the directory but keeps the same layer’s files', async () => {
      const l1 = tarLayer({ 'opt/old/a': 'a', 'opt/old/sub/b': 'b', 'opt/other': 'o' });
      const l2 = tarLayer({ 'opt/old/.wh..wh..opq': '', 'opt/old/new': 'n' });
      const fs = await indexFilesystem(memorySource([l1, l2]), [keepAll]);
      expect(paths(fs)).toEqual(['/opt/old/new', '/opt/other']);
    });

    it('a file re-added by a layer above the whiteout exists again', async () => {
      const l1 = tarLayer({ 'etc/x': 'v1' });
      const l2 = tarLayer({ 'etc/.wh.x': '' });
      const l3 = tarLayer({ 'etc/x': 'v3' });
      const fs = await indexFilesystem(memorySource([l1, l2, l3]), [keepAll]);
      expect(fs.files.get('/etc/x')?.content?.toString()).toBe('v3');
    });
  });

  it('a directory in a later layer replaces a file or link at its path (the SBOM never lists it)', async () => {
    // Found by test/sbom/layers.property.test.ts: the lower layer's link stayed in the merged filesystem.
    const l1 = writeTar([
      { name: 'usr/lib/libx.so', content: 'ELF' },
      { name: 'etc/conf', type: '2', linkname: '/etc/passwd' },
    ]);
    const l2 = writeTar([
      { name: 'usr/lib/libx.so', type: '5' },
      { name: 'etc/conf/', type: '5' },
      { name: 'etc/conf/real', content: 'x' },
    ]);
    const fs = await indexFilesystem(memorySource([l1, l2]), [keepAll]);
    expect(paths(fs)).toEqual(['/etc/conf/real']);
  });

  describe('when a layer holds entries that climb out of the root', () => {
    it('ignores them with a warning and never keeps them', async () => {
      const hostile = tarLayer(
        { 'evil/passwd': 'root::0:0', 'ok/file': 'fine' },
        { transform: 's,^evil/,../../etc/,' },
      );
      const fs = await indexFilesystem(memorySource([hostile]), [keepAll]);
      expect(paths(fs)).toEqual(['/ok/file']);
      expect(fs.warnings.join('\n')).toMatch(/outside the root: \.\.\/\.\.\/etc\/passwd/);
    });
  });

  it('follows symlinks between kept files', async () => {
    const layer = tarLayer({
      'usr/lib/os-release': 'ID=debian\n',
      'etc/os-release': { symlink: '../usr/lib/os-release' },
    });
    const fs = await indexFilesystem(memorySource([layer]), [keepAll]);
    expect(fs.resolve('/etc/os-release')?.content?.toString()).toBe('ID=debian\n');
  });

  it('extracts at read time and keeps only the extracted value', async () => {
    const layer = tarLayer({
      'bin/tool': { content: '\x7fELF-payload', mode: 0o755 },
      'bin/script': { content: '#!/bin/sh', mode: 0o755 },
    });
    const selector: FileSelector = {
      name: 'elf',
      selects: (_p, e) => (e.mode & 0o111) !== 0,
      maxBytes: 1 << 20,
      magic: Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]),
      extract: (content) => content.length,
    };
    const fs = await indexFilesystem(memorySource([layer]), [selector]);
    expect(paths(fs)).toEqual(['/bin/tool']);
    expect(fs.files.get('/bin/tool')?.content).toBeUndefined();
    expect(fs.files.get('/bin/tool')?.extracted.get('elf')).toBe(12);
  });

  it('skips files over the selector limit with a warning', async () => {
    const layer = tarLayer({ 'var/lib/big': Buffer.alloc(5000) });
    const fs = await indexFilesystem(memorySource([layer]), [
      { name: 'small', selects: () => true, maxBytes: 100 },
    ]);
    expect(fs.files.size).toBe(0);
    expect(fs.warnings[0]).toMatch(
      /\/var\/lib\/big in layer sha256:[0-9a-f]{64}: skipped.*5000 bytes is over the file-bytes limit.*limits: file-bytes=/,
    );
  });

  describe('when a layer is not a tar', () => {
    it('fails with LAYER_NOT_TAR naming the layer', async () => {
      const good = tarLayer({ 'a/b': 'c' });
      const source = memorySource([good, Buffer.from('definitely not a tar archive'.repeat(40))]);
      const err = await indexFilesystem(source, [keepAll]).catch((e) => e);
      expect(err).toBeInstanceOf(SbomError);
      expect(err.code).toBe('LAYER_NOT_TAR');
      expect(err.message).toContain(`layer 2 of 2 (${source.layers[1]!.digest})`);
    });
  });
});
