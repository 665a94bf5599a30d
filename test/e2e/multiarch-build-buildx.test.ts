import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registries, parseReference } from '@deliverkit/oci';
import { DockerConfigCredentials } from '../../packages/oci/src/auth';
import { hostPlatform } from '../../packages/image-build/src/platform';
import { formatPlatform } from '@deliverkit/oci-core';
import {
  createRemoteBuilder,
  ensureTestbed,
  pushBaseImage,
  readBaseImage,
  repoRoot,
  startBuildkitd,
  startRegistry,
  stopAll,
  type BuildkitdHandle,
  type RegistryHandle,
  type RemoteBuilder,
} from '@deliverkit/testing-testbed';
import { expectImageRecord } from '../support/image-record';
import { readConfig, readImageFile, readIndex } from '../image-build/image-files';
import { pushMain, pushTag, runMultiarchBuild, SHA, type BuildEvent } from './multiarch-runner';

// The bundled action with builder: buildx, driven through GitHub's contract, against a real BuildKit:
// buildkitd v0.32.2 (OCI worker, Debian's runc, host network, the host's qemu binfmt handler for arm64)
// behind a `buildx create --driver remote` builder, reached as `docker buildx` through the CLI plugin
// in DOCKER_CONFIG (what docker/setup-buildx-action leaves on a runner). No Docker daemon takes part.
const EPOCH = 1700000000;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

let registry: RegistryHandle;
let registries: Registries;
let buildkitd: BuildkitdHandle;
let builder: RemoteBuilder;
let work: string;
let context: string;

const runAction = (
  inputs: Record<string, string>,
  event: BuildEvent,
  extraEnv: Record<string, string> = {},
) => runMultiarchBuild(work, inputs, event, { ...builder.env, ...extraEnv });

function common(): Record<string, string> {
  return {
    context,
    images: `${registry.host}/octo/app`,
    // One base name for both stages: the build stage must still get the build host's platform.
    'build-args': `BASE=${registry.host}/base:latest\nBUILDER=${registry.host}/builder:latest`,
    secrets: 'token=s3cret-value',
    builder: 'buildx',
    'insecure-registries': registry.host,
  };
}

interface PlatformOutput {
  platform: string;
  digest?: string;
  cache: { hits: number; steps: number; pulled: number };
}

const app = () => parseReference(`${registry.host}/octo/app`);
const unameOf = (arch: string) => (arch === 'amd64' ? 'x86_64' : 'aarch64');

beforeAll(async () => {
  await ensureTestbed({ docker: false });
  registry = await startRegistry('plain');
  await pushBaseImage(registry, 'base');
  await pushBaseImage(registry, 'builder');
  registries = new Registries({
    hosts: { [registry.host]: { insecure: true } },
    credentials: new DockerConfigCredentials({ path: '/nonexistent' }),
  });
  buildkitd = await startBuildkitd({ httpRegistries: [registry.host] });
  builder = await createRemoteBuilder(buildkitd);
  work = await mkdtemp(path.join(os.tmpdir(), 'multiarch-buildx-e2e-'));
  context = path.join(work, 'app');
  await cp(path.join(repoRoot, 'test/fixtures/multiarch-app'), context, { recursive: true });
}, 180_000);

