import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestbed,
  pushBaseImage,
  readBaseImage,
  repoRoot,
  skopeoInspectRaw,
  startRegistry,
  stopAll,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { expectImageRecord } from '../support/image-record';
import { pushMain, pushTag, runMultiarchBuild, SHA, type BuildEvent } from './multiarch-runner';

// The bundled action, driven through GitHub's contract: INPUT_* and GITHUB_* in, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY out. Real buildah and qemu against a plain registry; the buildx backend runs
// against a real buildkitd in multiarch-build-buildx.test.ts.

let registry: RegistryHandle;
let work: string;
let context: string;

// A private containers store per run: nothing is reused from another run's local layers.
async function privateStore(dir: string): Promise<Record<string, string>> {
  const storage = path.join(dir, 'storage.conf');
  await writeFile(storage, `[storage]\ndriver = "vfs"\nrunroot = "${dir}/run"\ngraphroot = "${dir}/root"\n`);
  return { CONTAINERS_STORAGE_CONF: storage, BUILDAH_ISOLATION: 'chroot' };
}

const runAction = (
  inputs: Record<string, string>,
  event: BuildEvent,
  extraEnv: Record<string, string> = {},
) => runMultiarchBuild(work, inputs, event, async (dir) => ({ ...(await privateStore(dir)), ...extraEnv }));

function common(): Record<string, string> {
  return {
    context,
    images: `${registry.host}/octo/app`,
    'build-args': `BASE=${registry.host}/base:latest\nBUILDER=${registry.host}/builder:latest`,
    secrets: 'token=s3cret-value',
    builder: 'buildah',
    'insecure-registries': registry.host,
  };
}

beforeAll(async () => {
  await ensureTestbed({ docker: false });
  registry = await startRegistry('plain');
  await pushBaseImage(registry, 'base');
  await pushBaseImage(registry, 'builder');
  work = await mkdtemp(path.join(os.tmpdir(), 'multiarch-e2e-'));
  context = path.join(work, 'app');
  await cp(path.join(repoRoot, 'test/fixtures/multiarch-app'), context, { recursive: true });
});

