import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, test } from 'vitest';
import type { ExecOptions, ExecResult } from '@deliverkit/action-kit';
import { BuildError, parsePlatforms } from '@deliverkit/image-build';
import {
  Buildx,
  type BuildxArgsOptions,
  buildxAnnotations,
  buildxBuildArgs,
  exportsSingleManifest,
  parseBuildxCacheStats,
  parseBuildxMetadata,
} from '../../packages/image-build/src/buildx';
import { type BuildSpec, resolveCacheRefs, cacheScopeName } from '../../packages/image-build/src/spec';
import { buildSpec } from './spec';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

const spec = buildSpec;

const push: BuildxArgsOptions = { metadataFile: '/tmp/meta.json', output: { kind: 'push' } };

describe('buildxBuildArgs', () => {
  test.each<[string, Partial<BuildSpec>, BuildxArgsOptions, string[]]>([
    [
      'minimal local build',
      {},
      { metadataFile: '/tmp/m.json', output: { kind: 'cache-only' } },
      ['build', '--platform', 'linux/amd64', '--metadata-file', '/tmp/m.json', '.'],
    ],
    [
      'two platforms pushed under two tags',
      {
        platforms: parsePlatforms(['linux/amd64', 'linux/arm64']),
        tags: ['ghcr.io/o/app:1.2.3', 'ghcr.io/o/app:latest'],
        push: true,
      },
      push,
      [
        'build',
        '--platform',
        'linux/amd64,linux/arm64',
        '--metadata-file',
        '/tmp/meta.json',
        '--tag',
        'ghcr.io/o/app:1.2.3',
        '--tag',
        'ghcr.io/o/app:latest',
        '--push',
        '.',
      ],
    ],
    [
      'file, target, build args, labels, annotations in order',
      {
        file: 'docker/Dockerfile',
        target: 'runtime',
        buildArgs: { VERSION: '1.2.3', GOFLAGS: '-trimpath' },
        labels: { 'org.opencontainers.image.version': '1.2.3' },
        annotations: [
          'index:org.opencontainers.image.version=1.2.3',
          'manifest:org.opencontainers.image.version=1.2.3',
        ],
      },
      { metadataFile: '/m', output: { kind: 'cache-only' } },
      [
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        'docker/Dockerfile',
        '--target',
        'runtime',
        '--build-arg',
        'VERSION=1.2.3',
        '--build-arg',
        'GOFLAGS=-trimpath',
        '--label',
        'org.opencontainers.image.version=1.2.3',
        '--annotation',
        'index:org.opencontainers.image.version=1.2.3',
        '--annotation',
        'manifest:org.opencontainers.image.version=1.2.3',
        '--metadata-file',
        '/m',
        '.',
      ],
    ],
    [
      'secrets by file, registry cache, provenance and sbom',
      {
        secrets: [{ id: 'npmrc', src: '/run/tmp/secret-1' }],
        cacheFrom: ['type=registry,ref=ghcr.io/o/app:buildcache'],
        cacheTo: ['type=registry,ref=ghcr.io/o/app:buildcache,mode=max'],
        push: true,
        tags: ['ghcr.io/o/app:main'],
      },
      { ...push, provenance: 'mode=max', sbom: 'true' },
      [
        'build',
        '--platform',
        'linux/amd64',
        '--secret',
        'id=npmrc,src=/run/tmp/secret-1',
        '--cache-from',
        'type=registry,ref=ghcr.io/o/app:buildcache',
        '--cache-to',
        'type=registry,ref=ghcr.io/o/app:buildcache,mode=max',
        '--provenance',
        'mode=max',
        '--sbom',
        'true',
        '--metadata-file',
        '/tmp/meta.json',
        '--tag',
        'ghcr.io/o/app:main',
        '--push',
        '.',
      ],
    ],
    [
      'push by digest for a matrix job: no tag, canonical name',
      { platforms: parsePlatforms(['linux/arm64']), tags: ['ghcr.io/o/app:main'], push: true },
      { metadataFile: '/m', output: { kind: 'push-by-digest', repository: 'ghcr.io/o/app' }, builder: 'ci' },
      [
        'build',
        '--builder',
        'ci',
        '--platform',
        'linux/arm64',
        '--metadata-file',
        '/m',
        '--output',
        'type=image,name=ghcr.io/o/app,push-by-digest=true,name-canonical=true,push=true',
        '.',
      ],
    ],
    [
      'no cache export when nothing is pushed',
      { cacheTo: ['type=registry,ref=r/app:c,mode=max'], noCache: true },
      { metadataFile: '/m', output: { kind: 'cache-only' } },
      ['build', '--platform', 'linux/amd64', '--no-cache', '--metadata-file', '/m', '.'],
    ],
  ])('%s', (_name, overrides, options, expected) => {
    expect(buildxBuildArgs(spec(overrides), options)).toEqual(expected);
  });

  it('rewrites layer timestamps to SOURCE_DATE_EPOCH in the exporter, for both push outputs', () => {
    const epoch = spec({ sourceDateEpoch: 1700000000, tags: ['r/app:1'], push: true });
    const args = buildxBuildArgs(epoch, { ...push, progress: 'plain' });
    expect(args).toEqual([
      'build',
      '--platform',
      'linux/amd64',
      '--build-arg',
      'SOURCE_DATE_EPOCH=1700000000',
      '--progress',
      'plain',
      '--metadata-file',
      '/tmp/meta.json',
      '--tag',
      'r/app:1',
      '--output',
      'type=image,push=true,rewrite-timestamp=true',
      '.',
    ]);
    expect(
      buildxBuildArgs(epoch, { metadataFile: '/m', output: { kind: 'push-by-digest', repository: 'r/app' } }),
    ).toContain(
      'type=image,name=r/app,push-by-digest=true,name-canonical=true,push=true,rewrite-timestamp=true',
    );
  });

  describe('when the export is one manifest (one platform, no attestations)', () => {
    const annotations = [
      'index:org.opencontainers.image.version=1.2.3',
      'manifest:org.opencontainers.image.version=1.2.3',
      'index,manifest:org.opencontainers.image.revision=abc',
      'org.opencontainers.image.title=app',
    ];

    it('drops the index levels BuildKit would refuse the build for', () => {
      const args = buildxBuildArgs(spec({ annotations }), { ...push, provenance: 'false' });
      expect(args.filter((_, i) => args[i - 1] === '--annotation')).toEqual([
        'manifest:org.opencontainers.image.version=1.2.3',
        'manifest:org.opencontainers.image.revision=abc',
        'org.opencontainers.image.title=app',
      ]);
    });

    test.each<[string, Partial<BuildSpec>, Partial<BuildxArgsOptions>, boolean]>([
      ['one platform, provenance false', {}, { provenance: 'false' }, true],
      ['one platform, provenance false, sbom false', {}, { provenance: 'false', sbom: 'false' }, true],
      ['one platform, buildx default provenance', {}, {}, false],
      ['one platform with an sbom', {}, { provenance: 'false', sbom: 'true' }, false],
      [
        'two platforms',
        { platforms: parsePlatforms(['linux/amd64', 'linux/arm64']) },
        { provenance: 'false' },
        false,
      ],
    ])('%s: single manifest %s', (_name, overrides, options, expected) => {
      expect(exportsSingleManifest(spec(overrides), options)).toBe(expected);
      expect(buildxAnnotations(annotations, expected).length).toBe(expected ? 3 : 4);
    });
  });

  it('never puts a secret value in argv', () => {
    const args = buildxBuildArgs(spec({ secrets: [{ id: 'token', src: '/tmp/s' }] }), push);
    expect(args.join(' ')).not.toMatch(/env=|value=/);
    expect(args).toContain('id=token,src=/tmp/s');
  });
});

