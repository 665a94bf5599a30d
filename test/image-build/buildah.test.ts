import { describe, expect, it, test } from 'vitest';
import { ConfigurationError, InputError } from '@deliverkit/action-kit';
import { parseBuilderChoice, parsePlatforms } from '@deliverkit/image-build';
import { parsePlatform } from '../../packages/image-build/src/platform';
import {
  Buildah,
  buildahBuildArgs,
  buildahManifestPushArgs,
  buildahPushLayoutArgs,
  failingStep,
  parseBuildahCacheStats,
} from '../../packages/image-build/src/buildah';
import { argStepCaches } from '../../packages/image-build/src/buildah-cache';
import { selectBackend } from '../../packages/image-build/src/builder';
import { parseFromLines } from '../../packages/image-build/src/dockerfile';
import { buildIndex } from '../../packages/image-build/src/layout-publish';
import { planBuildah } from '../../packages/image-build/src/run-buildah';
import { type BuildSpec, parseAnnotation } from '../../packages/image-build/src/spec';
import { buildSpec } from './spec';

const spec = (overrides: Partial<BuildSpec> = {}) => buildSpec({ context: 'app', ...overrides });

describe('buildahBuildArgs', () => {
  it('builds one platform with layers, cache repos, secrets by file and registry access by auth file', () => {
    const args = buildahBuildArgs(
      spec({
        file: 'app/Dockerfile',
        target: 'runtime',
        buildArgs: { VERSION: '2' },
        labels: { 'org.opencontainers.image.revision': 'abc' },
        annotations: [
          'manifest:org.opencontainers.image.version=2',
          'index:org.opencontainers.image.version=2',
          'a.b=c',
        ],
        secrets: [{ id: 'token', src: '/tmp/s1' }],
      }),
      {
        platform: parsePlatform('linux/arm64'),
        iidFile: '/w/iid',
        cacheFrom: ['r:5000/app-buildcache-linux-arm64'],
        cacheTo: ['r:5000/app-buildcache-linux-arm64'],
        authFile: '/home/u/.docker/config.json',
        tlsVerify: false,
      },
    );
    expect(args).toEqual([
      'build',
      '--platform',
      'linux/arm64',
      '--layers',
      '--file',
      'app/Dockerfile',
      '--target',
      'runtime',
      '--build-arg',
      'VERSION=2',
      '--label',
      'org.opencontainers.image.revision=abc',
      '--annotation',
      'org.opencontainers.image.version=2',
      '--annotation',
      'a.b=c',
      '--secret',
      'id=token,src=/tmp/s1',
      '--cache-from',
      'r:5000/app-buildcache-linux-arm64',
      '--cache-to',
      'r:5000/app-buildcache-linux-arm64',
      '--authfile',
      '/home/u/.docker/config.json',
      '--tls-verify=false',
      '--iidfile',
      '/w/iid',
      'app',
    ]);
  });

  it('drops the cache flags with no-cache', () => {
    const args = buildahBuildArgs(spec({ noCache: true }), {
      platform: parsePlatform('linux/amd64'),
      iidFile: '/i',
      cacheFrom: ['x'],
      cacheTo: ['x'],
    });
    expect(args).not.toContain('--cache-from');
    expect(args).toContain('--no-cache');
  });

  it('puts storage flags before the subcommand', () => {
    expect(new Buildah({ root: '/r', runroot: '/rr', storageDriver: 'vfs' }).getCommand(['build'])).toEqual({
      command: 'buildah',
      args: ['--root', '/r', '--runroot', '/rr', '--storage-driver', 'vfs', 'build'],
    });
  });

  it('pushes to an OCI layout and manifest lists with --all', () => {
    expect(buildahPushLayoutArgs('sha256:1', '/w/oci', '/w/d')).toEqual([
      'push',
      '--format',
      'oci',
      '--digestfile',
      '/w/d',
      'sha256:1',
      'oci:/w/oci',
    ]);
    expect(buildahManifestPushArgs('list', 'r/app:1', '/d', { certDir: '/certs' })).toEqual([
      'manifest',
      'push',
      '--all',
      '--format',
      'oci',
      '--digestfile',
      '/d',
      '--cert-dir',
      '/certs',
      'list',
      'docker://r/app:1',
    ]);
  });

  it('plans one build per platform with per-platform cache repositories', () => {
    const plan = planBuildah(
      spec({ platforms: parsePlatforms(['linux/amd64', 'linux/arm64']), push: true, tags: ['r:5000/app:1'] }),
      {
        buildah: new Buildah(),
        workDir: '/w',
        cacheImage: 'r:5000/app',
      },
    );
    expect(plan.map((p) => p.build.args.slice(0, 3))).toEqual([
      ['build', '--platform', 'linux/amd64'],
      ['build', '--platform', 'linux/arm64'],
    ]);
    expect(plan[1]?.buildArgs).toContain('r:5000/app-buildcache-linux-arm64');
    expect(plan[1]?.buildArgs).not.toContain('r:5000/app-buildcache-linux-amd64');
    expect(plan[1]?.push?.args).toEqual([
      'push',
      '--format',
      'oci',
      '--digestfile',
      '/w/linux-arm64/digest',
      '<image-id>',
      'oci:/w/linux-arm64/oci',
    ]);
  });

  test.each([
    ['buildah version 1.28.2 (image-spec 1.1.0-rc2, runtime-spec 1.0.2-dev)', '1.28.2'],
    ['buildah version 1.39.0-dev (image-spec 1.1.0, runtime-spec 1.2.0)', '1.39.0-dev'],
  ])('parses %s', (stdout, version) => {
    expect(Buildah.parseVersion(stdout)).toBe(version);
  });
});

