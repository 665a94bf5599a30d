import { describe, expect, it } from 'vitest';
import { sbomArtifactName } from '../../packages/sbom/src/image-sboms';
import { Syft, syftEnvironment, syftReleaseAsset, syftScanArgs } from '../../packages/sbom/src/syft';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('syftScanArgs', () => {
  it('scans the registry image by digest for one platform, all formats in one run', () => {
    expect(
      syftScanArgs({
        image: `ghcr.io/acme/api@${DIGEST}`,
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        outputs: [
          { format: 'spdx-json', path: '/out/linux-arm64.spdx.json' },
          { format: 'cyclonedx-json', path: '/out/linux-arm64.cdx.json' },
        ],
      }),
    ).toEqual([
      'scan',
      `registry:ghcr.io/acme/api@${DIGEST}`,
      '--platform',
      'linux/arm64/v8',
      '--quiet',
      '-o',
      'spdx-json@2.3=/out/linux-arm64.spdx.json',
      '-o',
      'cyclonedx-json@1.6=/out/linux-arm64.cdx.json',
    ]);
  });

  it('refuses a tag: both engines must read exactly the same manifest', () => {
    expect(() =>
      syftScanArgs({
        image: 'ghcr.io/acme/api:latest',
        platform: { os: 'linux', architecture: 'amd64' },
        outputs: [],
      }),
    ).toThrow(/by digest/);
  });
});

describe('syftEnvironment', () => {
  it('passes credentials only through the environment', () => {
    const env = syftEnvironment({
      credential: { registry: 'ghcr.io', username: 'u', password: 's3cret' },
      insecure: true,
    });
    expect(env).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      SYFT_REGISTRY_AUTH_AUTHORITY: 'ghcr.io',
      SYFT_REGISTRY_AUTH_USERNAME: 'u',
      SYFT_REGISTRY_AUTH_PASSWORD: 's3cret',
      SYFT_REGISTRY_INSECURE_USE_HTTP: 'true',
      SYFT_REGISTRY_INSECURE_SKIP_TLS_VERIFY: 'true',
    });
  });
});

describe('syftReleaseAsset', () => {
  it.each([
    ['x64', 'amd64'],
    ['arm64', 'arm64'],
  ])('maps runner arch %s to the %s tarball', (arch, goArch) => {
    expect(syftReleaseAsset('v1.18.1', arch).url).toBe(
      `https://github.com/anchore/syft/releases/download/v1.18.1/syft_1.18.1_linux_${goArch}.tar.gz`,
    );
  });
});

describe('Syft', () => {
  it('reports a syft that is not there as SYFT_NOT_FOUND, before anything is scanned', async () => {
    const syft = new Syft('/nonexistent/deliverkit/syft', {});
    await expect(
      syft.scan({
        image: `ghcr.io/acme/api@${DIGEST}`,
        platform: { os: 'linux', architecture: 'amd64' },
        outputs: [{ format: 'spdx-json', path: '/tmp/x.spdx.json' }],
      }),
    ).rejects.toMatchObject({ name: 'SbomError', code: 'SYFT_NOT_FOUND' });
  });

  it('refuses an image by tag as INVALID_IMAGE', async () => {
    await expect(
      new Syft('syft', {}).scan({
        image: 'ghcr.io/acme/api:v1',
        platform: { os: 'linux', architecture: 'amd64' },
        outputs: [],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
  });
});

describe('sbomArtifactName', () => {
  it('is unique per image, digest and platforms, in characters an artifact name may hold', () => {
    expect(
      sbomArtifactName({
        name: 'ghcr.io/acme/my app',
        digest: DIGEST,
        platforms: [{ platform: 'linux/amd64' }, { platform: 'linux/arm/v7' }] as never,
      }),
    ).toBe(`sbom-my-app-${'a'.repeat(12)}-linux-amd64_linux-arm-v7`);
  });
});
