import { describe, expect, it } from 'vitest';
import { catalogImage } from '../../packages/sbom/src/catalog';
import { type ImageCatalog } from '../../packages/sbom/src/types';
import { memorySource, tarLayer } from './helpers';
import { alpineSource, debianAppSource } from './image-fixture';

const purls = (c: ImageCatalog) => c.packages.map((p) => p.purl).sort();
const byName = (c: ImageCatalog, name: string) => c.packages.filter((p) => p.name === name);

describe('catalogImage on a Debian-based application image', () => {
  it('finds exactly the packages present in the final filesystem', async () => {
    const catalog = await catalogImage(debianAppSource());
    expect(catalog.distro).toMatchObject({ id: 'debian', versionId: '12', versionCodename: 'bookworm' });
    const deb = purls(catalog).filter((p) => p.startsWith('pkg:deb/'));
    expect(deb.map((p) => p.replace(/@.*/, ''))).toEqual([
      'pkg:deb/debian/base-files',
      'pkg:deb/debian/gcc-12-base',
      'pkg:deb/debian/libc6',
      'pkg:deb/debian/libgcc-s1',
      'pkg:deb/debian/tzdata',
      'pkg:deb/debian/zlib1g',
    ]);
    expect(purls(catalog).filter((p) => !p.startsWith('pkg:deb/'))).toEqual([
      'pkg:golang/example.com/sbomfixture',
      'pkg:golang/github.com/acme/left@v1.2.3',
      'pkg:golang/github.com/acme/right-fork@v1.0.1',
      'pkg:golang/stdlib@1.19.8',
      'pkg:npm/%40scope/util@2.0.1',
      'pkg:npm/fixture-app@1.0.0',
      'pkg:npm/ms@2.0.0',
      'pkg:npm/ms@2.1.3',
      'pkg:pypi/legacy-thing@0.9',
      'pkg:pypi/six@1.16.0',
    ]);
  });

  it('writes dpkg purls with epoch, arch, distro and source package', async () => {
    const catalog = await catalogImage(debianAppSource());
    const zlib = byName(catalog, 'zlib1g')[0]!;
    expect(zlib.purl).toMatch(
      /^pkg:deb\/debian\/zlib1g@1:1\.2\.13\.dfsg-1\?arch=amd64&distro=debian-12&upstream=zlib$/,
    );
    expect(zlib.location.path).toBe('/var/lib/dpkg/status');
    expect(zlib.dependsOn).toEqual([byName(catalog, 'libc6')[0]!.id]);
  });

  it.each([
    [
      'a binNMU (same source name, older source version)',
      'bash',
      'Source: bash (5.2.15-2)\nVersion: 5.2.15-2+b8',
      'bash@5.2.15-2',
    ],
    ['another source name, same version', 'libc-bin', 'Source: glibc\nVersion: 2.36-9', 'glibc'],
    [
      'another source name and version',
      'libcap2-bin',
      'Source: libcap2 (1:2.66-4)\nVersion: 1:2.66-4+b1',
      'libcap2@1:2.66-4',
    ],
    ['no Source field', 'dash', 'Version: 0.5.12-2', undefined],
  ])('names the source package of %s in the upstream qualifier', async (_, name, fields, upstream) => {
    const status = `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\n${fields}\n`;
    const catalog = await catalogImage(
      memorySource([
        tarLayer({ 'var/lib/dpkg/status': status, 'etc/os-release': 'ID=debian\nVERSION_ID=12\n' }),
      ]),
    );
    const [pkg] = catalog.packages;
    expect(new URLSearchParams(pkg!.purl.split('?')[1]).get('upstream') ?? undefined).toBe(upstream);
  });

  it('reads licenses from machine-readable and free-form copyright files', async () => {
    const catalog = await catalogImage(debianAppSource());
    const spdx = (n: string) => byName(catalog, n)[0]!.licenses.map((l) => l.spdx ?? `(${l.declared})`);
    expect(spdx('zlib1g')).toEqual(['Zlib']);
    expect(spdx('tzdata')).toEqual(['(public-domain)']);
    expect(spdx('libc6')).toEqual(['LGPL-2.1-only', 'GPL-2.0-only']);
    expect(spdx('base-files')).toEqual(['(GPL)']);
  });

  it('skips a corrupt dpkg entry and config-files leftovers, with a warning for the corrupt one', async () => {
    const catalog = await catalogImage(debianAppSource());
    expect(byName(catalog, 'broken-pkg')).toEqual([]);
    expect(byName(catalog, 'removed-pkg')).toEqual([]);
    expect(catalog.warnings.filter((w) => w.includes('broken-pkg'))).toEqual([
      expect.stringMatching(/\/var\/lib\/dpkg\/status line \d+ \(broken-pkg\): skipped a corrupt dpkg entry/),
    ]);
  });

  it('resolves npm dependencies the way Node does (nested node_modules first)', async () => {
    const catalog = await catalogImage(debianAppSource());
    const [util] = byName(catalog, '@scope/util');
    const ms = byName(catalog, 'ms');
    const nested = ms.find((p) => p.version === '2.0.0')!;
    const top = ms.find((p) => p.version === '2.1.3')!;
    expect(util!.dependsOn).toEqual([nested.id]);
    expect(util!.licenses).toEqual([{ declared: '(MIT OR Apache-2.0)', spdx: '(MIT OR Apache-2.0)' }]);
    expect(nested.licenses).toEqual([{ declared: 'MIT', spdx: 'MIT' }]);
    expect(top.properties['npm:integrity']).toMatch(/^sha512-/);
    const app = byName(catalog, 'fixture-app')[0]!;
    expect(app.properties['npm:application']).toBe('true');
    // left-pad was deleted by a whiteout, so the app's dependency on it has no target.
    expect(app.dependsOn.sort()).toEqual([util!.id, top.id].sort());
  });

  it('reads Python licenses from License, License-Expression and classifiers', async () => {
    const catalog = await catalogImage(debianAppSource());
    expect(byName(catalog, 'six')[0]!.licenses).toEqual([{ declared: 'MIT', spdx: 'MIT' }]);
    // The pasted license text is ignored in favour of the classifiers; "BSD License" has no single SPDX id.
    expect(byName(catalog, 'Legacy_Thing')[0]!.licenses).toEqual([
      { declared: 'License :: OSI Approved :: BSD License' },
      { declared: 'License :: OSI Approved :: ISC License (ISCL)', spdx: 'ISC' },
    ]);
  });

  it('reads the Go build info of the binary: main module, deps with replacement applied, stdlib', async () => {
    const catalog = await catalogImage(debianAppSource());
    const main = catalog.packages.find((p) => p.properties['go:role'] === 'main')!;
    expect(main).toMatchObject({
      name: 'example.com/sbomfixture',
      version: '(devel)',
      purl: 'pkg:golang/example.com/sbomfixture',
    });
    expect(main.location.path).toBe('/usr/local/bin/app');
    expect(main.properties).toMatchObject({
      'go:toolchain': 'go1.19.8',
      'go:GOARCH': 'amd64',
      'go:GOOS': 'linux',
    });
    const fork = byName(catalog, 'github.com/acme/right-fork')[0]!;
    expect(fork.properties['go:replaces']).toBe('github.com/acme/right@v1.0.0');
    expect(main.dependsOn).toHaveLength(3);
  });

  it('lists arm64-only files only in the arm64 catalog', async () => {
    const arm = await catalogImage(debianAppSource({ os: 'linux', architecture: 'arm64' }));
    const amd = await catalogImage(debianAppSource());
    expect(byName(arm, 'arm-only')).toHaveLength(1);
    expect(byName(amd, 'arm-only')).toHaveLength(0);
    expect(arm.packages.find((p) => p.properties['go:role'] === 'main')!.properties['go:GOARCH']).toBe(
      'arm64',
    );
  });
});

describe('catalogImage on an Alpine image', () => {
  it('reads the apk db with licenses and dependencies, and reports what it cannot read', async () => {
    const catalog = await catalogImage(alpineSource());
    expect(purls(catalog)).toEqual([
      'pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1&upstream=busybox',
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1',
      'pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64&distro=alpine-3.19.1',
    ]);
    const zlib = byName(catalog, 'zlib')[0]!;
    expect(zlib.licenses).toEqual([{ declared: 'Zlib', spdx: 'Zlib' }]);
    expect(zlib.dependsOn).toEqual([byName(catalog, 'musl')[0]!.id]);
    expect(catalog.uncatalogued.map((u) => [u.ecosystem, u.count])).toEqual([['rpm', 1]]);
    // A .jar that is not a ZIP is named in a warning, not listed.
    expect(catalog.warnings).toContainEqual(
      '/usr/share/java/app.jar: not read as a Java archive (app.jar is not a ZIP archive)',
    );
  });
});
