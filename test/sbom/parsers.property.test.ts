import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitError } from '../../packages/action-kit/src';
import { decompressLayer } from '../../packages/sbom/src/decompress';
import { parseApkInstalled } from '../../packages/sbom/src/catalogers/apk';
import { parseDebianCopyright } from '../../packages/sbom/src/catalogers/dpkg';
import { parseGoBuildInfo } from '../../packages/sbom/src/catalogers/golang';
import { parseOsRelease } from '../../packages/sbom/src/catalogers/os-release';
import { parseRpmHeader } from '../../packages/sbom/src/catalogers/rpm';
import { readJavaArchive } from '../../packages/sbom/src/catalogers/java';
import { readTar } from '../../packages/sbom/src/tar';
import { resolveImage } from '../../packages/sbom/src/image';
import { SbomError } from '../../packages/sbom/src/errors';
import { parseParagraphs } from '../../packages/sbom/src/catalogers/cataloger';
import { UnsupportedGoBuildInfo } from '../../packages/sbom/src/catalogers/golang';
import {
  archiveBudget,
  javaCataloger,
  parseManifest,
  zipEntries,
} from '../../packages/sbom/src/catalogers/java';
import { springBootJar, zip } from './java-fixture';
import { tarLayer } from './helpers';
import { mutated, runs } from '../support/fuzz';

// Property-based tests (#19) of the readers of what an image hands us. Each property: on any input — random bytes,
// or a valid archive with bytes flipped, cut or spliced — the reader ends (vitest's timeout bounds it) with a result
// or with its own error type, never with a TypeError/RangeError from reading past a buffer or a hang. Every crash
// found became a regression case from test/fixtures/hostile/, replayed below.

const HOSTILE = path.join(__dirname, '..', 'fixtures', 'hostile');
const RUNS = runs(300);

async function drainTar(bytes: Buffer): Promise<unknown> {
  try {
    for await (const entry of readTar(Readable.from([bytes]))) {
      if (entry.size < 4096) await entry.read();
    }
    return 'ok';
  } catch (e) {
    return e;
  }
}

const ownTarError = (e: unknown) => e === 'ok' || e instanceof SbomError || e instanceof LimitError;

describe('readTar', () => {
  const seeds = [
    tarLayer({
      'etc/os-release': 'ID=x\n',
      'a/b': { symlink: '../c' },
      'c/d': { hardlink: 'etc/os-release' },
    }),
    tarLayer({ [`${'long/'.repeat(30)}name`]: 'x', y: 'z' }, { format: 'pax' }),
    tarLayer({ [`${'gnu/'.repeat(40)}name`]: 'x' }, { format: 'gnu' }),
    tarLayer({ [`${'u/'.repeat(60)}name`]: 'x' }, { format: 'ustar' }),
  ];

  it('ends with entries or its own error on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        expect(ownTarError(await drainTar(Buffer.from(bytes)))).toBe(true);
      }),
      RUNS,
    );
  });

  it.each(seeds.map((s, i) => [i, s] as const))(
    'ends with entries or its own error on mutated tar %i',
    async (_i, seed) => {
      await fc.assert(
        fc.asyncProperty(mutated(seed), async (bytes) => {
          const outcome = await drainTar(bytes);
          expect(ownTarError(outcome), String(outcome)).toBe(true);
        }),
        RUNS,
      );
    },
  );

  it.each(readdirSync(HOSTILE).filter((f) => f.startsWith('tar-')))('replays %s', async (file) => {
    const outcome = await drainTar(readFileSync(path.join(HOSTILE, file)));
    expect(ownTarError(outcome), String(outcome)).toBe(true);
  });
});

describe('decompressLayer', () => {
  const gz = gzipSync(tarLayer({ 'a/b': 'hello '.repeat(200) }));

  it('ends with bytes or SbomError on a mutated gzip stream', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(gz), async (bytes) => {
        try {
          for await (const _ of decompressLayer(Readable.from([bytes]))) void _;
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(SbomError);
        }
      }),
      RUNS,
    );
  });
});

describe('the zip/jar reader', () => {
  const seeds = [
    springBootJar(),
    zip({
      'META-INF/MANIFEST.MF': 'Implementation-Title: x\nImplementation-Version: 1\n',
      'lib/a.jar': zip({ b: 'c' }),
    }),
  ];

  it.each(seeds.map((s, i) => [i, s] as const))(
    'the cataloger extract never throws and stays inside its budget on mutated archive %i',
    (_i, seed) => {
      fc.assert(
        fc.property(mutated(seed), (bytes) => {
          const extract = javaCataloger.selectors[0]!.extract!;
          const out = extract(bytes, '/app/app.jar', { 'archive-unpacked-bytes': 1024 * 1024 }) as
            { artifacts: unknown[] } | { error: string };
          expect('artifacts' in out || typeof out.error === 'string').toBe(true);
        }),
        RUNS,
      );
    },
  );

  it('zipEntries never reads outside the buffer: undefined, or entries whose names come from it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        // A random buffer with an end-of-central-directory record planted at its end.
        const end = Buffer.alloc(22);
        end.writeUInt32LE(0x06054b50, 0);
        end.writeUInt16LE(bytes.length % 7, 10);
        end.writeUInt32LE(bytes.length % 97, 16);
        const buf = Buffer.concat([Buffer.from(bytes), end]);
        let entries: ReturnType<typeof zipEntries>;
        try {
          entries = zipEntries(buf);
        } catch (e) {
          throw new Error(`zipEntries threw ${String(e)}`);
        }
        for (const e of entries ?? []) expect(e.name.length).toBeLessThanOrEqual(buf.length);
      }),
      RUNS,
    );
  });

  it('readJavaArchive inflates no more than archive-unpacked-bytes, however the sizes lie', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 8 }), (kib, copies) => {
        const big = Buffer.alloc(kib * 1024);
        const inner = zip({ 'x.jar': big });
        const outer = zip(
          Object.fromEntries(Array.from({ length: copies }, (_, i) => [`l/${i}.jar`, inner])),
        );
        const budget = archiveBudget({ 'archive-unpacked-bytes': 100 * 1024 });
        readJavaArchive(outer, 'o.jar', 0, budget);
        expect(budget.inflated).toBeLessThanOrEqual(100 * 1024);
      }),
      runs(100),
    );
  });
});