describe('resolveCacheRefs scoped to the ref being built', () => {
  const amd64 = parsePlatforms(['linux/amd64']);
  it("main writes main's cache; a branch writes only its own and reads its own and main's", () => {
    expect(
      resolveCacheRefs('buildx', 'ghcr.io/o/app', amd64, 'registry', {
        ref: 'refs/heads/main',
        defaultBranch: 'main',
      }),
    ).toEqual({
      from: ['type=registry,ref=ghcr.io/o/app:buildcache-linux-amd64'],
      to: ['type=registry,ref=ghcr.io/o/app:buildcache-linux-amd64,mode=max'],
    });
    const branch = resolveCacheRefs('buildx', 'ghcr.io/o/app', amd64, 'registry', {
      ref: 'refs/heads/feature/Login',
      defaultBranch: 'main',
    });
    expect(branch).toEqual({
      from: [
        'type=registry,ref=ghcr.io/o/app:buildcache-linux-amd64-feature-Login',
        'type=registry,ref=ghcr.io/o/app:buildcache-linux-amd64',
      ],
      to: ['type=registry,ref=ghcr.io/o/app:buildcache-linux-amd64-feature-Login,mode=max'],
    });
    expect(branch.to.join()).not.toContain('buildcache-linux-amd64,');
    const buildah = resolveCacheRefs('buildah', 'r/app', amd64, 'registry', {
      ref: 'refs/pull/7/merge',
      defaultBranch: 'main',
    });
    expect(buildah).toEqual({
      from: ['r/app-buildcache-linux-amd64-pr-7', 'r/app-buildcache-linux-amd64'],
      to: ['r/app-buildcache-linux-amd64-pr-7'],
    });
  });
  it('names scopes safely: tags, odd characters, and long branch names within the tag limit', () => {
    expect(cacheScopeName({ ref: 'refs/tags/v1.2.0', defaultBranch: 'main' })).toBe('tag-v1.2.0');
    expect(cacheScopeName({ ref: 'refs/heads/a/../b c', defaultBranch: 'main' })).toBe('a-..-b-c');
    const long = cacheScopeName({ ref: `refs/heads/${'x'.repeat(200)}`, defaultBranch: 'main' })!;
    expect(long.length).toBeLessThanOrEqual(48);
    expect(long).toMatch(/^x{39}-[0-9a-f]{8}$/);
    // Two long names that share a prefix still get distinct scopes.
    expect(cacheScopeName({ ref: `refs/heads/${'x'.repeat(199)}y`, defaultBranch: 'main' })).not.toBe(long);
    expect(cacheScopeName({ ref: 'refs/heads/main', defaultBranch: 'main' })).toBeUndefined();
    expect(cacheScopeName({ ref: 'refs/heads/main', defaultBranch: 'trunk' })).toBe('main');
  });
});

