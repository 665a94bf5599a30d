import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registries, parseReference } from '@deliverkit/oci';
import { DockerConfigCredentials } from '../../packages/oci/src/auth';
import { BuildError, type BuildResult, parsePlatforms } from '@deliverkit/image-build';
import { hostPlatform } from '../../packages/image-build/src/platform';
import { formatPlatform } from '@deliverkit/oci-core';
import { Buildah } from '../../packages/image-build/src/buildah';
import { PRIME_TAG } from '../../packages/image-build/src/buildah-cache';
import { buildWithBuildah } from '../../packages/image-build/src/run-buildah';
import { mergeDigests } from '../../packages/image-build/src/run-merge';
import { type BuildSpec } from '../../packages/image-build/src/spec';
import {
  containersEnv,
  ensureTestbed,
  pushBaseImage,
  readBaseImage,
  repoRoot,
  startRegistry,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { readConfig, readImageFile, readIndex } from './image-files';

// Real buildah (vfs, chroot isolation) and qemu binfmt against a basic-auth HTTPS registry of the
// test bed. Each build uses a fresh private buildah store, so nothing comes from another test's
// local layers: cache hits can only come from the registry.
let registry: RegistryHandle;
let registries: Registries;
let work: string;
let secretFile: string;
const env = containersEnv() as Record<string, string>;

function buildah(name: string): Buildah {
  return new Buildah({
    root: path.join(work, `store-${name}`, 'root'),
    runroot: path.join(work, `store-${name}`, 'run'),
  });
}

function appSpec(context: string, overrides: Partial<BuildSpec> = {}): BuildSpec {
  return {
    context,
    platforms: parsePlatforms(['linux/amd64', 'linux/arm64']),
    tags: [],
    labels: {
      'org.opencontainers.image.source': 'https://github.com/octo/app',
      'org.opencontainers.image.version': '1.0.0',
    },
    annotations: [
      'index:org.opencontainers.image.version=1.0.0',
      'manifest:org.opencontainers.image.version=1.0.0',
      'manifest-descriptor:org.opencontainers.image.source=https://github.com/octo/app',
    ],
    // One base name for both stages: the build stage must still get the build host's platform.
    buildArgs: { BASE: `${registry.host}/base:latest`, BUILDER: `${registry.host}/base:latest` },
    secrets: [{ id: 'token', src: secretFile }],
    push: true,
    cacheFrom: [],
    cacheTo: [],
    ...overrides,
  };
}

function registryAccess() {
  return { authFile: registry.authFile, certDir: registry.certDir };
}

beforeAll(async () => {
  await ensureTestbed({ docker: false });
  registry = await startRegistry('basic');
  await pushBaseImage(registry, 'base');
  await pushBaseImage(registry, 'builder');
  registries = new Registries({
    hosts: { [registry.host]: { ca: registry.caPem } },
    credentials: new DockerConfigCredentials({ path: registry.authFile }),
  });
  work = await mkdtemp(path.join(os.tmpdir(), 'deliverkit-build-itg-'));
  secretFile = path.join(work, 'token');
  await writeFile(secretFile, 's3cret-value', { mode: 0o600 });
});

afterAll(async () => {
  registries?.close();
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a two-platform build with buildah and qemu', () => {
  let context: string;
  let first: BuildResult;

  beforeAll(async () => {
    context = path.join(work, 'app');
    await cp(path.join(repoRoot, 'test/fixtures/multiarch-app'), context, { recursive: true });
    first = await buildWithBuildah(
      appSpec(context, { tags: [`${registry.host}/app:1.0.0`, `${registry.host}/app:latest`] }),
      {
        buildah: buildah('first'),
        registries,
        workDir: path.join(work, 'first'),
        cacheImage: `${registry.host}/app`,
        env,
        ...registryAccess(),
      },
    );
  });

  it('pushes an OCI index of linux/amd64 and linux/arm64 under every tag', async () => {
    const app = parseReference(`${registry.host}/app`);
    const { index, descriptor } = await readIndex(registries, app, '1.0.0');
    expect(descriptor.digest).toBe(first.digest);
    expect((await readIndex(registries, app, 'latest')).descriptor.digest).toBe(first.digest);
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(index.manifests.map((m) => m.digest)).toEqual(first.platforms.map((p) => p.digest));
    expect(index.annotations).toEqual({ 'org.opencontainers.image.version': '1.0.0' });
    expect(index.manifests[0]?.annotations).toEqual({
      'org.opencontainers.image.source': 'https://github.com/octo/app',
    });
    expect(first.tags).toEqual([`${registry.host}/app:1.0.0`, `${registry.host}/app:latest`]);
  });

  it('gives each platform a config for its architecture, with labels and manifest annotations', async () => {
    const app = parseReference(`${registry.host}/app`);
    for (const [i, arch] of ['amd64', 'arm64'].entries()) {
      const platform = first.platforms[i]!;
      const { manifest, config } = await readConfig(registries, app, platform.digest!);
      expect(config.architecture).toBe(arch);
      expect(config.config?.Labels?.['org.opencontainers.image.version']).toBe('1.0.0');
      expect(manifest.annotations?.['org.opencontainers.image.version']).toBe('1.0.0');
      expect(platform.size).toBe(manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0));
      expect(platform.durationMs).toBeGreaterThan(0);
    }
  });

  it('ran the arm64 RUN step under qemu and compiled for each TARGETPLATFORM', async () => {
    const app = parseReference(`${registry.host}/app`);
    const [amd64, arm64] = first.platforms;
    expect((await readImageFile(registries, app, arm64!.digest!, 'etc/arch-at-build'))?.trim()).toBe(
      'aarch64',
    );
    expect((await readImageFile(registries, app, amd64!.digest!, 'etc/arch-at-build'))?.trim()).toBe(
      'x86_64',
    );
    expect(await readImageFile(registries, app, arm64!.digest!, 'app/build-info')).toContain(
      'target-platform=linux/arm64',
    );
    expect(await readImageFile(registries, app, arm64!.digest!, 'app/app.sh')).toContain(
      'hello from arm64 (v1)',
    );
    expect(await readImageFile(registries, app, amd64!.digest!, 'app/app.sh')).toContain(
      'hello from amd64 (v1)',
    );
  });

  it('ran the FROM --platform=$BUILDPLATFORM stage natively on the build host for every target', async () => {
    const app = parseReference(`${registry.host}/app`);
    const host = hostPlatform();
    const hostUname = host.architecture === 'amd64' ? 'x86_64' : 'aarch64';
    const base = await readBaseImage();
    for (const p of first.platforms) {
      expect((await readImageFile(registries, app, p.digest!, 'app/build-arch'))?.trim(), p.platform).toBe(
        hostUname,
      );
      expect(await readImageFile(registries, app, p.digest!, 'app/build-info')).toContain(
        `build-platform=${formatPlatform(host)}`,
      );
      // Both stages pinned by digest: the build stage to the host's manifest, the runtime to the target's.
      const manifestOf = (platform: string) => base.platforms.find((b) => b.platform === platform)?.digest;
      expect(p.baseImages).toEqual([
        expect.objectContaining({
          reference: `${registry.host}/base:latest`,
          platform: formatPlatform(host),
          digest: base.indexDigest,
          manifestDigest: manifestOf(formatPlatform(host)),
          stage: 'build',
          final: false,
        }),
        expect.objectContaining({
          reference: `${registry.host}/base:latest`,
          platform: p.platform,
          manifestDigest: manifestOf(p.platform),
          pinned: `${registry.host}/base@${manifestOf(p.platform)}`,
          final: true,
        }),
      ]);
      // The manifest names the runtime stage's base as written, and that platform's manifest.
      const { manifest } = await readConfig(registries, app, p.digest!);
      expect(manifest.annotations?.['org.opencontainers.image.base.name']).toBe(
        `${registry.host}/base:latest`,
      );
      expect(manifest.annotations?.['org.opencontainers.image.base.digest']).toBe(manifestOf(p.platform));
    }
  });

  it('reuses cached layers from the registry after a source-only change, in a fresh store', async () => {
    await writeFile(path.join(context, 'src/app.sh'), '#!/bin/sh\necho "hello from @ARCH@ (v2)"\n', {
      mode: 0o755,
    });
    const second = await buildWithBuildah(appSpec(context, { tags: [`${registry.host}/app:1.0.1`] }), {
      buildah: buildah('second'),
      registries,
      workDir: path.join(work, 'second'),
      cacheImage: `${registry.host}/app`,
      env,
      ...registryAccess(),
    });
    for (const p of second.platforms) {
      // The qemu `RUN uname -m` of the runtime stage does not depend on src/: it comes from the cache.
      expect(p.cache.pulled, `${p.platform} layers pulled from the registry cache`).toBeGreaterThanOrEqual(1);
      // The build stage's three ARG steps were primed from the cache index, so they hit too.
      expect(p.cache.primed, `${p.platform} ARG steps primed`).toBe(3);
      expect(p.cache.hits).toBeGreaterThanOrEqual(p.cache.pulled + 3);
    }
    const prime = await registries.client(registry.host).getManifest('app-buildcache-linux-arm64', PRIME_TAG);
    expect((prime.manifest as { manifests: unknown[] }).manifests).toHaveLength(3);
    expect(first.platforms.every((p) => p.cache.pulled === 0)).toBe(true);
    const app = parseReference(`${registry.host}/app`);
    const arm64 = second.platforms[1]!;
    expect(await readImageFile(registries, app, arm64.digest!, 'app/app.sh')).toContain(
      'hello from arm64 (v2)',
    );
    expect((await readImageFile(registries, app, arm64.digest!, 'etc/arch-at-build'))?.trim()).toBe(
      'aarch64',
    );
  });

  it('distributed: two single builds and a merge give an index like the one-shot build', async () => {
    const singles: BuildResult[] = [];
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      singles.push(
        await buildWithBuildah(appSpec(context, { platforms: parsePlatforms([platform]), tags: [] }), {
          buildah: buildah(`single-${platform.replace('/', '-')}`),
          registries,
          workDir: path.join(work, `single-${platform.replace('/', '-')}`),
          mode: 'single',
          repository: `${registry.host}/dist`,
          cacheImage: `${registry.host}/app`,
          env,
          ...registryAccess(),
        }),
      );
    }
    const dist = parseReference(`${registry.host}/dist`);
    // Pushed by digest only: no tag exists yet.
    expect(await registries.client(registry.host).listTags(dist.repository)).toEqual([]);
    expect(singles.map((s) => s.digest)).toEqual(singles.map((s) => s.platforms[0]!.digest));

    const merged = await mergeDigests(registries, {
      digests: singles.map((s) => `${registry.host}/dist@${s.digest}`),
      tags: [`${registry.host}/dist:1.0.0`, `${registry.host}/mirror:1.0.0`],
      annotations: appSpec(context).annotations,
      inputNames: { digests: 'digests', images: 'images', tags: 'tags' },
    });
    const { index } = await readIndex(registries, dist, '1.0.0');
    const oneShot = (await readIndex(registries, parseReference(`${registry.host}/app`), '1.0.0')).index;
    expect(index.manifests.map((m) => m.platform)).toEqual(oneShot.manifests.map((m) => m.platform));
    expect(index.manifests.map((m) => m.digest)).toEqual(singles.map((s) => s.digest));
    expect(index.annotations).toEqual(oneShot.annotations);
    expect(index.manifests.map((m) => m.annotations)).toEqual(oneShot.manifests.map((m) => m.annotations));
    for (const [i, m] of index.manifests.entries()) {
      const a = await readConfig(registries, dist, m.digest);
      const b = await readConfig(
        registries,
        parseReference(`${registry.host}/app`),
        oneShot.manifests[i]!.digest,
      );
      expect(a.config.architecture).toBe(b.config.architecture);
      expect(a.config.config?.Labels).toEqual(b.config.config?.Labels);
      // buildah adds org.opencontainers.image.base.* itself, naming the cache image a step came from.
      expect(a.manifest.annotations?.['org.opencontainers.image.version']).toBe('1.0.0');
      expect(b.manifest.annotations?.['org.opencontainers.image.version']).toBe('1.0.0');
    }
    // The mirror got the whole image, tag last.
    const mirror = await readIndex(registries, parseReference(`${registry.host}/mirror`), '1.0.0');
    expect(mirror.descriptor.digest).toBe(merged.digest);
    expect(merged.tags).toEqual([`${registry.host}/dist:1.0.0`, `${registry.host}/mirror:1.0.0`]);
  });

  it('merge refuses an index where a platform image is expected', async () => {
    const error = await mergeDigests(registries, {
      digests: [`${registry.host}/app@${first.digest}`],
      tags: [`${registry.host}/app:bad`],
      inputNames: { digests: 'digests', images: 'images', tags: 'tags' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect(error).toMatchObject({ code: 'MERGE_INVALID' });
  });
});

describe('a Dockerfile that fails', () => {
  it('reports the platform and the failing step', async () => {
    const context = path.join(work, 'broken');
    await cp(path.join(repoRoot, 'test/fixtures/multiarch-app'), context, { recursive: true });
    await writeFile(
      path.join(context, 'Dockerfile'),
      `ARG BASE\nFROM \${BASE}\nRUN echo building\nRUN exit 3\n`,
    );
    const error = await buildWithBuildah(
      appSpec(context, { platforms: parsePlatforms(['linux/amd64']), push: false, secrets: [] }),
      {
        buildah: buildah('broken'),
        workDir: path.join(work, 'broken-work'),
        env,
        ...registryAccess(),
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect(error).toMatchObject({ code: 'BUILD_FAILED', platform: 'linux/amd64' });
    expect((error as Error).message).toMatch(
      /linux\/amd64: build failed at STEP \d+\/\d+: RUN exit 3 — Error: .*exit status 3/,
    );
  });
});
