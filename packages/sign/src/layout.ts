import { computeDigest, type Descriptor } from '@deliverkit/oci-core';
import { splitDigest } from './statement';
import { BUNDLE_V03_MEDIA_TYPE } from './signer';

/** Layouts cosign reads, byte for byte where it matters (shared/docs/formats.md). */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
export const EMPTY_JSON = Buffer.from('{}');

export const ANNOTATION_BUNDLE_CONTENT = 'dev.sigstore.bundle.content';
export const ANNOTATION_BUNDLE_PREDICATE = 'dev.sigstore.bundle.predicateType';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
export const ANNOTATION_SIGNATURE = 'dev.cosignproject.cosign/signature';
export const ANNOTATION_CERTIFICATE = 'dev.sigstore.cosign/certificate';
export const ANNOTATION_CHAIN = 'dev.sigstore.cosign/chain';
export const ANNOTATION_SET_BUNDLE = 'dev.sigstore.cosign/bundle';
export const ANNOTATION_RFC3161 = 'dev.sigstore.cosign/rfc3161timestamp';

export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
}

export function blob(mediaType: string, bytes: Buffer, annotations?: Record<string, string>): Blob {
  return {
    descriptor: {
      mediaType,
      digest: computeDigest(bytes),
      size: bytes.length,
      ...(annotations ? { annotations } : {}),
    },
    bytes,
  };
}

/** The referrers tag schema: `sha256-<hex>` for the index of referrers of a subject. */
export function referrersTag(subjectDigest: string): string {
  const [alg, hex] = splitDigest(subjectDigest);
  return `${alg}-${hex}`;
}

export function legacySignatureTag(subjectDigest: string): string {
  return `${referrersTag(subjectDigest)}.sig`;
}

export function legacyAttestationTag(subjectDigest: string): string {
  return `${referrersTag(subjectDigest)}.att`;
}

/**
 * The OCI 1.1 artifact manifest `cosign sign` v3 pushes for a bundle: empty config, one layer (the
 * bundle), `subject` = the signed image, and the annotations cosign uses to filter.
 */
export function bundleReferrerManifest(
  subject: Descriptor,
  bundleBytes: Buffer,
  predicateType: string,
  created: Date = new Date(),
): { manifest: Blob; layers: Blob[]; config: Blob } {
  const config = blob(OCI_EMPTY, EMPTY_JSON);
  const layer = blob(BUNDLE_V03_MEDIA_TYPE, bundleBytes);
  const body = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    config: config.descriptor,
    layers: [layer.descriptor],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      [ANNOTATION_BUNDLE_CONTENT]: 'dsse-envelope',
      [ANNOTATION_BUNDLE_PREDICATE]: predicateType,
      [ANNOTATION_CREATED]: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
  const manifest = blob(OCI_MANIFEST, Buffer.from(JSON.stringify(body)));
  manifest.descriptor.artifactType = BUNDLE_V03_MEDIA_TYPE;
  manifest.descriptor.annotations = body.annotations;
  return { manifest, layers: [layer], config };
}

/** cosign ≤ 2.5's simple-signing payload for an image digest. */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

/**
 * The `.sig` / `.att` image cosign ≤ 2.5 keeps under a tag: an OCI manifest whose config is the
 * go-containerregistry config of an image made of the given (uncompressed) layers.
 */
export function legacyImage(layers: Descriptor[]): { manifest: Blob; config: Blob } {
  const zero = '0001-01-01T00:00:00Z';
  const config = blob(
    OCI_IMAGE_CONFIG,
    Buffer.from(
      JSON.stringify({
        architecture: '',
        created: zero,
        history: layers.map(() => ({ created: zero })),
        os: '',
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
        config: {},
      }),
    ),
  );
  const body = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: config.descriptor,
    layers,
  };
  return { manifest: blob(OCI_MANIFEST, Buffer.from(JSON.stringify(body))), config };
}
