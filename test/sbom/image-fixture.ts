import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, type FileSpec, memorySource, tarLayer } from './helpers';
import type { Platform } from '@deliverkit/oci-core';

const fixture = (...p: string[]) => readFileSync(join(FIXTURES, ...p));

/** A dpkg status entry whose second line is not a field: the cataloger must skip just this one. */
export const CORRUPT_DPKG_ENTRY = `Package: broken-pkg
this line is garbage without a colon
Version: 1.0
Status: install ok installed
`;

export const CONFIG_FILES_ENTRY = `Package: removed-pkg
Status: deinstall ok config-files
Priority: optional
Version: 2.0
Architecture: amd64
`;

/**
 * A three-layer Debian-based application image: real dpkg status entries and copyright files from
 * Debian 12, an npm app with nested node_modules, Python dist-info and egg-info, the prebuilt Go
 * binary for the platform, and a top layer that deletes one npm package and one Python
 * distribution by whiteout. Files only on arm64 let tests check per-platform results.
 */
const built = new Map<string, Buffer[]>();

export function debianAppLayers(platform: Platform): Buffer[] {
  const cached = built.get(platform.architecture);
  if (cached) return cached;
  const layers = buildDebianAppLayers(platform);
  built.set(platform.architecture, layers);
  return layers;
}

function buildDebianAppLayers(platform: Platform): Buffer[] {
  const arch = platform.architecture;
  const base: Record<string, FileSpec> = {
    'usr/lib/os-release': fixture('debian', 'os-release'),
    'etc/os-release': { symlink: '../usr/lib/os-release' },
    'var/lib/dpkg/status': Buffer.concat([
      fixture('debian', 'status'),
      Buffer.from(`\n${CORRUPT_DPKG_ENTRY}\n${CONFIG_FILES_ENTRY}`),
    ]),
  };
  for (const p of ['base-files', 'zlib1g', 'libc6', 'tzdata', 'libgcc-s1']) {
    base[`usr/share/doc/${p}/copyright`] = fixture('debian', 'copyright', p);
  }
  const app: Record<string, FileSpec> = {
    'app/package.json': JSON.stringify({
      name: 'fixture-app',
      version: '1.0.0',
      license: 'UNLICENSED',
      dependencies: { 'left-pad': '^1.3.0', '@scope/util': '^2.0.0', ms: '^2.1.3' },
    }),
    'app/package-lock.json': JSON.stringify({
      name: 'fixture-app',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: {
        '': { name: 'fixture-app', version: '1.0.0' },
        'node_modules/ms': {
          version: '2.1.3',
          resolved: 'https://registry.npmjs.org/ms/-/ms-2.1.3.tgz',
          integrity:
            'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==',
          license: 'MIT',
        },
      },
    }),
    'app/node_modules/left-pad/package.json': JSON.stringify({
      name: 'left-pad',
      version: '1.3.0',
      license: 'WTFPL',
    }),
    'app/node_modules/ms/package.json': JSON.stringify({ name: 'ms', version: '2.1.3', license: 'MIT' }),
    'app/node_modules/@scope/util/package.json': JSON.stringify({
      name: '@scope/util',
      version: '2.0.1',
      license: '(MIT OR Apache-2.0)',
      dependencies: { ms: '^2.0.0' },
    }),
    'app/node_modules/@scope/util/node_modules/ms/package.json': JSON.stringify({
      name: 'ms',
      version: '2.0.0',
      licenses: [{ type: 'MIT' }],
    }),
    // Not a package root: a nested package.json that only sets the module type.
    'app/node_modules/@scope/util/dist/esm/package.json': JSON.stringify({ type: 'module' }),
    'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA': fixture('python', 'six.METADATA'),
    'usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA': fixture(
      'python',
      'requests.METADATA',
    ),
    'usr/lib/python3/dist-packages/Legacy_Thing-0.9.egg-info/PKG-INFO': fixture('python', 'legacy.PKG-INFO'),
    'usr/local/bin/app': { content: fixture(`go-app-${arch === 'arm64' ? 'arm64' : 'amd64'}`), mode: 0o755 },
  };
  if (arch === 'arm64') {
    app['app/node_modules/arm-only/package.json'] = JSON.stringify({
      name: 'arm-only',
      version: '0.1.0',
      license: 'ISC',
    });
  }
  const cleanup: Record<string, FileSpec> = {
    'app/node_modules/.wh.left-pad': '',
    'usr/lib/python3/dist-packages/.wh.requests-2.31.0.dist-info': '',
  };
  return [
    tarLayer(base, { gzip: true }),
    tarLayer(app, { gzip: true, format: 'pax' }),
    tarLayer(cleanup, { gzip: true }),
  ];
}

export function debianAppSource(platform: Platform = { os: 'linux', architecture: 'amd64' }) {
  return memorySource(debianAppLayers(platform), { platform, name: 'localhost:5000/acme/app' });
}

export function alpineSource() {
  return memorySource(
    [
      tarLayer(
        {
          'etc/os-release': fixture('alpine', 'os-release'),
          'lib/apk/db/installed': fixture('alpine', 'installed'),
          'usr/share/java/app.jar': 'PK\u0003\u0004 not really a jar',
          'var/lib/rpm/Packages': Buffer.alloc(64),
        },
        { gzip: true },
      ),
    ],
    { name: 'localhost:5000/acme/alpine' },
  );
}