describe('buildah log parsing', () => {
  const log = [
    '[1/2] STEP 1/3: FROM 127.0.0.1:5000/base:latest AS build',
    '[1/2] STEP 2/3: COPY src/ /src/',
    '--> Pushing cache 127.0.0.1:5000/app-cache:59df5d',
    '[1/2] STEP 3/3: RUN make',
    '--> Cache pulled from remote 127.0.0.1:5000/app-cache:886a63',
    '--> Using cache 586466b370dd294c8123dd59389225ed1070d98ca1de6e9b599ec64821ce5d0e',
    '[2/2] STEP 1/2: FROM 127.0.0.1:5000/base:latest',
    '[2/2] STEP 2/2: RUN false',
    'error building at STEP "RUN false": error while running runtime: exit status 1',
    'Error: error building at STEP "RUN false": exit status 1',
  ].join('\n');

  it('counts cache hits, remote pulls, pushes and steps', () => {
    expect(parseBuildahCacheStats(log)).toEqual({ hits: 1, pulled: 1, pushed: 1, steps: 5, primed: 0 });
  });

  it('names the failing step and the error', () => {
    expect(failingStep(log)).toBe(
      '[2/2] STEP 2/2: RUN false — Error: error building at STEP "RUN false": exit status 1',
    );
  });
});

// Parsing and normalising platforms is @deliverkit/oci-core's (test/oci-core/platform.test.ts); the build's steps get
// its errors as InputErrors.
describe('platforms', () => {
  test.each(['linux', 'plan9/amd64', 'linux/arm64/v7'])('rejects %s naming the platforms input', (text) => {
    expect(() => parsePlatform(text)).toThrow(
      expect.objectContaining({ input: 'platforms', code: 'INPUT_INVALID' }),
    );
    expect(() => parsePlatform(text)).toThrow(InputError);
    expect(() => parsePlatforms(['linux/amd64', text])).toThrow(InputError);
  });
});

describe('annotations', () => {
  test.each([
    ['a.b=c', ['manifest'], 'a.b', 'c'],
    ['index:a.b=c=d', ['index'], 'a.b', 'c=d'],
    ['index,manifest:a=b', ['index', 'manifest'], 'a', 'b'],
    ['manifest-descriptor:a=', ['manifest-descriptor'], 'a', ''],
    ['manifest[linux/amd64]:a=b', ['manifest'], 'a', 'b'],
  ])('%s', (text, levels, key, value) => {
    expect(parseAnnotation(text)).toEqual({ levels, key, value });
  });
  it('rejects an annotation without "="', () => {
    expect(() => parseAnnotation('nokey')).toThrow(InputError);
  });
});

