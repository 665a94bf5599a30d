import { withInputError } from '@deliverkit/action-kit';
import {
  type Platform,
  parsePlatform as parseCorePlatform,
  parsePlatforms as parseCorePlatforms,
} from '@deliverkit/oci-core';

// oci-core's parsers, an unknown platform failing as the InputError naming `input`.
export function parsePlatform(value: string, input = 'platforms'): Platform {
  return withInputError(() => parseCorePlatform(value, input));
}

export function parsePlatforms(values: readonly string[], input = 'platforms'): Platform[] {
  return withInputError(() => parseCorePlatforms(values, input));
}

/** The platform this process runs on, in OCI terms. */
export function hostPlatform(): Platform {
  const arch = (
    {
      x64: 'amd64',
      arm64: 'arm64',
      arm: 'arm',
      ia32: '386',
      ppc64: 'ppc64le',
      s390x: 's390x',
      riscv64: 'riscv64',
    } as Record<string, string>
  )[process.arch];
  return {
    os: process.platform === 'win32' ? 'windows' : process.platform,
    architecture: arch ?? process.arch,
  };
}