describe('resolveCacheRefs', () => {
  it('derives per-platform refs for one-platform builds and one ref for multi-platform builds', () => {
    expect(
      resolveCacheRefs('buildx', 'ghcr.io/o/app:1.0', parsePlatforms(['linux/arm64']), 'registry'),
    ).toEqual({
      from: ['type=registry,ref=ghcr.io/o/app:buildcache-linux-arm64'],
      to: ['type=registry,ref=ghcr.io/o/app:buildcache-linux-arm64,mode=max'],
    });
    expect(
      resolveCacheRefs(
        'buildx',
        'localhost:5000/app',
        parsePlatforms(['linux/amd64', 'linux/arm/v7']),
        'registry',
      ),
    ).toEqual({
      from: ['type=registry,ref=localhost:5000/app:buildcache'],
      to: ['type=registry,ref=localhost:5000/app:buildcache,mode=max'],
    });
    expect(
      resolveCacheRefs('buildah', 'localhost:5000/app:x', parsePlatforms(['linux/arm/v7']), 'registry'),
    ).toEqual({
      from: ['localhost:5000/app-buildcache-linux-arm-v7'],
      to: ['localhost:5000/app-buildcache-linux-arm-v7'],
    });
    expect(resolveCacheRefs('buildx', 'a/b', parsePlatforms(['linux/amd64']), 'none')).toEqual({
      from: [],
      to: [],
    });
  });
});