describe('selectBackend', () => {
  const yes = async () => true;
  const no = async () => false;
  test.each([
    ['auto', yes, yes, 'buildx'],
    ['auto', no, yes, 'buildah'],
    ['buildah', yes, yes, 'buildah'],
    ['buildx', yes, no, 'buildx'],
  ] as const)('%s with buildx=%s buildah=%s → %s', async (choice, buildx, buildah, expected) => {
    expect(await selectBackend(choice, { buildx, buildah }, 'builder')).toBe(expected);
  });

  test.each([
    ['auto', /Neither docker buildx nor buildah.*setup-buildx-action.* and set image-builder: buildah$/],
    ['buildx', /setup-buildx-action before this step, or set image-builder: buildah$/],
    ['buildah', /apt-get install -y buildah\), or set image-builder: buildx after/],
  ] as const)(
    "%s with nothing available says how to fix it, naming the caller's input",
    async (choice, message) => {
      const error = await selectBackend(choice, { buildx: no, buildah: no }, 'image-builder').catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: 'MISSING_TOOL', message: expect.stringMatching(message) });
    },
  );

  it('rejects an unknown builder', () => {
    expect(() => parseBuilderChoice('kaniko', 'image-builder')).toThrow(
      expect.objectContaining({
        input: 'image-builder',
        message: expect.stringContaining('Input "image-builder"'),
      }),
    );
  });
});

describe('parseFromLines', () => {
  it('substitutes global ARGs and build args, and marks stages and scratch', () => {
    const dockerfile = [
      'ARG BASE=alpine:3.20',
      'ARG BUILDER',
      'FROM --platform=$BUILDPLATFORM ${BUILDER:-golang:1.23} AS build',
      'RUN go build',
      'FROM ${BASE} AS runtime',
      'FROM build AS test',
      'FROM scratch',
      'FROM \\',
      '  ghcr.io/o/tools@sha256:' + 'a'.repeat(64),
    ].join('\n');
    expect(parseFromLines(dockerfile, { BASE: 'debian:12' })).toEqual([
      { image: 'golang:1.23', platform: '$BUILDPLATFORM', stage: 'build', internal: false },
      { image: 'debian:12', platform: undefined, stage: 'runtime', internal: false },
      { image: 'build', platform: undefined, stage: 'test', internal: true },
      { image: 'scratch', platform: undefined, stage: undefined, internal: true },
      {
        image: `ghcr.io/o/tools@sha256:${'a'.repeat(64)}`,
        platform: undefined,
        stage: undefined,
        internal: false,
      },
    ]);
  });
});

describe('buildIndex', () => {
  const image = (arch: string, n: string) => ({
    platform: { os: 'linux', architecture: arch },
    descriptor: {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${n.repeat(64)}`,
      size: 500,
    },
    size: 1000,
  });

  it('is deterministic and carries platforms and annotations', () => {
    const a = buildIndex([image('amd64', 'a'), image('arm64', 'b')], {
      annotations: { 'org.opencontainers.image.version': '1' },
    });
    const b = buildIndex([image('amd64', 'a'), image('arm64', 'b')], {
      annotations: { 'org.opencontainers.image.version': '1' },
    });
    expect(a.digest).toBe(b.digest);
    expect(a.index.manifests.map((m) => m.platform?.architecture)).toEqual(['amd64', 'arm64']);
    expect(a.index.annotations).toEqual({ 'org.opencontainers.image.version': '1' });
    expect(JSON.parse(a.bytes.toString()).mediaType).toBe('application/vnd.oci.image.index.v1+json');
  });

  it('refuses two images for one platform', () => {
    expect(() => buildIndex([image('amd64', 'a'), image('amd64', 'b')])).toThrow(
      expect.objectContaining({ code: 'MERGE_INVALID' }),
    );
  });
});

describe('argStepCaches', () => {
  it('pairs each ARG step with the cache image buildah pushed for it, ignoring other steps', () => {
    const log = [
      '[1/2] STEP 1/5: FROM r/golang@sha256:aa AS build',
      '[1/2] STEP 2/5: ARG TARGETOS',
      '--> Using cache 12849c1219a8',
      '--> Pushing cache r/app-buildcache-linux-arm64:b2ead2',
      '[1/2] STEP 3/5: ARG TARGETARCH',
      '--> Pushing cache r/app-buildcache-linux-arm64:3b1e99',
      '[1/2] STEP 4/5: WORKDIR /src',
      '--> Cache pulled from remote r/app-buildcache-linux-arm64:0cc803',
      '[1/2] STEP 5/5: RUN go build std',
      '--> Pushing cache r/app-buildcache-linux-arm64:fe0374',
      'STEP 1/2: ARG X=1',
      'STEP 2/2: CMD ["/x"]',
    ].join('\n');
    expect(argStepCaches(log)).toEqual([
      { instruction: 'ARG TARGETOS', ref: 'r/app-buildcache-linux-arm64:b2ead2' },
      { instruction: 'ARG TARGETARCH', ref: 'r/app-buildcache-linux-arm64:3b1e99' },
    ]);
  });
});
