import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigest, MediaType } from '@deliverkit/oci-core';
import { copyImage, Registries } from '@deliverkit/oci';
import { StaticCredentials } from '../../packages/oci/src/auth';
import { referrersTag } from '../../packages/oci/src/client';
import {
  ensureTestbed,
  pushBaseImage,
  startRegistry,
  stopAll,
  viaProxy,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { buildFixtureImage, type FixtureImage } from './fixture-image';

// The OCI 1.1 referrers API path of the client and the copy engine, against olareg (a registry that serves the
// API, as Docker Hub, ECR, ACR and Artifact Registry do), reached through a pass-through fault proxy that counts the
// requests. The tag-schema path (distribution 2.8.2) is copy.itg.test.ts's.
let tagSchema: RegistryHandle;
let olareg: RegistryHandle;
let api: RegistryHandle;
let image: FixtureImage;
const referrersRequests = () => olareg.proxy!.hits.filter((h) => h.path.includes('/referrers/')).length;

const registries = () =>
  new Registries({
    hosts: {},
    credentials: new StaticCredentials({}),
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });

/** The tags the registry really holds: a `sha256-<hex>` tag there means the client fell back. */
async function backingTags(client: ReturnType<Registries['client']>, repo: string): Promise<string[]> {
  return client.listTags(repo).catch(() => []);
}

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  [tagSchema, olareg] = await Promise.all([startRegistry('plain'), startRegistry('olareg', { proxy: true })]);
  api = viaProxy(olareg);
  await pushBaseImage(tagSchema, 'team/app', 'base');
  const r = registries();
  image = await buildFixtureImage(r.client(tagSchema.host), 'team/app');
  r.close();
});

afterAll(stopAll);

describe('on a registry with the referrers API', () => {
  it('probes the API, pushes a referrer without a tag-schema tag and lists it, filtered by artifactType', async () => {
    const r = registries();
    const client = r.client(api.host);
    await pushBaseImage(api, 'solo/app', 'v1');
    const subject = (await client.headManifest('solo/app', 'v1'))!;
    expect((await client.probeCapabilities('solo/app')).referrersApi).toBe(true);

    const config = Buffer.from('{}');
    const empty = { mediaType: MediaType.OciEmpty, digest: computeDigest(config), size: config.length };
    await client.uploadBlob('solo/app', empty, { open: async () => Readable.from([config]) });
    const sbomManifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: 'application/spdx+json',
        config: empty,
        layers: [empty],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        annotations: { 'org.opencontainers.image.created': '2026-11-26T00:00:00Z' },
      }),
    );
    const pushed = await client.pushReferrer('solo/app', sbomManifest, MediaType.OciManifest);
    expect(pushed.digest).toBe(computeDigest(sbomManifest));

    const all = await client.getReferrers('solo/app', subject.digest);
    expect(all.via).toBe('api');
    expect(all.descriptors).toEqual([
      expect.objectContaining({
        digest: pushed.digest,
        artifactType: 'application/spdx+json',
        size: sbomManifest.length,
      }),
    ]);
    expect(
      (await client.getReferrers('solo/app', subject.digest, { artifactType: 'application/spdx+json' }))
        .descriptors,
    ).toHaveLength(1);
    expect(
      (
        await client.getReferrers('solo/app', subject.digest, {
          artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        })
      ).descriptors,
    ).toHaveLength(0);
    // The registry indexed it: no fallback tag was written.
    expect(await backingTags(r.client(olareg.host), 'solo/app')).not.toContain(referrersTag(subject.digest));
    r.close();
  });

  it('copy from a tag-schema registry: referrers become discoverable through the API, no sha256- tag is written', async () => {
    const r = registries();
    const report = await copyImage(r, `${tagSchema.host}/team/app@${image.indexDigest}`, [
      { registry: api.host, repository: 'hub/app', tags: ['v1'] },
    ]);
    expect(report.destinations[0]).toMatchObject({ referrers: 3, referrersCopied: 3 });
    const client = r.client(api.host);
    const onIndex = await client.getReferrers('hub/app', image.indexDigest);
    expect(onIndex.via).toBe('api');
    expect(onIndex.descriptors.map((d) => d.digest).sort()).toEqual(
      [image.referrers.signature, image.referrers.attestation].sort(),
    );
    expect(onIndex.descriptors.find((d) => d.digest === image.referrers.attestation)?.artifactType).toBe(
      'application/vnd.in-toto+json',
    );
    const onAttestation = await client.getReferrers('hub/app', image.referrers.attestation);
    expect(onAttestation.descriptors.map((d) => d.digest)).toEqual([image.referrers.attestationSignature]);
    const tags = await backingTags(r.client(olareg.host), 'hub/app');
    // Only the legacy cosign `.sig` tag (copied as it is); no `sha256-<hex>` referrers index.
    expect(tags.filter((t) => /^sha256-[a-f0-9]{64}$/.test(t))).toEqual([]);
    expect(tags.sort()).toEqual([image.legacySigTag, 'v1'].sort());
    r.close();
  });

  it('copy from the API registry to one without it: the tag-schema index is written at the destination', async () => {
    const r = registries();
    const before = referrersRequests();
    await copyImage(r, `${api.host}/hub/app@${image.indexDigest}`, [
      { registry: tagSchema.host, repository: 'back/app', tags: ['v1'] },
    ]);
    expect(referrersRequests()).toBeGreaterThan(before);
    const onIndex = await r.client(tagSchema.host).getReferrers('back/app', image.indexDigest);
    expect(onIndex.via).toBe('tag-schema');
    expect(onIndex.descriptors.map((d) => d.digest).sort()).toEqual(
      [image.referrers.signature, image.referrers.attestation].sort(),
    );
    r.close();
  });
});
