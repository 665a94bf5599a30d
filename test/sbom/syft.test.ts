import { describe, expect, it } from 'vitest';
import { syftEnvironment, syftReleaseAsset, syftScanArgs } from '../../packages/sbom/src';

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
