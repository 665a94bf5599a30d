import { describe, expect, it } from 'vitest';
import { catalogImage } from '../../packages/sbom/src/catalog';
import { parseRpmHeader, rpmSqliteSupported } from '../../packages/sbom/src/catalogers/rpm';
import { memorySource, tarLayer } from './helpers';
import { BASH, KEY, OPENSSL, rpmdb, ubiRelease } from './rpm-fixture';

describe('parseRpmHeader', () => {
  it('reads name, version, release, epoch, arch, license and the source rpm', () => {
    expect(parseRpmHeader(OPENSSL)).toEqual({
      name: 'openssl-libs',
      version: '3.0.7',
      release: '24.el9',
      epoch: 1,
      arch: 'x86_64',
      license: 'ASL 2.0',
      vendor: 'Red Hat, Inc.',
      url: 'http://www.openssl.org/',
      summary: 'A general purpose cryptography library with TLS implementation',
      sourceRpm: 'openssl-3.0.7-24.el9.src.rpm',
    });
  });

  it('refuses a header whose sizes do not fit', () => {
    expect(() => parseRpmHeader(OPENSSL.subarray(0, 40))).toThrow(/sizes do not fit/);
  });
});

describe.runIf(rpmSqliteSupported())('catalogImage on a UBI-like image (node:sqlite)', () => {
  it('lists the rpm packages with purls, licenses and suppliers, skipping gpg-pubkey', async () => {
    const catalog = await catalogImage(
      memorySource(
        [tarLayer({ 'etc/os-release': ubiRelease, 'var/lib/rpm/rpmdb.sqlite': rpmdb([BASH, OPENSSL, KEY]) })],
        { name: 'localhost:5000/acme/ubi' },
      ),
    );
    const rpms = catalog.packages.filter((p) => p.ecosystem === 'rpm');
    expect(rpms.map((p) => p.purl).sort()).toEqual([
      'pkg:rpm/rhel/bash@5.1.8-6.el9?arch=x86_64&distro=rhel-9.3',
      'pkg:rpm/rhel/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rhel-9.3&epoch=1&upstream=openssl',
    ]);
    const openssl = rpms.find((p) => p.name === 'openssl-libs')!;
    expect(openssl).toMatchObject({
      version: '1:3.0.7-24.el9',
      supplier: 'Red Hat, Inc.',
      homepage: 'http://www.openssl.org/',
      licenses: [{ declared: 'ASL 2.0' }],
      location: { path: '/var/lib/rpm/rpmdb.sqlite' },
    });
    expect(catalog.uncatalogued).toEqual([]);
  });

  it('names an rpmdb.sqlite it cannot read, and still writes the rest', async () => {
    const catalog = await catalogImage(
      memorySource([tarLayer({ 'var/lib/rpm/rpmdb.sqlite': 'SQLite format 3\u0000 broken' })], {
        name: 'x/y',
      }),
    );
    expect(catalog.warnings.some((w) => w.startsWith('/var/lib/rpm/rpmdb.sqlite: not read ('))).toBe(true);
  });
});

describe.runIf(!rpmSqliteSupported())('when Node.js has no node:sqlite (Node 20)', () => {
  it('reports rpmdb.sqlite as not catalogued, saying what Node.js it needs', async () => {
    const catalog = await catalogImage(
      memorySource([tarLayer({ 'var/lib/rpm/rpmdb.sqlite': 'SQLite format 3\u0000' })], { name: 'x/y' }),
    );
    expect(catalog.uncatalogued).toEqual([
      expect.objectContaining({
        ecosystem: 'rpm',
        count: 1,
        reason: expect.stringContaining('Node.js ≥ 22.13'),
      }),
    ]);
  });
});
