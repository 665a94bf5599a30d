import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigest } from '@deliverkit/oci-core';
import { Registries } from '@deliverkit/oci';
import { StaticCredentials } from '../../packages/oci/src/auth';
import type { ImageRecord } from '@deliverkit/image-record';
import {
  ensureTestbed,
  pushBaseImage,
  repoRoot,
  runAction as runBundledAction,
  skopeoInspectRaw,
  startFaultProxy,
  startRegistry,
  stopAll,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { expectImageRecord } from '../support/image-record';
import { buildFixtureImage, type FixtureImage } from '../oci/fixture-image';

const bundle = path.join(repoRoot, 'dist', 'multi-registry-push', 'index.js');

let source: RegistryHandle;
let plain: RegistryHandle;
let basic: RegistryHandle;
let image: FixtureImage;

/** Runs the bundled action the way the runner does: INPUT_* env in, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY out. */
const runAction = (inputs: Record<string, string>) =>
  runBundledAction('multi-registry-push', inputs, { env: { RUNNER_DEBUG: '1' }, bundle });

/** What the runner would print: everything but the `::add-mask::` commands it consumes. */
function logLines(stdout: string): string {
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  [source, plain, basic] = await Promise.all([
    startRegistry('plain'),
    startRegistry('plain'),
    startRegistry('basic'),
  ]);
  await pushBaseImage(source, 'app', 'base');
  const registries = new Registries({ credentials: new StaticCredentials({}) });
  image = await buildFixtureImage(registries.client(source.host), 'app', {
    layerSizes: [2 * 1024 * 1024, 100 * 1024],
  });
  registries.close();
});

afterAll(stopAll);

