import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '@deliverkit/action-kit';
import { ConsoleLogger } from '../support/console-logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigest, MediaType } from '@deliverkit/oci-core';
import {
  copyImage,
  CopyError,
  type CopyDestination,
  type CopyResult,
  parseReference,
  Registries,
  RegistryError,
} from '@deliverkit/oci';
import { StaticCredentials } from '../../packages/oci/src/auth';
import { type RegistriesOptions, referrersTag } from '../../packages/oci/src/client';
import type { CopyOptions } from '../../packages/oci/src/copy';
import {
  ensureTestbed,
  pushBaseImage,
  relayRequest,
  skopeoInspectRaw,
  startRegistry,
  stopAll,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { buildFixtureImage, type FixtureImage } from './fixture-image';

let source: RegistryHandle;
let plain: RegistryHandle;
let basic: RegistryHandle;
let token: RegistryHandle;
let image: FixtureImage;
let sourceIndexBytes: Buffer;

function registriesFor(handles: RegistryHandle[], extra: Partial<RegistriesOptions> = {}): Registries {
  const hosts: RegistriesOptions['hosts'] = {};
  const creds: Record<string, { username: string; password: string }> = {};
  for (const h of handles) {
    for (const host of [h.host, h.proxy?.host].filter((x): x is string => Boolean(x))) {
      if (h.caPem) hosts[host] = { ca: h.caPem };
      if (h.username && h.password) creds[host] = { username: h.username, password: h.password };
    }
  }
  return new Registries({
    hosts,
    credentials: new StaticCredentials(creds),
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  });
}

/**
 * Every request in order, as `start|end <host> <METHOD> <path><query>`: when it went out and when its answer came
 * (an upload's answer comes once its body has crossed; a read's body may still be coming).
 */
function recordRequests(registries: Registries): string[] {
  const events: string[] = [];
  const request = registries.transport.request.bind(registries.transport);
  registries.transport.request = async (req) => {
    const what = `${req.url.host} ${req.method} ${req.url.pathname}${req.url.search}`;
    events.push(`start ${what}`);
    const res = await request(req);
    events.push(`end ${what}`);
    return res;
  };
  return events;
}

function blobGets(handle: RegistryHandle): string[] {
  return handle
    .proxy!.hits.filter((h) => h.method === 'GET' && /\/blobs\/sha256:/.test(h.path))
    .map((h) => h.path);
}

async function expectSameAsSource(dest: RegistryHandle, repository: string, tag: string): Promise<void> {
  const raw = await skopeoInspectRaw(dest, `${repository}:${tag}`);
  expect(raw.equals(sourceIndexBytes)).toBe(true);
  expect(computeDigest(raw)).toBe(image.indexDigest);
  for (const digest of image.platformDigests) {
    const child = await skopeoInspectRaw(dest, `${repository}@${digest}`);
    expect(computeDigest(child)).toBe(digest);
  }
  const sig = await skopeoInspectRaw(dest, `${repository}:${image.legacySigTag}`);
  expect(computeDigest(sig)).toBe(image.legacySigDigest);
}

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  [source, plain, basic, token] = await Promise.all([
    startRegistry('plain', { proxy: true }),
    startRegistry('plain'),
    startRegistry('basic'),
    startRegistry('token'),
  ]);
  await pushBaseImage(source, 'team/app', 'base');
  const registries = registriesFor([source]);
  image = await buildFixtureImage(registries.client(source.host), 'team/app');
  sourceIndexBytes = (await registries.client(source.host).getManifest('team/app', image.indexDigest)).bytes;
  registries.close();
});

afterAll(stopAll);

