import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestbed,
  privateBuildah,
  pushBaseImage,
  readLayerFile,
  registryRequest,
  startRegistry,
  stopAll,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

interface Index {
  manifests: { digest: string; platform: { os: string; architecture: string } }[];
}

let scratch: string;

beforeAll(async () => {
  await ensureTestbed();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'deliverkit-buildah-'));
});
afterAll(async () => {
  await stopAll();
  await rm(scratch, { recursive: true, force: true });
});

// A private storage root per build keeps the host's buildah storage clean and is removed with `scratch`.
function buildah(name: string, args: string[]) {
  return privateBuildah(path.join(scratch, name), 150_000)(args);
}

function registryFlags(registry: RegistryHandle): string[] {
  return registry.insecure
    ? ['--tls-verify=false']
    : ['--tls-verify=true', `--cert-dir=${registry.certDir}`, `--authfile=${registry.authFile}`];
}

/** Builds `RUN uname -m > /arch` on the busybox base for both platforms and pushes the manifest list. */
async function buildTwoPlatforms(name: string, from: RegistryHandle, to: RegistryHandle, ref: string) {
  await pushBaseImage(from, 'base/busybox', 'latest');
  const context = path.join(scratch, `${name}-context`);
  await mkdir(context, { recursive: true });
  await writeFile(
    path.join(context, 'Containerfile'),
    `FROM ${from.host}/base/busybox:latest\nRUN uname -m > /arch && echo built > /marker\n`,
  );
  await buildah(name, [
    'build',
    ...registryFlags(from),
    '--platform',
    'linux/amd64,linux/arm64',
    '--manifest',
    `localhost/${name}`,
    '--file',
    path.join(context, 'Containerfile'),
    context,
  ]);
  await buildah(name, [
    'manifest',
    'push',
    '--all',
    ...registryFlags(to),
    `localhost/${name}`,
    `docker://${to.host}/${ref}`,
  ]);
}

/** What `/arch` says in each platform's image, read from the pushed top layer. */
async function archByPlatform(registry: RegistryHandle, repo: string, tag: string) {
  const index = (await registryRequest(registry, `/v2/${repo}/manifests/${tag}`)).json<Index>();
  const result: Record<string, string> = {};
  for (const entry of index.manifests) {
    const manifest = await registryRequest(registry, `/v2/${repo}/manifests/${entry.digest}`);
    const { layers } = manifest.json<{ layers: { digest: string }[] }>();
    const top = await registryRequest(registry, `/v2/${repo}/blobs/${layers.at(-1)!.digest}`);
    expect(top.status).toBe(200);
    const arch = readLayerFile(top.body, 'arch');
    expect(readLayerFile(top.body, 'marker')?.toString()).toBe('built\n');
    result[`${entry.platform.os}/${entry.platform.architecture}`] =
      arch?.toString('utf8').trim() ?? '(missing)';
  }
  return result;
}

describe('when buildah builds a RUN step for two platforms', () => {
  it('runs the arm64 step under qemu: each image records its own machine', async () => {
    const registry = await startRegistry('plain');
    await buildTwoPlatforms('plain-build', registry, registry, 'built/app:v1');
    expect(await archByPlatform(registry, 'built/app', 'v1')).toEqual({
      'linux/amd64': 'x86_64',
      'linux/arm64': 'aarch64',
    });
  });

  it('pulls the base from a basic-auth registry and pushes to a token registry over TLS', async () => {
    const basic = await startRegistry('basic');
    const token = await startRegistry('token');
    await buildTwoPlatforms('tls-build', basic, token, 'team/app:v1');
    expect(await archByPlatform(token, 'team/app', 'v1')).toEqual({
      'linux/amd64': 'x86_64',
      'linux/arm64': 'aarch64',
    });
    expect(token.tokenServer!.issued.some((t) => t.granted.some((g) => g.actions.includes('push')))).toBe(
      true,
    );
  });
});
