import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestbed,
  httpRequest,
  parseChallenge,
  pushBaseImage,
  skopeoCopyToOci,
  skopeoInspectRaw,
  startRegistry,
  stopAll,
  type RegistryHandle,
  type RegistryKind,
} from '@deliverkit/testing-testbed';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

interface OciIndex {
  manifests: { digest: string; platform?: { os: string; architecture: string } }[];
}

beforeAll(() => ensureTestbed());
afterAll(stopAll);

describe.each<RegistryKind>(['plain', 'basic', 'token', 'olareg'])('a %s registry', (kind) => {
  const anonymous = kind === 'plain' || kind === 'olareg';
  let registry: RegistryHandle;
  let scratch: string;

  beforeAll(async () => {
    registry = await startRegistry(kind);
    scratch = await mkdtemp(path.join(os.tmpdir(), 'deliverkit-itg-'));
  });
  afterAll(async () => {
    await registry.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('describes itself consistently', () => {
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(registry.url).toBe(`${anonymous ? 'http' : 'https'}://${registry.host}`);
    expect(registry.insecure).toBe(anonymous);
    if (anonymous) {
      expect(registry.username).toBeUndefined();
    } else {
      expect(registry.username).toBeTruthy();
      expect(registry.caPem).toContain('BEGIN CERTIFICATE');
    }
    expect(registry.tokenServer !== undefined).toBe(kind === 'token');
  });

  it('takes a two-platform push with skopeo and serves the index back byte for byte', async () => {
    const pushed = await pushBaseImage(registry, 'library/busybox', '1');
    expect(pushed.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);

    const raw = await skopeoInspectRaw(registry, 'library/busybox:1');
    expect(sha256(raw)).toBe(pushed.indexDigest);
    const index = JSON.parse(raw.toString('utf8')) as OciIndex;
    expect(index.manifests.map((m) => m.digest)).toEqual(pushed.platforms.map((p) => p.digest));

    const arm = await skopeoInspectRaw(registry, `library/busybox@${pushed.platforms[1]!.digest}`);
    expect(sha256(arm)).toBe(pushed.platforms[1]!.digest);
  });

  it('gives the image back to a skopeo pull into an OCI layout, all platforms and blobs intact', async () => {
    const pushed = await pushBaseImage(registry, 'pull/me', 'v1');
    const layout = path.join(scratch, 'pulled');
    await skopeoCopyToOci(registry, 'pull/me:v1', layout, { all: true });

    const top = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as OciIndex;
    expect(top.manifests[0]!.digest).toBe(pushed.indexDigest);
    for (const { digest } of pushed.platforms) {
      const manifest = await readFile(path.join(layout, 'blobs', ...digest.split(':')));
      expect(sha256(manifest)).toBe(digest);
      const { layers } = JSON.parse(manifest.toString('utf8')) as { layers: { digest: string }[] };
      const layer = await readFile(path.join(layout, 'blobs', ...layers[0]!.digest.split(':')));
      expect(sha256(layer)).toBe(layers[0]!.digest);
    }
  });

  it.runIf(kind === 'olareg')('serves the OCI 1.1 referrers API (distribution 2.8.2 does not)', async () => {
    const pushed = await pushBaseImage(registry, 'refer/me', 'v1');
    const res = await httpRequest(`${registry.url}/v2/refer/me/referrers/${pushed.indexDigest}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/vnd.oci.image.index.v1+json');
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ schemaVersion: 2, manifests: [] });
  });

  it.runIf(!anonymous)('refuses an anonymous client with a 401 challenge', async () => {
    const res = await httpRequest(`${registry.url}/v2/library/busybox/manifests/1`, { ca: registry.caPem });
    expect(res.status).toBe(401);
    expect(parseChallenge(res.headers['www-authenticate']).scheme).toBe(
      kind === 'basic' ? 'Basic' : 'Bearer',
    );
  });

  it.runIf(kind === 'basic')('accepts its Basic credentials and refuses wrong ones', async () => {
    const basic = (user: string, pass: string) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const url = `${registry.url}/v2/library/busybox/manifests/1`;
    const accept = 'application/vnd.oci.image.index.v1+json';
    const good = await httpRequest(url, {
      ca: registry.caPem,
      headers: { authorization: basic(registry.username!, registry.password!), accept },
    });
    expect(good.status).toBe(200);
    const bad = await httpRequest(url, {
      ca: registry.caPem,
      headers: { authorization: basic(registry.username!, 'wrong'), accept },
    });
    expect(bad.status).toBe(401);
  });
});

describe('stopping a registry', () => {
  it('kills it, removes its storage and can be repeated', async () => {
    const registry = await startRegistry('plain');
    expect(existsSync(registry.dir)).toBe(true);
    expect((await httpRequest(`${registry.url}/v2/`)).status).toBe(200);
    await Promise.all([registry.stop(), registry.stop()]);
    await registry.stop();
    expect(existsSync(registry.dir)).toBe(false);
    await expect(httpRequest(`${registry.url}/v2/`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
