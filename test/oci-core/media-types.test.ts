import { describe, expect, it, test } from 'vitest';
import {
  type Descriptor,
  isBuildkitAttestation,
  isImageMediaType,
  isIndex,
  isIndexMediaType,
  MANIFEST_MEDIA_TYPES,
  MediaType,
  referrerArtifactType,
} from '@deliverkit/oci-core';
import {
  BUILDKIT_ATTESTATION_MANIFEST,
  BUILDKIT_REFERENCE_TYPE,
} from '../../packages/oci-core/src/media-types';

const config: Descriptor = { mediaType: MediaType.OciEmpty, digest: `sha256:${'0'.repeat(64)}`, size: 2 };

describe('media types', () => {
  test.each([
    [MediaType.OciIndex, true, false],
    [MediaType.DockerManifestList, true, false],
    [MediaType.OciManifest, false, true],
    [MediaType.DockerManifest, false, true],
    [MediaType.OciConfig, false, false],
  ])('%s: index %s, image %s', (mediaType, index, image) => {
    expect(isIndexMediaType(mediaType)).toBe(index);
    expect(isImageMediaType(mediaType)).toBe(image);
    expect(MANIFEST_MEDIA_TYPES.includes(mediaType)).toBe(index || image);
  });
});

describe('manifests', () => {
  it('tells an index by its manifests list', () => {
    expect(isIndex({ schemaVersion: 2, manifests: [] })).toBe(true);
    expect(isIndex({ schemaVersion: 2, config, layers: [] })).toBe(false);
  });

  it('reports a referrer artifactType as OCI 1.1 does: its own, else its config media type', () => {
    expect(referrerArtifactType({ schemaVersion: 2, artifactType: 'a/b', config, layers: [] })).toBe('a/b');
    expect(referrerArtifactType({ schemaVersion: 2, config, layers: [] })).toBe(MediaType.OciEmpty);
    expect(referrerArtifactType({ schemaVersion: 2, manifests: [] })).toBeUndefined();
  });

  it('knows BuildKit attestation manifests by their annotation', () => {
    const annotations = { [BUILDKIT_REFERENCE_TYPE]: BUILDKIT_ATTESTATION_MANIFEST };
    expect(isBuildkitAttestation({ ...config, annotations })).toBe(true);
    expect(isBuildkitAttestation(config)).toBe(false);
  });
});