describe('multi-registry-push (bundled dist)', () => {
  const auths = () =>
    JSON.stringify([
      { registry: basic.host, username: basic.username, password: basic.password, ca: basic.caPem },
      { registry: plain.host, insecure: true },
    ]);

  describe('with dry-run', () => {
    it('prints the plan and writes nothing', async () => {
      const run = await runAction({
        source: `${source.host}/app:v1`,
        destinations: `${plain.host}/mirror/app:v1\n${basic.host}/mirror/app:v1,latest`,
        'registry-auths': auths(),
        'dry-run': 'true',
      });
      expect(run.stderr + run.stdout).not.toContain('::error::');
      expect(run.exitCode).toBe(0);
      expect(run.outputs.digest).toBe(image.indexDigest);
      expect(run.summary).toContain('Plan: copy');
      expect(run.summary).toMatch(/upload blob \| .*mirror\/app/);
      expect(run.summary).toContain(`create tag | ${basic.host}/mirror/app:latest`);
      const registries = new Registries({
        hosts: { [basic.host]: { ca: basic.caPem } },
        credentials: new StaticCredentials({
          [basic.host]: { username: basic.username, password: basic.password },
        }),
      });
      expect(
        await registries.client(plain.host).headManifest('mirror/app', image.indexDigest),
      ).toBeUndefined();
      expect(await registries.client(basic.host).headManifest('mirror/app', 'v1')).toBeUndefined();
      registries.close();
    });
  });

  it('copies to every destination, sets the outputs and writes one summary row per destination', async () => {
    const run = await runAction({
      source: `${source.host}/app:v1`,
      destinations: `${plain.host}/mirror/app:v1\n${basic.host}/mirror/app:v1,latest`,
      'registry-auths': auths(),
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.digest).toBe(image.indexDigest);
    const record = expectImageRecord(run.outputs['image-record']) as Required<ImageRecord>;
    expect(record.digest).toBe(image.indexDigest);
    expect(record.name).toBe(`${source.host}/app`);
    expect(Object.keys(record.destinations)).toEqual([
      `${plain.host}/mirror/app`,
      `${basic.host}/mirror/app`,
    ]);
    expect(record.destinations[`${basic.host}/mirror/app`]).toMatchObject({
      digest: image.indexDigest,
      tags: ['v1', 'latest'],
      status: 'copied',
      referrers: 3,
      referrersCopied: 3,
    });
    const capabilities = JSON.parse(run.outputs['registry-capabilities']!) as Record<
      string,
      { referrersApi: boolean; auth: string }
    >;
    expect(capabilities[basic.host]).toMatchObject({ referrersApi: false, auth: 'basic' });
    expect(JSON.parse(run.outputs.json!)).toMatchObject({ digest: image.indexDigest });

    const rows = run.summary.split('\n').filter((l) => l.startsWith('| ') && l.includes('mirror/app'));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('v1, latest');
    expect(rows[1]).toContain('no (tag schema)');

    for (const tag of ['v1', 'latest'])
      expect(computeDigest(await skopeoInspectRaw(basic, `mirror/app:${tag}`))).toBe(image.indexDigest);
    expect(computeDigest(await skopeoInspectRaw(plain, 'mirror/app:v1'))).toBe(image.indexDigest);
    // The password was masked (registered with ::add-mask::) and never printed.
    expect(run.stdout.split('\n')).toContain(`::add-mask::${basic.password}`);
    expect(logLines(run.stdout)).not.toContain(basic.password!);
  });

  describe('when the credentials are wrong', () => {
    it('fails the step naming the registry, without printing the password', async () => {
      const secret = 'e2e-wrong-secret-4b1d';
      const run = await runAction({
        source: `${source.host}/app:v1`,
        destinations: `${basic.host}/denied/app:v1`,
        'registry-auths': JSON.stringify([
          { registry: basic.host, username: basic.username, password: secret, ca: basic.caPem },
        ]),
      });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`::error::.*${basic.host.replace(/\./g, '\\.')}/denied/app`));
      expect(run.stdout.split('\n')).toContain(`::add-mask::${secret}`);
      expect(logLines(run.stdout)).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
      expect(run.summary).toContain('failed');
    });
  });

  describe('when an input is malformed', () => {
    it('fails naming the input', async () => {
      const run = await runAction({ source: 'Not/A Ref', destinations: `${plain.host}/x:v1` });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/::error::.*source/);
      const empty = await runAction({ source: `${source.host}/app:v1`, destinations: '\n# nothing\n' });
      expect(empty.exitCode).toBe(1);
      expect(empty.stdout).toMatch(/::error::.*destinations/);
    });
  });

  it('with chunk-size, a connection cut mid-blob resumes in the same upload session: at most one chunk is sent again', async () => {
    const olareg = await startRegistry('olareg');
    const proxy = await startFaultProxy(`http://${olareg.host}`);
    const chunk = 256 * 1024;
    // The first full-sized chunk is cut after 100 KiB of its body.
    proxy.setFaults([
      {
        method: 'PATCH',
        minRequestBytes: chunk,
        times: 1,
        fault: { resetAfterBytes: 100 * 1024, resetOn: 'request' },
      },
    ]);
    const run = await runAction({
      source: `${source.host}/app@${image.indexDigest}`,
      destinations: `${proxy.host}/resumed/app:v1`,
      'chunk-size': '256KiB',
      'include-referrers': 'false',
      'registry-auths': JSON.stringify([{ registry: proxy.host, insecure: true }]),
    });
    expect(run.exitCode, logLines(run.stdout) + run.stderr).toBe(0);
    expect(run.outputs.digest).toBe(image.indexDigest);

    // The image's blobs, read from the source: what must cross once.
    const registries = new Registries({ credentials: new StaticCredentials({}) });
    const blobs = new Map<string, number>();
    try {
      const client = registries.client(source.host);
      const index = JSON.parse(
        (await client.getManifest('app', image.indexDigest)).bytes.toString('utf8'),
      ) as {
        manifests: { digest: string }[];
      };
      for (const m of index.manifests) {
        const manifest = JSON.parse((await client.getManifest('app', m.digest)).bytes.toString('utf8')) as {
          config: { digest: string; size: number };
          layers: { digest: string; size: number }[];
        };
        for (const b of [manifest.config, ...manifest.layers]) blobs.set(b.digest, b.size);
      }
    } finally {
      registries.close();
    }
    const blobBytes = [...blobs.values()].reduce((n, size) => n + size, 0);
    const uploads = proxy.hits.filter((h) => /\/blobs\/uploads\//.test(h.path) && h.method !== 'GET');
    const patches = uploads.filter((h) => h.method === 'PATCH');
    // Chunked: no PATCH carries more than one chunk, and the 2 MiB layer took several; one was cut.
    expect(patches.every((h) => h.requestBytes <= chunk)).toBe(true);
    expect(patches.length).toBeGreaterThanOrEqual(8);
    expect(patches.some((h) => h.fault !== undefined)).toBe(true);
    const sent = uploads.reduce((n, h) => n + h.requestBytes, 0);
    // Every blob once, plus at most the chunk that was cut.
    expect(sent).toBeGreaterThanOrEqual(blobBytes);
    expect(sent - blobBytes).toBeLessThanOrEqual(chunk);
    // The same session went on: one upload started per blob, none again for the cut one.
    expect(uploads.filter((h) => h.method === 'POST')).toHaveLength(blobs.size);
    const copied = await skopeoInspectRaw(olareg, 'resumed/app:v1');
    expect(computeDigest(copied)).toBe(image.indexDigest);
  });

  it('refuses a chunk-size that is not a size, naming the input', async () => {
    const run = await runAction({
      source: `${source.host}/app@${image.indexDigest}`,
      destinations: `${plain.host}/never/app:v1`,
      'chunk-size': 'big',
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::Input "chunk-size" must be a size such as 16MiB or 8MB, got "big"/);
  });
});
