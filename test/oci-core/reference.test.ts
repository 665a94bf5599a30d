import { describe, expect, it, test } from 'vitest';
import { OciCoreError, parseReference } from '@deliverkit/oci-core';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  test.each([
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined, 'registry-1.docker.io'],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined, 'registry-1.docker.io'],
    ['library/nginx', 'docker.io', 'library/nginx', undefined, undefined, 'registry-1.docker.io'],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined, 'registry-1.docker.io'],
    ['index.docker.io/foo/bar:x', 'docker.io', 'foo/bar', 'x', undefined, 'registry-1.docker.io'],
    ['user/app', 'docker.io', 'user/app', undefined, undefined, 'registry-1.docker.io'],
    ['ghcr.io/org/app:v1', 'ghcr.io', 'org/app', 'v1', undefined, 'ghcr.io'],
    ['localhost/app', 'localhost', 'app', undefined, undefined, 'localhost'],
    ['localhost:5000/a/b/c:t', 'localhost:5000', 'a/b/c', 't', undefined, 'localhost:5000'],
    ['127.0.0.1:5000/app@' + D, '127.0.0.1:5000', 'app', undefined, D, '127.0.0.1:5000'],
    ['ghcr.io/org/app:v1@' + D, 'ghcr.io', 'org/app', 'v1', D, 'ghcr.io'],
    ['[::1]:5000/app:v', '[::1]:5000', 'app', 'v', undefined, '[::1]:5000'],
    ['Registry/app', 'Registry', 'app', undefined, undefined, 'Registry'],
    ['a.b/c__d/e-f/g.h_i:Tag_1.0-x', 'a.b', 'c__d/e-f/g.h_i', 'Tag_1.0-x', undefined, 'a.b'],
  ])('%s', (input, registry, repository, tag, digest, apiHost) => {
    const ref = parseReference(input);
    expect({
      registry: ref.registry,
      repository: ref.repository,
      tag: ref.tag,
      digest: ref.digest,
      apiHost: ref.apiHost,
    }).toEqual({
      registry,
      repository,
      tag,
      digest,
      apiHost,
    });
  });

  it('formats the canonical name and defaults the manifest reference to latest', () => {
    const ref = parseReference('nginx');
    expect(ref.toString()).toBe('docker.io/library/nginx');
    expect(ref.reference).toBe('latest');
    expect(parseReference(`ghcr.io/o/a:v@${D}`).reference).toBe(D);
    expect(parseReference('ghcr.io/o/a:v').withDigest(D).toString()).toBe(`ghcr.io/o/a@${D}`);
  });

  test.each([
    [''],
    ['   '],
    ['ghcr.io/app:tag:extra'],
    ['ghcr.io/Org/app'],
    ['app:'],
    ['app:-bad'],
    [`app:${'t'.repeat(129)}`],
    ['app@sha256:abc'],
    [`app@sha256:${'A'.repeat(64)}`],
    [`app@md5:${'a'.repeat(32)}`],
    ['https://ghcr.io/a/b'],
    ['ghcr.io/a//b'],
    ['ghcr.io/a/b c'],
    ['-bad.io/app'],
    ['ghcr.io/a..b'],
    [`ghcr.io/${'a'.repeat(250)}`],
    ['ghcr.io/'],
  ])('rejects %j with an INVALID_REFERENCE error naming the input', (input) => {
    let error: unknown;
    try {
      parseReference(input, { input: 'source' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OciCoreError);
    expect((error as OciCoreError).input).toBe('source');
    expect((error as OciCoreError).code).toBe('INVALID_REFERENCE');
  });

  it('can require a tag or digest', () => {
    expect(() => parseReference('ghcr.io/a/b', { requireTagOrDigest: true })).toThrow(OciCoreError);
  });
});
