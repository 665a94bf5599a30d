// The sbom package's entry the sbom action calls, against a real registry (distribution 2.8.2 from the test bed):
// what it reports for a dry run and a native run, and user mistakes coming back as InputError naming the caller's
// input.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@deliverkit/action-kit';
import { openRegistries, type Registries } from '@deliverkit/oci';
import { parsePlatform, parseReference } from '@deliverkit/oci-core';
import { type ImageSbomsRequest, sbomsForImage } from '@deliverkit/sbom';
import {
  ensureTestbed,
  pushBaseImage,
  startRegistry,
  stopAll,
  type BaseImage,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

let registry: RegistryHandle;
let base: BaseImage;
let registries: Registries;
let work: string;

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  registry = await startRegistry('plain');
  base = await pushBaseImage(registry, 'acme/sboms', 'v1');
  registries = openRegistries([], { insecureHosts: [registry.host], onSecret: () => {} });
  work = mkdtempSync(path.join(tmpdir(), 'image-sboms-'));
});
afterAll(async () => {
  registries?.close();
  rmSync(work, { recursive: true, force: true });
  await stopAll();
});

function request(overrides: Partial<ImageSbomsRequest> = {}): ImageSbomsRequest {
  return {
    registries,
    image: parseReference(`${registry.host}/acme/sboms:v1`, { input: 'image' }),
    platforms: [parsePlatform('linux/amd64', 'platforms')],
    formats: ['spdx-json', 'cyclonedx-json'],
    outDir: path.join(work, 'out'),
    engine: 'native',
    dryRun: false,
    ...overrides,
  };
}

describe('when asked for a dry run', () => {
  it('plans the files and the layers to read, and writes nothing', async () => {
    const outDir = path.join(work, 'dry');
    const sboms = await sbomsForImage(request({ outDir, dryRun: true, platforms: undefined }));
    expect(sboms.digest).toBe(base.indexDigest);
    expect(sboms.platforms.map((p) => p.platform).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect(sboms.toRead).toHaveLength(2);
    expect(sboms.toRead!.every((r) => r.layers > 0 && r.bytes > 0)).toBe(true);
    expect(sboms.platforms[0]!.files['spdx-json']).toMatch(/\.spdx\.json$/);
    expect(existsSync(outDir)).toBe(false);
  });
});

describe('when the native engine runs', () => {
  it('tells the caller the resolved digest before reading, then writes each format of each platform', async () => {
    const resolved: string[] = [];
    const sboms = await sbomsForImage(request({ onResolved: (d) => resolved.push(d) }));
    expect(resolved).toEqual([base.indexDigest]);
    expect(sboms.toRead).toBeUndefined();
    const [amd64] = sboms.platforms;
    expect(amd64!.platform).toBe('linux/amd64');
    expect(amd64!.digest).toBe(base.platforms.find((p) => p.platform === 'linux/amd64')!.digest);
    expect(amd64!.summary).toBeDefined();
    const spdx = JSON.parse(readFileSync(amd64!.files['spdx-json']!, 'utf8')) as { spdxVersion: string };
    expect(spdx.spdxVersion).toBe('SPDX-2.3');
    expect(existsSync(amd64!.files['cyclonedx-json']!)).toBe(true);
  });

  it('reads no layer when the caller refuses the resolved digest', async () => {
    const outDir = path.join(work, 'refused');
    const refusal = new Error('record about another image');
    await expect(
      sbomsForImage(
        request({
          outDir,
          onResolved: () => {
            throw refusal;
          },
        }),
      ),
    ).rejects.toBe(refusal);
    expect(existsSync(outDir)).toBe(false);
  });
});

describe('when the user named something that is not there', () => {
  it('names the image input for a missing image', async () => {
    const e = await sbomsForImage(
      request({
        image: parseReference(`${registry.host}/acme/absent:v1`, { input: 'image' }),
        inputNames: { image: 'subject' },
      }),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ input: 'subject', cause: { code: 'IMAGE_NOT_FOUND' } });
  });

  it('names the platforms input for a platform the image does not have', async () => {
    const e = await sbomsForImage(request({ platforms: [parsePlatform('linux/s390x', 'platforms')] })).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ input: 'platforms', cause: { code: 'PLATFORM_NOT_FOUND' } });
  });
});