afterAll(async () => {
  registries?.close();
  await stopAll();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('multiarch-build with buildx on a real BuildKit (bundled dist)', () => {
  it('dry-run prints the docker buildx command with the registry cache and the secret by file', async () => {
    const run = await runAction(
      {
        ...common(),
        platforms: 'linux/amd64,linux/arm64',
        tags: 'type=sha',
        push: 'true',
        'dry-run': 'true',
      },
      pushMain,
      { SOURCE_DATE_EPOCH: String(EPOCH) },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.summary).toContain('Builder: buildx');
    expect(run.summary).toMatch(/docker buildx build --platform linux\/amd64,linux\/arm64 /);
    expect(run.summary).toContain(`--cache-from type=registry,ref=${registry.host}/octo/app:buildcache`);
    expect(run.summary).toContain(
      `--cache-to type=registry,ref=${registry.host}/octo/app:buildcache,mode=max`,
    );
    expect(run.summary).toContain(`--build-arg SOURCE_DATE_EPOCH=${EPOCH}`);
    expect(run.summary).toContain('--output type=image,push=true,rewrite-timestamp=true');
    expect(run.summary).toMatch(/--secret id=token,src=\S+\/secret-0/);
    expect(run.stdout + run.summary).not.toContain('s3cret-value');
    expect(run.outputs.digest).toBeUndefined();
  });

  let first: { digest: string; platforms: PlatformOutput[] };
  it('builds linux/amd64 and linux/arm64, pushes the index, and writes outputs, provenance and summary', async () => {
    const run = await runAction(
      {
        ...common(),
        platforms: 'linux/amd64,linux/arm64',
        tags: 'type=ref,event=branch\ntype=sha',
        push: 'true',
      },
      pushMain,
      { SOURCE_DATE_EPOCH: String(EPOCH) },
    );
    expect(run.stdout).not.toContain('::error::');
    expect(run.exitCode, run.stdout).toBe(0);
    const digest = run.outputs.digest!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const { index, descriptor } = await readIndex(registries, app(), 'main');
    expect(descriptor.digest).toBe(digest);
    expect((await readIndex(registries, app(), 'sha-860c190')).descriptor.digest).toBe(digest);
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(index.annotations?.['org.opencontainers.image.revision']).toBe(SHA);
    expect(JSON.parse(run.outputs['platform-digests']!)).toEqual({
      'linux/amd64': index.manifests[0]!.digest,
      'linux/arm64': index.manifests[1]!.digest,
    });

    const created = new Date(EPOCH * 1000).toISOString().replace('.000Z', 'Z');
    for (const m of index.manifests) {
      const arch = m.platform!.architecture;
      const { manifest, config } = await readConfig(registries, app(), m.digest);
      expect(config.architecture).toBe(arch);
      // SOURCE_DATE_EPOCH dates the image.
      expect((config as { created?: string }).created).toBe(created);
      expect(config.config?.Labels?.['org.opencontainers.image.revision']).toBe(SHA);
      expect(manifest.annotations?.['org.opencontainers.image.revision']).toBe(SHA);
      // The runtime stage's RUN ran on the target's architecture (arm64 under qemu) …
      expect((await readImageFile(registries, app(), m.digest, 'etc/arch-at-build'))?.trim()).toBe(
        unameOf(arch),
      );
      // … and the FROM --platform=$BUILDPLATFORM stage natively on the build host, for every target;
      // its RUN read the build secret (the step fails on a wrong one).
      expect((await readImageFile(registries, app(), m.digest, 'app/build-arch'))?.trim()).toBe(
        unameOf(hostPlatform().architecture),
      );
      const info = await readImageFile(registries, app(), m.digest, 'app/build-info');
      expect(info).toContain(`build-platform=${formatPlatform(hostPlatform())}`);
      expect(info).toContain(`target-platform=linux/${arch}`);
      expect(await readImageFile(registries, app(), m.digest, 'app/app.sh')).toContain(
        `hello from ${arch} (v1)`,
      );
    }
    // The registry cache of the whole build.
    expect(await registries.client(registry.host).listTags('octo/app')).toContain('buildcache');

    const record = expectImageRecord(run.outputs['image-record']) as unknown as {
      digest: string;
      mediaType: string;
      destinations: Record<string, { tags: string[]; references: string[] }>;
    };
    expect(record.digest).toBe(digest);
    expect(record.mediaType).toBe(OCI_INDEX);
    expect(record.destinations[`${registry.host}/octo/app`]).toMatchObject({
      tags: ['main', 'sha-860c190'],
      references: [
        `${registry.host}/octo/app@${digest}`,
        `${registry.host}/octo/app:main`,
        `${registry.host}/octo/app:sha-860c190`,
      ],
    });

    const statement = JSON.parse(await readFile(run.outputs['provenance-path']!, 'utf8')) as {
      subject: { name: string; digest: { sha256: string } }[];
      predicate: {
        buildDefinition: {
          externalParameters: Record<string, unknown>;
          resolvedDependencies: { uri: string; name?: string; digest: Record<string, string> }[];
        };
      };
    };
    expect(statement.subject).toEqual([
      { name: `${registry.host}/octo/app`, digest: { sha256: digest.slice(7) } },
    ]);
    const deps = statement.predicate.buildDefinition.resolvedDependencies;
    expect(deps[0]).toEqual({
      uri: 'git+https://github.com/octo/app@refs/heads/main',
      digest: { gitCommit: SHA },
    });
    const base = await readBaseImage();
    for (const name of ['base', 'builder']) {
      expect(deps).toContainEqual(
        expect.objectContaining({
          name: `${registry.host}/${name}:latest`,
          digest: { sha256: base.indexDigest.slice(7) },
        }),
      );
    }

    const metadata = JSON.parse(run.outputs.metadata!) as { builder: string; platforms: PlatformOutput[] };
    expect(metadata.builder).toBe('buildx');
    // A fresh builder: every step ran.
    for (const p of metadata.platforms) {
      expect(p.cache.steps, p.platform).toBeGreaterThanOrEqual(2);
      expect(p.cache.hits, p.platform).toBe(0);
    }
    // COPY src/ is one step shared by both targets, counted for whichever platform BuildKit names it by.
    expect(run.summary).toMatch(
      /\| linux\/arm64 \| sha256:[0-9a-f]{64} \| — \| [\d.]+s \| 0\/\d+ steps \(0 from registry\) \|/,
    );
    expect(run.stdout).toContain('::group::buildx build linux/amd64, linux/arm64');
    expect(run.stdout).not.toContain('s3cret-value');
    first = { digest, platforms: metadata.platforms };
  });

  it('with SOURCE_DATE_EPOCH, a rebuild from scratch (no cache anywhere) gives the same digests', async () => {
    expect(first, 'the two-platform build ran').toBeDefined();
    await buildkitd.prune();
    const run = await runAction(
      {
        ...common(),
        platforms: 'linux/amd64,linux/arm64',
        // The same tags as the first build: the version label is part of the image.
        tags: 'type=ref,event=branch\ntype=sha',
        push: 'true',
        cache: 'none',
      },
      pushMain,
      { SOURCE_DATE_EPOCH: String(EPOCH) },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    const metadata = JSON.parse(run.outputs.metadata!) as { platforms: PlatformOutput[] };
    expect(metadata.platforms.map((p) => p.cache.hits)).toEqual([0, 0]);
    expect(run.outputs.digest).toBe(first.digest);
  });

  it('on a fresh runner, a source-only change reuses the untouched steps from the registry cache', async () => {
    await buildkitd.prune();
    await writeFile(path.join(context, 'src/app.sh'), '#!/bin/sh\necho "hello from @ARCH@ (v2)"\n', {
      mode: 0o755,
    });
    const run = await runAction(
      { ...common(), platforms: 'linux/amd64,linux/arm64', tags: 'type=raw,value=v2', push: 'true' },
      pushMain,
      { SOURCE_DATE_EPOCH: String(EPOCH) },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(`importing cache manifest from ${registry.host}/octo/app:buildcache`);
    const metadata = JSON.parse(run.outputs.metadata!) as { platforms: PlatformOutput[] };
    for (const p of metadata.platforms) {
      // `RUN uname -m` of the runtime stage does not depend on src/; the steps after the COPY do.
      // Only the registry cache can have served it: the builder's own cache was pruned.
      expect(p.cache.pulled, p.platform).toBeGreaterThanOrEqual(1);
      expect(p.cache.hits, p.platform).toBe(p.cache.pulled);
      expect(p.cache.hits, p.platform).toBeLessThan(p.cache.steps);
    }
    // COPY src/ is one step shared by both targets, counted for whichever platform BuildKit names it by.
    expect(run.summary).toMatch(
      /\| linux\/arm64 \| sha256:[0-9a-f]{64} \| — \| [\d.]+s \| 1\/[34] steps \(1 from registry\) \|/,
    );
    const arm64 = JSON.parse(run.outputs['platform-digests']!)['linux/arm64'] as string;
    expect(await readImageFile(registries, app(), arm64, 'app/app.sh')).toContain('hello from arm64 (v2)');
    expect((await readImageFile(registries, app(), arm64, 'etc/arch-at-build'))?.trim()).toBe('aarch64');
  });

  it('single per platform then merge: pushed by digest with a per-platform cache, the index gets the tags', async () => {
    const digests: string[] = [];
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const run = await runAction(
        { ...common(), platforms: platform, mode: 'single', push: 'true', tags: 'type=ref,event=tag' },
        pushTag,
      );
      expect(run.stdout).not.toContain('::error::');
      expect(run.exitCode, run.stdout).toBe(0);
      const digest = run.outputs.digest!;
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(JSON.parse(run.outputs['platform-digests']!)).toEqual({ [platform]: digest });
      const record = expectImageRecord(run.outputs['image-record']) as unknown as {
        mediaType: string;
        destinations: Record<string, { references: string[]; tags: string[] }>;
      };
      expect(record.mediaType).toBe(OCI_MANIFEST);
      expect(record.destinations[`${registry.host}/octo/app`]).toEqual(
        expect.objectContaining({ tags: [], references: [`${registry.host}/octo/app@${digest}`] }),
      );
      const { manifest, config } = await readConfig(registries, app(), digest);
      expect(manifest.mediaType).toBe(OCI_MANIFEST);
      expect(config.architecture).toBe(platform.split('/')[1]);
      // metadata-action's index-level annotation has no index here; the manifest level stays.
      expect(manifest.annotations?.['org.opencontainers.image.version']).toBe('v1.2.3');
      digests.push(`${registry.host}/octo/app@${digest}`);
    }
    const tags = await registries.client(registry.host).listTags('octo/app');
    // A tag build writes its own cache scope; only the default branch writes main's (buildcache-<platform>).
    expect(tags).toEqual(
      expect.arrayContaining(['buildcache-linux-amd64-tag-v1.2.3', 'buildcache-linux-arm64-tag-v1.2.3']),
    );
    expect(tags).not.toContain('buildcache-linux-amd64');
    expect(tags).not.toContain('v1.2.3');

    const merge = await runAction(
      { ...common(), mode: 'merge', digests: digests.join('\n'), tags: 'type=ref,event=tag', push: 'true' },
      pushTag,
    );
    expect(merge.stdout).not.toContain('::error::');
    expect(merge.stdout).not.toContain('buildx build');
    const { index, descriptor } = await readIndex(registries, app(), 'v1.2.3');
    expect(descriptor.digest).toBe(merge.outputs.digest);
    expect(index.manifests.map((m) => `${registry.host}/octo/app@${m.digest}`)).toEqual(digests);
    expect(index.annotations?.['org.opencontainers.image.version']).toBe('v1.2.3');
    expect(JSON.parse(merge.outputs['platform-digests']!)).toEqual({
      'linux/amd64': digests[0]!.split('@')[1],
      'linux/arm64': digests[1]!.split('@')[1],
    });
  });

  it('multi mode with one platform pushes a bare manifest and says so in the image record', async () => {
    const run = await runAction(
      { ...common(), platforms: 'linux/arm64', tags: 'type=raw,value=arm64-only', push: 'true' },
      pushMain,
    );
    expect(run.exitCode, run.stdout).toBe(0);
    const record = expectImageRecord(run.outputs['image-record']) as unknown as {
      digest: string;
      mediaType: string;
    };
    expect(record.mediaType).toBe(OCI_MANIFEST);
    const fetched = await registries.client(registry.host).getManifest('octo/app', 'arm64-only');
    expect(fetched.descriptor.digest).toBe(run.outputs.digest);
    expect((fetched.manifest as { mediaType: string }).mediaType).toBe(OCI_MANIFEST);
    expect(JSON.parse(run.outputs['platform-digests']!)).toEqual({ 'linux/arm64': run.outputs.digest });
  });

  it('fails with the failing step and its exit code', async () => {
    const broken = path.join(work, 'broken');
    await cp(context, broken, { recursive: true });
    await writeFile(
      path.join(broken, 'Dockerfile'),
      'ARG BASE\nFROM ${BASE}\nRUN echo building\nRUN exit 3\n',
    );
    const run = await runAction({ ...common(), context: broken, platforms: 'linux/arm64' }, pushMain);
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toMatch(/::error::buildx build failed: .*exit 3.* exit code: 3/);
  });
});