describe('parseBuildxMetadata', () => {
  it('reads a single-platform --load result (buildx docs sample)', () => {
    const m = parseBuildxMetadata(fixture('buildx-metadata-load.json'));
    expect(m.digest).toBe('sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3');
    expect(m.configDigest).toBe('sha256:2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66');
    expect(m.descriptor?.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(m.descriptor?.size).toBe(506);
    expect(m.buildRef).toBe('mybuilder/mybuilder0/0fjb6ubs52xx3vygf6fgdl611');
    expect(m.imageNames).toEqual([]);
    expect(m.warnings).toEqual([]);
  });

  it('reads a multi-platform --push result: index digest, image names, warnings', () => {
    const m = parseBuildxMetadata(fixture('buildx-metadata-push.json'));
    expect(m.digest).toBe('sha256:420e82ce58a065f65207ba2c2248de3b7493ff7e9ddafcd641e7de6909fd9511');
    expect(m.configDigest).toBeUndefined();
    expect(m.descriptor?.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(m.imageNames).toEqual(['ghcr.io/octo/app:1.2.3', 'ghcr.io/octo/app:latest']);
    expect(m.warnings).toHaveLength(1);
    expect((m.provenance as { buildType: string }).buildType).toBe('https://mobyproject.org/buildkit@v1');
  });

  it('takes the digest from the descriptor when only that is written (imagetools create)', () => {
    expect(parseBuildxMetadata(fixture('buildx-metadata-imagetools.json')).digest).toBe(
      'sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3',
    );
  });

  test.each([
    ['null', /empty/],
    ['{', /not JSON/],
    ['{"containerimage.digest":"sha256:abc"}', /no valid containerimage.digest/],
    [
      JSON.stringify({
        'containerimage.digest': `sha256:${'a'.repeat(64)}`,
        'containerimage.descriptor': { mediaType: 'x', digest: `sha256:${'b'.repeat(64)}`, size: 1 },
      }),
      /differs from its descriptor/,
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parseBuildxMetadata(text)).toThrow(
      expect.objectContaining({ code: 'METADATA_INVALID', message: expect.stringMatching(message) }),
    );
    expect(() => parseBuildxMetadata(text)).toThrow(BuildError);
  });
});

describe('parseBuildxCacheStats', () => {
  it('counts steps, hits and registry-cache downloads per target platform (real progress log)', () => {
    const stats = parseBuildxCacheStats(fixture('buildx-progress-registry-cache.txt'), [
      'linux/amd64',
      'linux/arm64',
    ]);
    // amd64: build 3/3 RUN, stage-1 2/3 RUN (from the registry cache), stage-1 3/3 COPY; arm64: the
    // cross build step (linux/amd64->arm64), the shared COPY src/ named for arm64 in this log, RUN, COPY.
    expect(stats.get('linux/amd64')).toEqual({ steps: 3, hits: 1, pulled: 1 });
    expect(stats.get('linux/arm64')).toEqual({ steps: 4, hits: 1, pulled: 1 });
  });

  it('names one-platform steps without a platform, counts CACHED as a hit and skips FROM and internals', () => {
    const log = [
      '#1 [internal] load build definition from Dockerfile',
      '#5 [build 1/3] FROM r/base:latest@sha256:' + 'a'.repeat(64),
      '#5 CACHED',
      '#6 [build 2/3] COPY src/ /src/',
      '#6 CACHED',
      '#7 [build 3/3] RUN make',
      '#7 DONE 1.2s',
      '#8 [stage-1 2/2] COPY --from=build /out /app',
      '#8 DONE 0.0s',
    ].join('\n');
    expect(parseBuildxCacheStats(log, ['linux/arm64']).get('linux/arm64')).toEqual({
      steps: 3,
      hits: 1,
      pulled: 0,
    });
  });
});

describe('Buildx wrapper', () => {
  // buildx cannot run here: the wrapper is driven through its exec seam with buildx's real output.
  function fakeExec(reply: (cmd: string, args: readonly string[]) => ExecResult) {
    const calls: string[][] = [];
    const exec = async (cmd: string, args: readonly string[], _o?: ExecOptions) => {
      calls.push([cmd, ...args]);
      return reply(cmd, args);
    };
    return { exec, calls };
  }

  it('runs the docker plugin by default and standalone buildx when asked', () => {
    expect(new Buildx().getCommand(['version'])).toEqual({ command: 'docker', args: ['buildx', 'version'] });
    expect(new Buildx({ standalone: true }).getCommand(['version'])).toEqual({
      command: 'buildx',
      args: ['version'],
    });
  });

  test.each([
    ['github.com/docker/buildx v0.19.3 48d6a39', '0.19.3'],
    ['github.com/docker/buildx 0.12.1-desktop.4 6fe5d5b', '0.12.1'],
    ['github.com/docker/buildx 6fe5d5b 6fe5d5b', '6fe5d5b'],
  ])('parses version from %s', (stdout, version) => {
    expect(Buildx.parseVersion(stdout)).toBe(version);
  });

  it('asks the version once', async () => {
    const { exec, calls } = fakeExec(() => ({
      exitCode: 0,
      stdout: 'github.com/docker/buildx v0.19.3 48d6a39\n',
      stderr: '',
    }));
    const buildx = new Buildx({ exec });
    expect(await buildx.version()).toBe('0.19.3');
    expect(await buildx.version()).toBe('0.19.3');
    expect(calls).toEqual([['docker', 'buildx', 'version']]);
  });

  it('is unavailable when the plugin is missing (the real docker client here has none)', async () => {
    expect(await new Buildx().isAvailable()).toBe(false);
  });

  it('is unavailable when the command cannot start', async () => {
    expect(await new Buildx({ standalone: true }).isAvailable()).toBe(false);
  });
});