describe('package database and metadata readers', () => {
  it('parseRpmHeader returns a header or throws its own error on any bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1024 }),
        fc.nat({ max: 40 }),
        fc.nat({ max: 400 }),
        (bytes, il, dl) => {
          const head = Buffer.alloc(8);
          head.writeUInt32BE(il, 0);
          head.writeUInt32BE(dl, 4);
          try {
            parseRpmHeader(Buffer.concat([head, Buffer.from(bytes)]));
          } catch (e) {
            expect(String(e)).toMatch(/rpm header/);
          }
        },
      ),
      RUNS,
    );
  });

  it('parseGoBuildInfo returns info, undefined or its own error on bytes around the build-info magic', () => {
    const magic = Buffer.from('\xff Go buildinf:', 'latin1');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.uint8Array({ maxLength: 256 }), (before, after) => {
        const buf = Buffer.concat([Buffer.from(before), magic, Buffer.from(after)]);
        try {
          const info = parseGoBuildInfo(buf);
          if (info) expect(typeof info.goVersion).toBe('string');
        } catch (e) {
          expect(e instanceof UnsupportedGoBuildInfo || /Go build info/.test(String(e)), String(e)).toBe(
            true,
          );
        }
      }),
      RUNS,
    );
  });

  it.each([
    ['parseParagraphs (dpkg status)', (t: string) => parseParagraphs(t)],
    ['parseApkInstalled', parseApkInstalled],
    ['parseOsRelease', parseOsRelease],
    ['parseDebianCopyright', parseDebianCopyright],
    ['parseManifest (MANIFEST.MF)', parseManifest],
  ])('%s never throws on any text', (_name, parse) => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '',
        ' ',
        'Package: x',
        'Version: 1',
        ' continued',
        'P:x',
        'V:1',
        'ID="q',
        'License: MIT',
        '.',
      ),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        parse(lines.join('\n'));
      }),
      RUNS,
    );
  });

  it('the line readers stay linear on a long line of separators', () => {
    const started = Date.now();
    const text = `${':'.repeat(200_000)}\n${' '.repeat(200_000)}\n${'='.repeat(200_000)}`;
    parseParagraphs(text);
    parseApkInstalled(text);
    parseOsRelease(text);
    parseDebianCopyright(text);
    parseManifest(text);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('manifest and index JSON', () => {
  it('resolveImage ends with sources or SbomError on any JSON a registry returns', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), async (root, child) => {
        const rootBytes = Buffer.from(JSON.stringify(root) ?? 'null');
        const childBytes = Buffer.from(JSON.stringify(child) ?? 'null');
        const store = {
          manifest: async (digest: string) => (digest === 'root' ? rootBytes : childBytes),
          blob: async () => childBytes,
          openBlob: async () => Readable.from([]),
        };
        try {
          await resolveImage(store, 'r/x', 'root');
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(SbomError);
        }
      }),
      RUNS,
    );
  });

  it.each(readdirSync(HOSTILE).filter((f) => /^(manifest|index)-.*\.json$/.test(f)))(
    'replays %s as the root, and as the platform manifest of an index, with INVALID_IMAGE',
    async (file) => {
      const bytes = readFileSync(path.join(HOSTILE, file));
      const index = Buffer.from(
        JSON.stringify({
          manifests: [{ digest: 'child', size: 1, platform: { os: 'linux', architecture: 'amd64' } }],
        }),
      );
      for (const [root, child] of [
        [bytes, bytes],
        [index, bytes],
      ] as const) {
        const store = {
          manifest: async (digest: string) => (digest === 'root' ? root : child),
          blob: async () => Buffer.from('{}'),
          openBlob: async () => Readable.from([]),
        };
        const outcome = await resolveImage(store, 'r/x', 'root').then(
          (sources) => sources,
          (e: unknown) => e,
        );
        if (outcome instanceof Error) {
          expect(outcome).toBeInstanceOf(SbomError);
          expect((outcome as SbomError).code).toMatch(/INVALID_IMAGE|PLATFORM_NOT_FOUND/);
        } else {
          expect(outcome).toEqual([]);
        }
      }
    },
  );
});
