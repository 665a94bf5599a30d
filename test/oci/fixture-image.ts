import { randomBytes } from 'node:crypto';
import {
  computeDigest,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  MediaType,
} from '@deliverkit/oci-core';
import { type RegistryClient, referrersTag } from '../../packages/oci/src/client';
import { writeTar } from '@deliverkit/testing-testbed';

export interface FixtureImage {
  repository: string;
  tag: string;
  indexDigest: string;
  platformDigests: string[];
  /** Signature and attestation on the index, and a signature on the attestation (a referrer of a referrer). */
  referrers: { signature: string; attestation: string; attestationSignature: string };
  legacySigTag: string;
  legacySigDigest: string;
  layerBytes: number;
}

/**
 * Builds a two-platform image on top of the test bed's busybox base already pushed at `repository:base`: each
 * platform gets an extra random (incompressible) layer, a new config and an OCI manifest; then attaches, the way
 * cosign v3 does on a registry without the referrers API, a Sigstore-bundle signature and an in-toto attestation
 * as referrers of the index (tag-schema fallback), a signature of the attestation, and a legacy cosign `.sig` tag.
 */
export async function buildFixtureImage(
  client: RegistryClient,
  repository: string,
  options: { tag?: string; layerSizes?: number[] } = {},
): Promise<FixtureImage> {
  const tag = options.tag ?? 'v1';
  const sizes = options.layerSizes ?? [3 * 1024 * 1024 + 17, 300 * 1024];
  const base = await client.getManifest(repository, 'base');
  const baseIndex = base.manifest as ImageIndex;
  const platforms: Descriptor[] = [];
  let layerBytes = 0;
  for (const [i, entry] of baseIndex.manifests.entries()) {
    const fetched = await client.getManifest(repository, entry.digest);
    const manifest = fetched.manifest as ImageManifest;
    const config = JSON.parse((await client.fetchBlob(repository, manifest.config)).toString('utf8')) as {
      rootfs: { diff_ids: string[] };
      history?: unknown[];
    };
    // An uncompressed tar layer: its digest is its diff_id. Random content keeps it incompressible.
    const layer = writeTar([{ name: `data-${i}.bin`, content: randomBytes(sizes[i % sizes.length]!) }]);
    layerBytes += layer.length;
    const layerDescriptor = await client.pushBlob(repository, layer, MediaType.OciLayer);
    config.rootfs.diff_ids.push(layerDescriptor.digest);
    config.history = [...(config.history ?? []), { created_by: 'deliverkit test: extra layer' }];
    const configDescriptor = await client.pushBlob(
      repository,
      Buffer.from(JSON.stringify(config)),
      MediaType.OciConfig,
    );
    const next: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: configDescriptor,
      layers: [...manifest.layers, layerDescriptor],
    };
    const bytes = Buffer.from(JSON.stringify(next));
    const { digest } = await client.putManifest(
      repository,
      computeDigest(bytes),
      bytes,
      MediaType.OciManifest,
    );
    platforms.push({
      mediaType: MediaType.OciManifest,
      digest,
      size: bytes.length,
      platform: entry.platform,
    });
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: platforms };
  const indexBytes = Buffer.from(JSON.stringify(index));
  const { digest: indexDigest } = await client.putManifest(repository, tag, indexBytes, MediaType.OciIndex);
  const subject: Descriptor = { mediaType: MediaType.OciIndex, digest: indexDigest, size: indexBytes.length };

  const signature = await pushArtifact(client, repository, subject, MediaType.SigstoreBundleV03, {
    'dev.sigstore.bundle.content': 'dsse-envelope',
    'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1',
  });
  const attestation = await pushArtifact(client, repository, subject, 'application/vnd.in-toto+json', {
    'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1',
  });
  const attestationSignature = await pushArtifact(
    client,
    repository,
    attestation,
    MediaType.SigstoreBundleV03,
    {
      'dev.sigstore.bundle.content': 'dsse-envelope',
    },
  );

  // Legacy cosign: a manifest under sha256-<hex>.sig whose layer is a simple-signing payload.
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': repository },
        image: { 'docker-manifest-digest': indexDigest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const payloadDescriptor = await client.pushBlob(repository, payload, MediaType.CosignSimpleSigning);
  const emptyConfig = await client.pushBlob(repository, Buffer.from('{}'), MediaType.OciConfig);
  const sig: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: emptyConfig,
    layers: [
      {
        ...payloadDescriptor,
        annotations: { 'dev.cosignproject.cosign/signature': randomBytes(64).toString('base64') },
      },
    ],
  };
  const sigBytes = Buffer.from(JSON.stringify(sig));
  const legacySigTag = `${referrersTag(indexDigest)}.sig`;
  const { digest: legacySigDigest } = await client.putManifest(
    repository,
    legacySigTag,
    sigBytes,
    MediaType.OciManifest,
  );

  return {
    repository,
    tag,
    indexDigest,
    platformDigests: platforms.map((p) => p.digest),
    referrers: {
      signature: signature.digest,
      attestation: attestation.digest,
      attestationSignature: attestationSignature.digest,
    },
    legacySigTag,
    legacySigDigest,
    layerBytes,
  };
}

async function pushArtifact(
  client: RegistryClient,
  repository: string,
  subject: Descriptor,
  artifactType: string,
  annotations: Record<string, string>,
): Promise<Descriptor> {
  const empty = await client.pushBlob(repository, Buffer.from('{}'), MediaType.OciEmpty);
  const content = await client.pushBlob(
    repository,
    Buffer.from(JSON.stringify({ random: randomBytes(16).toString('hex') })),
    artifactType,
  );
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType,
    config: empty,
    layers: [content],
    subject,
    annotations,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return client.pushReferrer(repository, bytes, MediaType.OciManifest);
}