afterAll(async () => {
  await stopAll();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('multiarch-build (bundled dist)', () => {
  it('dry-run on a tag resolves metadata-action tags and prints the buildah commands without building', async () => {
    const run = await runAction(
      {
        ...common(),
        platforms: 'linux/amd64,linux/arm64',
        tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha',
        push: 'true',
        'dry-run': 'true',
      },
      pushTag,
    );
    expect(run.stdout).not.toContain('::error::');
    expect(run.exitCode).toBe(0);
    expect(run.outputs.tags!.split('\n')).toEqual([
      `${registry.host}/octo/app:1.2.3`,
      `${registry.host}/octo/app:1.2`,
      `${registry.host}/octo/app:sha-860c190`,
      `${registry.host}/octo/app:latest`,
    ]);
    expect(run.outputs.version).toBe('1.2.3');
    expect(run.outputs.labels).toContain('org.opencontainers.image.version=1.2.3');
    expect(run.outputs.annotations).toContain('index:org.opencontainers.image.version=1.2.3');
    expect(run.outputs.digest).toBeUndefined();
    const base = await readBaseImage();
    const amd64Base = base.platforms.find((p) => p.platform === 'linux/amd64')!.digest;
    // Each platform in its own store, from a Dockerfile whose FROM lines are pinned for it.
    expect(run.summary).toMatch(
      /buildah --root \S+-linux-amd64 --runroot \S+-linux-amd64 build --platform linux\/amd64 --layers --file \S+\/linux-amd64\/Dockerfile /,
    );
    expect(run.summary).toMatch(
      /buildah --root \S+-linux-arm64 --runroot \S+-linux-arm64 build --platform linux\/arm64 --layers --file \S+\/linux-arm64\/Dockerfile /,
    );
    expect(run.summary).toContain(
      `# linux/arm64: FROM ${registry.host}/builder:latest → ${registry.host}/builder@${amd64Base} (linux/amd64)`,
    );
    expect(run.summary).toContain(`--cache-to ${registry.host}/octo/app-buildcache-linux-arm64`);
    expect(run.summary).toContain('--secret id=token,src=');
    expect(run.stdout + run.summary).not.toContain('s3cret-value');
    // Nothing was pushed.
    await expect(skopeoInspectRaw(registry, 'octo/app:1.2.3')).rejects.toThrow();
  });

  it('with SOURCE_DATE_EPOCH, clamps build timestamps and dates the created label to it', async () => {
    const run = await runAction(
      { ...common(), platforms: 'linux/amd64', tags: 'type=sha', push: 'true', 'dry-run': 'true' },
      pushTag,
      { SOURCE_DATE_EPOCH: '1700000000' },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.labels).toContain('org.opencontainers.image.created=2023-11-14T22:13:20.000Z');
    expect(run.summary).toContain('--timestamp 1700000000');
  });

  let digest = '';
  it('builds linux/amd64 and linux/arm64 with buildah, pushes the index, and writes outputs, provenance and summary', async () => {
    const run = await runAction(
      {
        ...common(),
        platforms: 'linux/amd64,linux/arm64',
        tags: 'type=ref,event=branch\ntype=sha',
        push: 'true',
      },
      pushMain,
    );
    expect(run.stdout).not.toContain('::error::');
    expect(run.exitCode).toBe(0);
    digest = run.outputs.digest!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const index = JSON.parse((await skopeoInspectRaw(registry, 'octo/app:main')).toString()) as {
      manifests: { digest: string; platform: { architecture: string } }[];
    };
    expect(index.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    const platformDigests = JSON.parse(run.outputs['platform-digests']!) as Record<string, string>;
    expect(platformDigests).toEqual({
      'linux/amd64': index.manifests[0]!.digest,
      'linux/arm64': index.manifests[1]!.digest,
    });
    const record = expectImageRecord(run.outputs['image-record']) as unknown as {
      digest: string;
      destinations: Record<string, { tags: string[] }>;
    };
    expect(record.digest).toBe(digest);
    expect(record.destinations[`${registry.host}/octo/app`]!.tags).toEqual(['main', 'sha-860c190']);
    const statement = JSON.parse(await readFile(run.outputs['provenance-path']!, 'utf8')) as {
      subject: { name: string; digest: { sha256: string } }[];
      predicate: {
        buildDefinition: { resolvedDependencies: { uri: string; digest: Record<string, string> }[] };
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
    // The base images each platform was pinned to, by that platform's manifest digest.
    const base = await readBaseImage();
    for (const { platform, digest: manifest } of base.platforms) {
      expect(deps).toContainEqual({
        uri: `pkg:docker/base@latest?platform=${encodeURIComponent(platform)}&repository_url=${encodeURIComponent(registry.host)}`,
        digest: { sha256: manifest.slice(7) },
        name: `${registry.host}/base:latest`,
      });
    }
    const metadata = JSON.parse(run.outputs.metadata!) as { labels: Record<string, string>; builder: string };
    expect(metadata.builder).toBe('buildah');
    expect(metadata.labels['org.opencontainers.image.created']).toBeDefined();
    expect(run.summary).toMatch(/\| linux\/arm64 \| sha256:[0-9a-f]{64} \| [\d.]+ MB \| [\d.]+s \|/);
    expect(run.stdout).toMatch(/::group::linux\/arm64: built in [\d.]+s/);
    expect(run.stdout).not.toContain('s3cret-value');
  });

  it('single per platform then merge: the index gets the tags, no rebuild in merge', async () => {
    const digests: string[] = [];
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const run = await runAction(
        { ...common(), platforms: platform, mode: 'single', push: 'true', tags: 'type=ref,event=tag' },
        pushTag,
      );
      expect(run.stdout).not.toContain('::error::');
      expect(run.outputs.digest).toMatch(/^sha256:/);
      expect(JSON.parse(run.outputs['platform-digests']!)).toEqual({ [platform]: run.outputs.digest });
      const record = expectImageRecord(run.outputs['image-record']) as unknown as {
        destinations: Record<string, { references: string[]; tags: string[] }>;
      };
      expect(record.destinations[`${registry.host}/octo/app`]).toMatchObject({
        tags: [],
        references: [`${registry.host}/octo/app@${run.outputs.digest}`],
      });
      digests.push(`${registry.host}/octo/app@${run.outputs.digest}`);
    }
    await expect(skopeoInspectRaw(registry, 'octo/app:v1.2.3')).rejects.toThrow();
    const merge = await runAction(
      { ...common(), mode: 'merge', digests: digests.join('\n'), tags: 'type=ref,event=tag', push: 'true' },
      pushTag,
    );
    expect(merge.stdout).not.toContain('::error::');
    expect(merge.stdout).not.toContain('buildah build');
    const index = JSON.parse((await skopeoInspectRaw(registry, 'octo/app:v1.2.3')).toString()) as {
      manifests: { digest: string }[];
      annotations: Record<string, string>;
    };
    expect(index.manifests.map((m) => `${registry.host}/octo/app@${m.digest}`)).toEqual(digests);
    expect(index.annotations['org.opencontainers.image.version']).toBe('v1.2.3');
    expect(merge.outputs.digest).toMatch(/^sha256:/);
    expect(JSON.parse(merge.outputs['platform-digests']!)).toEqual({
      'linux/amd64': digests[0]!.split('@')[1],
      'linux/arm64': digests[1]!.split('@')[1],
    });
  });

  it('fails with what to do when the chosen builder is missing (no buildx plugin in a fresh HOME)', async () => {
    const run = await runAction({ ...common(), builder: 'buildx' }, pushMain);
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain(
      '::error::docker buildx was not found. Add docker/setup-buildx-action before this step, or set builder: buildah',
    );
  });

  it('fails on an unknown platform, naming the input', async () => {
    const run = await runAction({ ...common(), platforms: 'linux/amd64,linux/amd65' }, pushMain);
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toMatch(/::error::Input "platforms" has an unknown platform "linux\/amd65"/);
  });

  it('fails on a wrong tag rule, naming the rule', async () => {
    const run = await runAction({ ...common(), tags: 'type=ref,event=push' }, pushMain);
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toMatch(
      /::error::Input "tags" has an invalid entry "type=ref,event=push": invalid event "push"/,
    );
  });
});
