import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogImage } from '../../packages/sbom/src/catalog';
import { type LayerSource } from '../../packages/sbom/src/types';
import { writeTar } from '@deliverkit/testing-testbed';
import { runs } from '../support/fuzz';

// Property-based test (#19) of the catalogers end to end: whatever text an image puts where a package database or
// manifest belongs, catalogImage lists what it can and warns about the rest; it never fails the whole SBOM with a
// TypeError from one hostile file.

const FILES = [
  'var/lib/dpkg/status',
  'lib/apk/db/installed',
  'etc/os-release',
  'app/node_modules/x/package.json',
  'app/package.json',
  'app/package-lock.json',
  'usr/lib/python3/site-packages/x-1.0.dist-info/METADATA',
  'usr/share/doc/x/copyright',
] as const;

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
  fc
    .record(
      {
        name: fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.constantFrom('@', '@/', '@a/', '/', '%', 'a/b/c', '..'),
        ),
        version: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)),
        license: fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.anything(), { maxLength: 3 })),
        dependencies: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
          fc.anything(),
        ),
        packages: fc.dictionary(fc.string({ maxLength: 12 }), fc.anything(), { maxKeys: 3 }),
        author: fc.anything(),
      },
      { requiredKeys: [] },
    )
    .map((v) => {
      try {
        return JSON.stringify(v) ?? '{}';
      } catch {
        return '{}';
      }
    }),
);
const stanza = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'Package: x',
        'Version: 1',
        'Status: install ok installed',
        'Depends: y (>= 1) | z',
        'P:x',
        'V:1',
      ),
      fc.constantFrom('License: MIT', 'Provides: q', 'Name: x', 'ID=debian', 'VERSION_ID="12"', ''),
      fc.constantFrom(
        'Package: ',
        'P:',
        'V:',
        'Name: ',
        'Version: ',
        'Package: @',
        'Name: /',
        'Metadata-Version: 2.1',
        'Architecture: ',
      ),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join('\n'));

function source(files: Record<string, string>): LayerSource {
  const layer = writeTar(Object.entries(files).map(([name, content]) => ({ name, content })));
  return {
    subject: { name: 'r/x', digest: `sha256:${'0'.repeat(64)}` },
    platform: { os: 'linux', architecture: 'amd64' },
    config: { os: 'linux', architecture: 'amd64' },
    layers: [
      {
        digest: `sha256:${'1'.repeat(64)}`,
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        size: layer.length,
        open: async () => Readable.from([layer]),
      },
    ],
  };
}

describe('catalogImage on hostile package metadata', () => {
  it('lists or warns, never throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          Object.fromEntries(FILES.map((f) => [f, fc.oneof(jsonish, stanza)])) as Record<
            (typeof FILES)[number],
            fc.Arbitrary<string>
          >,
        ),
        async (files) => {
          const catalog = await catalogImage(source(files));
          for (const p of catalog.packages) expect(typeof p.purl).toBe('string');
        },
      ),
      runs(200),
    );
  });

  it('replays test/fixtures/hostile/npm-package-name-at-slash.json: that package is skipped with a warning, the rest listed', async () => {
    const hostile = readFileSync(
      path.join(__dirname, '..', 'fixtures', 'hostile', 'npm-package-name-at-slash.json'),
      'utf8',
    );
    const catalog = await catalogImage(
      source({
        'app/node_modules/bad/package.json': hostile,
        'app/node_modules/good/package.json': '{"name":"good","version":"1.0.0"}',
      }),
    );
    expect(catalog.packages.map((p) => p.purl)).toEqual(['pkg:npm/good@1.0.0']);
    expect(catalog.warnings.join('\n')).toMatch(
      /bad\/package\.json: skipped an npm package\.json whose name is not a package name/,
    );
  });
});