describe('copyImage to plain, basic+TLS and token+TLS registries', () => {
  const destinations = (): CopyDestination[] => [
    { registry: plain.host, repository: 'hub/app', tags: ['v1', 'stable'] },
    { registry: basic.host, repository: 'gcr/app', tags: ['v1'] },
    { registry: token.host, repository: 'ghcr/app', tags: ['v1'] },
    // Same registry as the source: blobs must be mounted, not uploaded.
    { registry: source.proxy!.host, repository: 'team/app-copy', tags: ['v1'] },
  ];

  it('copies the whole closure digest-identically, reading each source blob once', async () => {
    const registries = registriesFor([source, plain, basic, token]);
    source.proxy!.clearHits();
    const result = await copyImage(registries, `${source.proxy!.host}/team/app:v1`, destinations());
    registries.close();
    // Before skopeo asks for its own tokens below.
    const issued = token.tokenServer!.issued.map((t) =>
      t.requested.map((r) => `${r.name}:${r.actions.join(',')}`).join(' '),
    );

    expect(result.digest).toBe(image.indexDigest);
    // index + 2 platforms + signature + attestation + its signature + legacy .sig
    expect(result.closure.manifests).toBe(7);
    expect(result.closure.referrers).toBe(3);
    expect(result.closure.legacyTags).toEqual([image.legacySigTag]);

    // Each blob that had to be uploaded somewhere was read from the source exactly once.
    const gets = blobGets(source);
    expect(new Set(gets).size).toBe(gets.length);
    const uploadedBlobs = result.plan.blobs.filter((b) => b.upload.length > 0);
    expect(gets.length).toBe(uploadedBlobs.length);
    expect(result.sourceBytesRead).toBe(uploadedBlobs.reduce((n, b) => n + b.size, 0));

    for (const [handle, repo] of [
      [plain, 'hub/app'],
      [basic, 'gcr/app'],
      [token, 'ghcr/app'],
    ] as const) {
      await expectSameAsSource(handle, repo, 'v1');
    }
    await expectSameAsSource(plain, 'hub/app', 'stable');

    const [toPlain, toBasic, toToken, sameRegistry] = result.destinations;
    for (const report of [toPlain!, toBasic!, toToken!]) {
      expect(report.status).toBe('copied');
      expect(report.blobs.uploaded).toBe(result.closure.blobs);
      expect(report.bytesUploaded).toBe(result.closure.bytes);
      expect(report.manifests.pushed).toBe(7);
      expect(report.referrersCopied).toBe(3);
      expect(report.capabilities.referrersApi).toBe(false);
    }
    expect(toBasic!.capabilities).toMatchObject({ auth: 'basic', tls: true, ociMediaTypes: true });
    expect(toToken!.capabilities).toMatchObject({ auth: 'bearer', tls: true });
    expect(toPlain!.capabilities).toMatchObject({ auth: 'anonymous', tls: false });
    expect(sameRegistry!.blobs).toEqual({ uploaded: 0, mounted: result.closure.blobs, skipped: 0 });
    expect(sameRegistry!.capabilities.crossRepoMount).toBe(true);

    // Tokens: the destination repository is known to be pushed to, so one pull,push token serves the whole copy.
    expect(issued).toEqual(['ghcr/app:pull,push']);
  });

  it('makes the referrers discoverable at every destination, the tag-schema index byte-identical', async () => {
    const registries = registriesFor([source, plain, basic, token]);
    const sourceTagIndex = await registries
      .client(source.host)
      .getManifest('team/app', referrersTag(image.indexDigest));
    for (const [handle, repo] of [
      [plain, 'hub/app'],
      [basic, 'gcr/app'],
      [token, 'ghcr/app'],
    ] as const) {
      const client = registries.client(handle.host);
      const onIndex = await client.getReferrers(repo, image.indexDigest);
      expect(onIndex.via).toBe('tag-schema');
      expect(onIndex.descriptors.map((d) => d.digest).sort()).toEqual(
        [image.referrers.signature, image.referrers.attestation].sort(),
      );
      expect(onIndex.descriptors.find((d) => d.digest === image.referrers.attestation)?.artifactType).toBe(
        'application/vnd.in-toto+json',
      );
      expect(onIndex.tagSchemaIndex?.descriptor.digest).toBe(sourceTagIndex.descriptor.digest);
      const onAttestation = await client.getReferrers(repo, image.referrers.attestation);
      expect(onAttestation.descriptors.map((d) => d.digest)).toEqual([image.referrers.attestationSignature]);
    }
    registries.close();
  });

  describe('with includeReferrers: false', () => {
    it('copies the image only, in dry-run planning no referrer and writing nothing', async () => {
      const registries = registriesFor([source, plain]);
      const result = await copyImage(
        registries,
        `${source.host}/team/app:v1`,
        [{ registry: plain.host, repository: 'plain-only/app', tags: ['v1'] }],
        {
          includeReferrers: false,
          dryRun: true,
        },
      );
      expect(result.closure).toMatchObject({ manifests: 3, referrers: 0, legacyTags: [] });
      expect(result.destinations[0]!.status).toBe('planned');
      expect(result.plan.blobs.every((b) => b.upload.length === 1)).toBe(true);
      expect(result.plan.tags).toEqual([
        { destination: 0, tag: 'v1', digest: image.indexDigest, action: 'create' },
      ]);
      expect(await registries.client(plain.host).listTags('plain-only/app')).toEqual([]);
      registries.close();
    });
  });

  describe('when run again', () => {
    it('uploads, mounts and pushes nothing and reads no source blob', async () => {
      const registries = registriesFor([source, plain, basic, token]);
      source.proxy!.clearHits();
      const result = await copyImage(registries, `${source.proxy!.host}/team/app:v1`, destinations());
      registries.close();
      for (const report of result.destinations) {
        expect(report.status).toBe('unchanged');
        expect(report.blobs.uploaded + report.blobs.mounted).toBe(0);
        expect(report.manifests.pushed).toBe(0);
        expect(report.bytesUploaded).toBe(0);
      }
      expect(blobGets(source)).toEqual([]);
      expect(result.sourceBytesRead).toBe(0);
    });
  });

  describe('when two destinations share a registry other than the source', () => {
    it('uploads each blob there once and mounts it into the other repository', async () => {
      const shared = await startRegistry('plain', { proxy: true });
      const registries = registriesFor([source, shared]);
      const result = await copyImage(registries, `${source.proxy!.host}/team/app:v1`, [
        { registry: shared.proxy!.host, repository: 'first/app', tags: ['v1'] },
        { registry: shared.proxy!.host, repository: 'second/app', tags: ['v1'] },
      ]);
      registries.close();
      const [first, second] = result.destinations;
      expect(first!.blobs).toEqual({ uploaded: result.closure.blobs, mounted: 0, skipped: 0 });
      expect(second!.blobs).toEqual({ uploaded: 0, mounted: result.closure.blobs, skipped: 0 });
      expect(second!.bytesUploaded).toBe(0);
      const mounts = shared.proxy!.hits.filter((h) => h.method === 'POST' && /[?&]mount=/.test(h.path));
      expect(mounts).toHaveLength(result.closure.blobs);
      expect(mounts.every((h) => h.status === 201)).toBe(true);
      for (const repo of ['first/app', 'second/app'])
        expect((await skopeoInspectRaw(shared, `${repo}:v1`)).equals(sourceIndexBytes)).toBe(true);
      await shared.stop();
    });
  });

  describe('when every destination already holds the image', () => {
    it('makes no blob request and at most one request per manifest at each destination', async () => {
      const dests = await Promise.all([
        startRegistry('plain', { proxy: true }),
        startRegistry('basic', { proxy: true }),
      ]);
      const to = (): CopyDestination[] =>
        dests.map((d) => ({ registry: d.proxy!.host, repository: 'again/app', tags: ['v1'] }));
      const first = registriesFor([source, ...dests]);
      const copied = await copyImage(first, `${source.proxy!.host}/team/app:v1`, to());
      first.close();
      for (const d of dests) d.proxy!.clearHits();

      const registries = registriesFor([source, ...dests]);
      const result = await copyImage(registries, `${source.proxy!.host}/team/app:v1`, to());
      registries.close();
      // The index, two platforms, signature, attestation, the attestation's signature and the legacy .sig manifest.
      expect(copied.closure.manifests).toBe(7);
      for (const [i, d] of dests.entries()) {
        expect(result.destinations[i]!.status).toBe('unchanged');
        const hits = d.proxy!.hits.filter((h) => h.status !== 401);
        expect(hits.filter((h) => /\/blobs\//.test(h.path))).toEqual([]);
        const manifestHits = hits
          .filter((h) => /\/manifests\//.test(h.path))
          .map((h) => `${h.method} ${h.path}`);
        // The tag, the legacy tag, and one referrers listing per subject (the index and the attestation).
        expect(manifestHits.sort()).toEqual(
          [
            `HEAD /v2/again/app/manifests/v1`,
            `HEAD /v2/again/app/manifests/${image.legacySigTag}`,
            `GET /v2/again/app/manifests/${referrersTag(image.indexDigest)}`,
            `GET /v2/again/app/manifests/${referrersTag(image.referrers.attestation)}`,
          ].sort(),
        );
        expect(manifestHits.length).toBeLessThanOrEqual(copied.closure.manifests);
        // Besides manifests, at most the /v2/ ping and the referrers API probe.
        const others = hits.filter((h) => !/\/manifests\//.test(h.path)).map((h) => h.path);
        expect(others.every((p) => p === '/v2/' || p.startsWith('/v2/again/app/referrers/'))).toBe(true);
        expect(others.length).toBeLessThanOrEqual(2);
      }
      await Promise.all(dests.map((d) => d.stop()));
    });
  });

  describe('when the registry answers 500, 429 with Retry-After and resets connections mid-blob', () => {
    it('retries and the copy is complete and correct', async () => {
      const dest = await startRegistry('plain', { proxy: true });
      const registries = registriesFor([source, dest]);
      const big = `sha256:[0-9a-f]{64}`;
      source.proxy!.setFaults([
        // The 3 MiB layer's download breaks after 1 MiB twice: resumed with Range.
        {
          method: 'GET',
          path: new RegExp(`/blobs/${big}`),
          times: 2,
          fault: { resetAfterBytes: 1024 * 1024 },
        },
        { method: 'GET', path: /\/manifests\//, times: 1, fault: { status: 500 } },
      ]);
      dest.proxy!.setFaults([
        { method: 'HEAD', path: /\/manifests\//, times: 1, fault: { status: 429, retryAfter: 1 } },
        { method: 'POST', path: /\/blobs\/uploads\//, times: 1, fault: { status: 503 } },
        // An upload body cut after 512 KiB: retried by re-reading the source (no spool by default).
        {
          method: 'PUT',
          path: /\/blobs\/uploads\/.*digest=/,
          times: 1,
          fault: { resetAfterBytes: 512 * 1024, resetOn: 'request' },
        },
        { method: 'PUT', path: /\/manifests\//, times: 1, fault: { status: 502 } },
      ]);
      source.proxy!.clearHits();
      const started = Date.now();
      const result = await copyImage(registries, `${source.proxy!.host}/team/app:v1`, [
        { registry: dest.proxy!.host, repository: 'faulty/app', tags: ['v1'] },
      ]);
      const elapsed = Date.now() - started;
      registries.close();
      source.proxy!.clearFaults();
      expect(result.destinations[0]!.status).toBe('copied');
      expect(elapsed).toBeGreaterThanOrEqual(1000);
      const injected = [...source.proxy!.hits, ...dest.proxy!.hits].filter((h) => h.fault).length;
      expect(injected).toBe(7);
      const raw = await skopeoInspectRaw(dest, 'faulty/app:v1');
      expect(raw.equals(sourceIndexBytes)).toBe(true);
      for (const digest of image.platformDigests) {
        expect(computeDigest(await skopeoInspectRaw(dest, `faulty/app@${digest}`))).toBe(digest);
      }
      // The copy's own verification re-read every blob and manifest; check a layer end to end as well.
      const check = registriesFor([dest]);
      const platform = await check.client(dest.host).getManifest('faulty/app', image.platformDigests[0]!);
      for (const layer of (platform.manifest as { layers: { digest: string; size: number }[] }).layers) {
        let n = 0;
        for await (const chunk of check.client(dest.host).openBlob('faulty/app', layer))
          n += (chunk as Buffer).length;
        expect(n).toBe(layer.size);
      }
      check.close();
      await dest.stop();
    });
  });

  describe('when the source is slow to answer for referrers and legacy tags', () => {
    it("moves the image's blobs while those are still being looked up, and the copy is complete", async () => {
      const dest = await startRegistry('plain', { proxy: true });
      const registries = registriesFor([source, dest]);
      const events = recordRequests(registries);
      // Referrers by the tag schema and legacy cosign tags are both `sha256-<hex>` tags.
      source.proxy!.setFaults([{ path: /\/manifests\/sha256-/, fault: { delayMs: 1000 } }]);
      try {
        const result = await copyImage(registries, `${source.proxy!.host}/team/app:v1`, [
          { registry: dest.proxy!.host, repository: 'early/app', tags: ['v1'] },
        ]);
        expect(result.destinations[0]!.status).toBe('copied');
      } finally {
        source.proxy!.clearFaults();
        registries.close();
      }
      const firstUpload = events.findIndex((e) => e.startsWith(`start ${dest.proxy!.host} POST`));
      const lastLookup = events.findLastIndex((e) =>
        new RegExp(`^end ${source.proxy!.host} \\w+ .*/manifests/sha256-`).test(e),
      );
      // The index's manifests are read without waiting for the index's own lookups (each held back 1 s here).
      const firstLookup = events.findIndex((e) =>
        new RegExp(`^end ${source.proxy!.host} \\w+ .*/manifests/sha256-`).test(e),
      );
      const childReads = image.platformDigests.map((d) =>
        events.indexOf(`start ${source.proxy!.host} GET /v2/team/app/manifests/${d}`),
      );
      expect(firstUpload).toBeGreaterThanOrEqual(0);
      expect(lastLookup).toBeGreaterThan(firstUpload);
      for (const read of childReads) {
        expect(read).toBeGreaterThanOrEqual(0);
        expect(read).toBeLessThan(firstLookup);
      }
      await expectSameAsSource(dest, 'early/app', 'v1');
      await dest.stop();
    });
  });

  describe("when one platform's layer is slow to come from the source", () => {
    it("pushes the other platform's manifest and the referrers before that layer has landed, and the tag after it", async () => {
      const dest = await startRegistry('plain', { proxy: true });
      const registries = registriesFor([source, dest]);
      const events = recordRequests(registries);
      const client = registries.client(source.host);
      const [fast, slow] = await Promise.all(
        image.platformDigests.map(async (d) => (await client.getManifest('team/app', d)).manifest),
      );
      const slowLayer = (slow as { layers: { digest: string }[] }).layers.at(-1)!.digest;
      source.proxy!.setFaults([
        { method: 'GET', path: new RegExp(`/blobs/${slowLayer}`), fault: { delayMs: 1500 } },
      ]);
      try {
        const result = await copyImage(registries, `${source.proxy!.host}/team/app:v1`, [
          { registry: dest.proxy!.host, repository: 'per-manifest/app', tags: ['v1'] },
        ]);
        expect(result.destinations[0]!.status).toBe('copied');
      } finally {
        source.proxy!.clearFaults();
        registries.close();
      }
      expect(fast).toBeDefined();
      const at = (pattern: RegExp) => events.findIndex((e) => pattern.test(e));
      const host = dest.proxy!.host.replace(/[.]/g, '\\.');
      const slowLanded = at(
        new RegExp(`^end ${host} PUT .*/blobs/uploads/.*digest=${slowLayer.replace(':', '%3A')}`),
      );
      expect(slowLanded).toBeGreaterThan(0);
      const fastPut = at(new RegExp(`^end ${host} PUT .*/manifests/${image.platformDigests[0]}$`));
      const slowPut = at(new RegExp(`^start ${host} PUT .*/manifests/${image.platformDigests[1]}$`));
      const signaturePut = at(new RegExp(`^end ${host} PUT .*/manifests/${image.referrers.signature}$`));
      const tagPut = at(new RegExp(`^start ${host} PUT .*/manifests/v1$`));
      expect(fastPut).toBeGreaterThan(0);
      expect(fastPut).toBeLessThan(slowLanded);
      expect(signaturePut).toBeGreaterThan(0);
      expect(signaturePut).toBeLessThan(slowLanded);
      expect(slowPut).toBeGreaterThan(slowLanded);
      expect(tagPut).toBeGreaterThan(slowPut);
      await expectSameAsSource(dest, 'per-manifest/app', 'v1');
      await dest.stop();
    });
  });

  describe("when the destination is slow to answer the re-read of the image's index", () => {
    it('reads the sha256-<hex> referrers index meanwhile, and writes it and the tag only after that re-read', async () => {
      const dest = await startRegistry('plain', { proxy: true });
      const registries = registriesFor([source, dest]);
      const events = recordRequests(registries);
      // At a destination the index is only GET by digest to re-read it after its PUT (inspection uses HEAD).
      dest.proxy!.setFaults([
        { method: 'GET', path: new RegExp(`/manifests/${image.indexDigest}$`), fault: { delayMs: 800 } },
      ]);
      try {
        const result = await copyImage(registries, `${source.proxy!.host}/team/app:v1`, [
          { registry: dest.proxy!.host, repository: 'prefetch/app', tags: ['v1'] },
        ]);
        expect(result.destinations[0]!.status).toBe('copied');
      } finally {
        dest.proxy!.clearFaults();
        registries.close();
      }
      const host = dest.proxy!.host.replace(/[.]/g, '\\.');
      const at = (pattern: string) => events.findIndex((e) => new RegExp(`^${pattern}$`).test(e));
      const reread = at(`end ${host} GET .*/manifests/${image.indexDigest}`);
      const listingRead = at(`start ${host} GET .*/manifests/${referrersTag(image.indexDigest)}`);
      const listingWrite = at(`start ${host} PUT .*/manifests/${referrersTag(image.indexDigest)}`);
      const tagWrite = at(`start ${host} PUT .*/manifests/v1`);
      expect(reread).toBeGreaterThan(0);
      expect(listingRead).toBeGreaterThan(0);
      expect(listingRead).toBeLessThan(reread);
      expect(listingWrite).toBeGreaterThan(reread);
      expect(tagWrite).toBeGreaterThan(listingWrite);
      await expectSameAsSource(dest, 'prefetch/app', 'v1');
      await dest.stop();
    });
  });

  describe('when one destination takes uploads much slower than another', () => {
    /** Copies a two-platform image with a 24 MiB layer to a fast destination and one taking uploads at 12 MiB/s. */
    async function copyFastAndSlow(repo: string, options: CopyOptions = {}) {
      const fastDest = await startRegistry('plain', { proxy: true });
      const slowDest = await startRegistry('plain', { proxy: true });
      const registries = registriesFor([source, fastDest, slowDest]);
      // A layer larger than what socket buffers absorb, so the slow link shows.
      await pushBaseImage(source, repo, 'base');
      const big = await buildFixtureImage(registries.client(source.host), repo, {
        layerSizes: [24 * 1024 * 1024, 64 * 1024],
      });
      const events = recordRequests(registries);
      slowDest.proxy!.setFaults([
        {
          method: 'PUT',
          path: /\/blobs\/uploads\//,
          minRequestBytes: 1024 * 1024,
          fault: { bytesPerSecond: 12 * 1024 * 1024, bytesPerSecondOn: 'request' },
        },
      ]);
      let result: CopyResult;
      try {
        result = await copyImage(
          registries,
          `${source.proxy!.host}/${repo}:v1`,
          [
            { registry: fastDest.proxy!.host, repository: 'fast/app', tags: ['v1'] },
            { registry: slowDest.proxy!.host, repository: 'slow/app', tags: ['v1'] },
          ],
          options,
        );
      } finally {
        slowDest.proxy!.clearFaults();
        registries.close();
      }
      expect(result.destinations.map((d) => d.status)).toEqual(['copied', 'copied']);
      // Each blob was still read from the source once.
      expect(result.sourceBytesRead).toBe(result.closure.bytes);
      for (const [dest, name] of [
        [fastDest, 'fast/app'],
        [slowDest, 'slow/app'],
      ] as const) {
        expect(computeDigest(await skopeoInspectRaw(dest, `${name}:v1`))).toBe(big.indexDigest);
        for (const digest of big.platformDigests) {
          expect(computeDigest(await skopeoInspectRaw(dest, `${name}@${digest}`))).toBe(digest);
        }
      }
      await fastDest.stop();
      await slowDest.stop();
      return { result, events, fastHost: fastDest.proxy!.host, slowHost: slowDest.proxy!.host };
    }

    it('finishes the fast one at its own pace: the slow link does not hold it back', async () => {
      const { result, events, fastHost, slowHost } = await copyFastAndSlow('team/big');
      const [fast, slow] = result.destinations;
      expect(slow!.durationMs).toBeGreaterThan(1500);
      // Paced by the slow one, the fast one would end only when the source was read through: most of the way.
      expect(fast!.durationMs).toBeLessThan(slow!.durationMs * 0.4);
      const escape = (host: string) => host.replace(/[.]/g, '\\.');
      const fastTagged = events.findIndex((e) =>
        new RegExp(`^end ${escape(fastHost)} PUT .*/manifests/v1$`).test(e),
      );
      const slowLayers = events.flatMap((e, i) =>
        new RegExp(`^end ${escape(slowHost)} PUT .*/blobs/uploads/`).test(e) ? [i] : [],
      );
      expect(fastTagged).toBeGreaterThan(0);
      expect(Math.max(...slowLayers)).toBeGreaterThan(fastTagged);
    });

    it("with no spill budget, keeps the fast one at the slow one's pace (as before spill files)", async () => {
      const { result } = await copyFastAndSlow('team/big-paced', { spillBudget: 0 });
      const [fast, slow] = result.destinations;
      expect(fast!.durationMs).toBeGreaterThan(slow!.durationMs * 0.6);
    });
  });

  describe('with spool: true, when an upload is cut mid-body', () => {
    it('retries from the spool file and reads the source blob only once', async () => {
      const dest = await startRegistry('plain', { proxy: true });
      const registries = registriesFor([source, dest]);
      dest.proxy!.setFaults([
        {
          method: 'PUT',
          path: /\/blobs\/uploads\/.*digest=/,
          times: 1,
          fault: { resetAfterBytes: 256 * 1024, resetOn: 'request' },
        },
      ]);
      source.proxy!.clearHits();
      const result = await copyImage(
        registries,
        `${source.proxy!.host}/team/app:v1`,
        [{ registry: dest.proxy!.host, repository: 'spooled/app', tags: ['v1'] }],
        {
          spool: true,
        },
      );
      registries.close();
      expect(dest.proxy!.hits.filter((h) => h.fault)).toHaveLength(1);
      expect(result.destinations[0]!.status).toBe('copied');
      const gets = blobGets(source);
      expect(new Set(gets).size).toBe(gets.length);
      expect(result.sourceBytesRead).toBe(result.closure.bytes);
      expect((await skopeoInspectRaw(dest, 'spooled/app:v1')).equals(sourceIndexBytes)).toBe(true);
      await dest.stop();
    });
  });

  describe('with chunkSize, when the connection drops mid-chunk at a registry that keeps the session (olareg)', () => {
    it('resumes from the offset the registry reports: what is sent twice is at most one chunk', async () => {
      const dest = await startRegistry('olareg', { proxy: true });
      const registries = registriesFor([source, dest]);
      const chunk = 256 * 1024;
      // A full chunk's connection is cut after 100 KiB of its body.
      dest.proxy!.setFaults([
        {
          method: 'PATCH',
          path: /\/blobs\/uploads\//,
          times: 1,
          minRequestBytes: chunk,
          fault: { resetAfterBytes: 100 * 1024, resetOn: 'request' },
        },
      ]);
      source.proxy!.clearHits();
      const result = await copyImage(
        registries,
        `${source.proxy!.host}/team/app:v1`,
        [{ registry: dest.proxy!.host, repository: 'resumed/app', tags: ['v1'] }],
        { chunkSize: chunk },
      );
      registries.close();
      expect(result.destinations[0]!.status).toBe('copied');
      const uploads = dest.proxy!.hits.filter((h) => /\/blobs\/uploads\//.test(h.path));
      expect(uploads.filter((h) => h.fault)).toHaveLength(1);
      // One upload session per blob: the cut one went on in its session, from the registry's offset.
      expect(uploads.filter((h) => h.method === 'POST' && h.status === 202)).toHaveLength(
        result.closure.blobs,
      );
      expect(uploads.filter((h) => h.method === 'GET')).toHaveLength(1);
      const sent = uploads.reduce((n, h) => n + h.requestBytes, 0);
      expect(sent).toBeGreaterThan(result.closure.bytes);
      expect(sent - result.closure.bytes).toBeLessThanOrEqual(chunk);
      // Every blob came from the live fan-out or a re-read after the cut; the image is byte-identical.
      expect((await skopeoInspectRaw(dest, 'resumed/app:v1')).equals(sourceIndexBytes)).toBe(true);
      await dest.stop();
    });
  });

  describe('when a destination fails permanently', () => {
    it('writes no tag there, still completes the others, and names what failed', async () => {
      const broken = await startRegistry('plain', { proxy: true });
      const fine = await startRegistry('plain');
      const registries = registriesFor([source, broken, fine], {
        retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
      });
      broken.proxy!.setFaults([
        { method: 'PUT', path: new RegExp(`/manifests/${image.platformDigests[1]}`), fault: { status: 500 } },
      ]);
      let error: unknown;
      try {
        await copyImage(registries, `${source.host}/team/app:v1`, [
          { registry: broken.proxy!.host, repository: 'x/app', tags: ['v1'] },
          { registry: fine.host, repository: 'y/app', tags: ['v1'] },
        ]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CopyError);
      const copyError = error as CopyError;
      expect(copyError.message).toContain(`${broken.proxy!.host}/x/app`);
      expect(copyError.message).toContain(`PUT manifest ${image.platformDigests[1]}`);
      expect(copyError.message).toContain('after 2 attempts');
      expect(copyError.result.destinations[0]!.status).toBe('failed');
      expect(copyError.result.destinations[1]!.status).toBe('copied');
      const client = registries.client(broken.host);
      expect(await client.headManifest('x/app', 'v1')).toBeUndefined();
      expect(await client.headManifest('x/app', image.legacySigTag)).toBeUndefined();
      expect(await client.headManifest('x/app', referrersTag(image.indexDigest))).toBeUndefined();
      expect((await registries.client(fine.host).headManifest('y/app', 'v1'))?.digest).toBe(
        image.indexDigest,
      );
      registries.close();
      await Promise.all([broken.stop(), fine.stop()]);
    });
  });
});

describe('Docker v2 media types and BuildKit attestation manifests', () => {
  it('copies a Docker manifest list with an attestation entry byte for byte', async () => {
    const registries = registriesFor([source, plain]);
    const src = registries.client(source.host);
    const base = (await src.getManifest('team/app', 'base')).manifest as {
      manifests: { digest: string; platform?: object }[];
    };
    const entries = [];
    for (const entry of base.manifests) {
      const m = (await src.getManifest('team/app', entry.digest)).manifest as {
        config: { digest: string; size: number };
        layers: { digest: string; size: number }[];
      };
      const docker = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.DockerManifest,
          config: { mediaType: MediaType.DockerConfig, digest: m.config.digest, size: m.config.size },
          layers: m.layers.map((l) => ({
            mediaType: MediaType.DockerLayerGzip,
            digest: l.digest,
            size: l.size,
          })),
        }),
        'utf8',
      );
      const { digest } = await src.putManifest(
        'team/app',
        computeDigest(docker),
        docker,
        MediaType.DockerManifest,
      );
      entries.push({
        mediaType: MediaType.DockerManifest,
        digest,
        size: docker.length,
        platform: entry.platform,
      });
    }
    // What BuildKit adds for provenance: an OCI manifest with platform unknown/unknown pointing at an image.
    const statement = await src.pushBlob(
      'team/app',
      Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}'),
      'application/vnd.in-toto+json',
    );
    const empty = await src.pushBlob('team/app', Buffer.from('{}'), MediaType.OciConfig);
    const attestation = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: empty,
        layers: [statement],
      }),
    );
    const { digest: attDigest } = await src.putManifest(
      'team/app',
      computeDigest(attestation),
      attestation,
      MediaType.OciManifest,
    );
    entries.push({
      mediaType: MediaType.OciManifest,
      digest: attDigest,
      size: attestation.length,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': entries[0]!.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    });
    const list = Buffer.from(
      JSON.stringify(
        { schemaVersion: 2, mediaType: MediaType.DockerManifestList, manifests: entries },
        null,
        3,
      ),
    );
    await src.putManifest('team/app', 'docker', list, MediaType.DockerManifestList);

    const result = await copyImage(registries, `${source.host}/team/app:docker`, [
      { registry: plain.host, repository: 'docker/app', tags: [] },
    ]);
    registries.close();
    expect(result.mediaType).toBe(MediaType.DockerManifestList);
    expect(result.closure.manifests).toBe(entries.length + 1);
    expect(result.destinations[0]!.tags).toEqual(['docker']);
    const raw = await skopeoInspectRaw(plain, 'docker/app:docker');
    expect(raw.equals(list)).toBe(true);
    expect(computeDigest(await skopeoInspectRaw(plain, `docker/app@${attDigest}`))).toBe(attDigest);
  });
});

describe('bad input', () => {
  it('rejects malformed references and empty destinations as InputError', async () => {
    const registries = new Registries();
    await expect(
      copyImage(registries, 'Not A Ref', [{ registry: plain.host, repository: 'a', tags: [] }]),
    ).rejects.toMatchObject({
      name: 'InputError',
      input: 'source',
    });
    await expect(copyImage(registries, `${source.host}/team/app:v1`, [])).rejects.toBeInstanceOf(InputError);
    expect(() => parseReference('ghcr.io/UPPER/x')).toThrow(InputError);
  });

  it('names an unreachable destination registry', async () => {
    const registries = registriesFor([source], { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await copyImage(registries, `${source.host}/team/app:v1`, [
      { registry: '127.0.0.1:9', repository: 'nowhere/app', tags: ['v1'] },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopyError);
    expect((error as Error).message).toContain('127.0.0.1:9/nowhere/app');
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    registries.close();
  });

  describe('when the credentials are wrong', () => {
    it('fails with UNAUTHORIZED for basic and token registries, and no log line or message carries the secret', async () => {
      const secret = 'wrong-password-do-not-leak-9f3a';
      const lines: string[] = [];
      const logger = new ConsoleLogger({ debug: true, write: (l) => lines.push(l) });
      for (const handle of [basic, token]) {
        const registries = new Registries({
          hosts: { [handle.host]: { ca: handle.caPem } },
          credentials: new StaticCredentials({
            [handle.host]: { username: handle.username!, password: secret },
          }),
          logger,
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
        });
        const error = await copyImage(
          registries,
          `${source.host}/team/app:v1`,
          [{ registry: handle.host, repository: 'denied/app', tags: ['v1'] }],
          {
            logger,
          },
        ).catch((e: unknown) => e);
        registries.close();
        expect(error).toBeInstanceOf(CopyError);
        const failure = (error as CopyError).result.destinations[0]!;
        expect(failure.status).toBe('failed');
        expect(failure.error).toMatch(/401|credentials/);
        expect((error as Error).message).toContain(handle.host);
        expect((error as Error).message).not.toContain(secret);
        expect((error as Error).message).not.toContain(
          Buffer.from(`${handle.username}:${secret}`).toString('base64'),
        );
      }
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).not.toContain(secret);
        expect(line).not.toContain(Buffer.from(`deliverkit:${secret}`).toString('base64'));
      }
    });
  });

  describe('when a registry serves a manifest that does not match its digest', () => {
    it('refuses it with DIGEST_MISMATCH and writes nothing', async () => {
      const corrupting = await startCorruptingProxy(source.url);
      const dest = await startRegistry('plain');
      const registries = registriesFor([source, dest]);
      const error = await copyImage(registries, `${corrupting.host}/team/app@${image.indexDigest}`, [
        { registry: dest.host, repository: 'never/app', tags: ['v1'] },
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as RegistryError).code).toBe('DIGEST_MISMATCH');
      expect((error as Error).message).toContain(`${corrupting.host}/team/app`);
      // By tag: the body no longer matches the registry's Docker-Content-Digest.
      const byTag = await registries
        .client(corrupting.host)
        .getManifest('team/app', 'v1')
        .catch((e: unknown) => e);
      expect((byTag as RegistryError).code).toBe('DIGEST_MISMATCH');
      expect(await registries.client(dest.host).listTags('never/app')).toEqual([]);
      registries.close();
      corrupting.close();
      await dest.stop();
    });
  });
});

/** A proxy that flips one space in every manifest body it relays: same length, valid JSON, wrong digest. */
async function startCorruptingProxy(target: string): Promise<{ host: string; close: () => void }> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    relayRequest(upstream, req, res, (up) => {
      const isManifest = /\/manifests\//.test(req.url ?? '') && req.method === 'GET';
      if (!isManifest) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        const tampered = Buffer.from(text.replace('"schemaVersion":2', '"schemaVersion": 2'));
        res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(tampered.length) });
        res.end(tampered);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
