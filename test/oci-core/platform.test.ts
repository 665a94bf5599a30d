import { describe, expect, it, test } from 'vitest';
import {
  formatPlatform,
  OciCoreError,
  parsePlatform,
  parsePlatforms,
  platformMatches,
  platformSlug,
} from '@deliverkit/oci-core';

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };

describe('parsePlatform', () => {
  test.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['Linux/AMD64', 'linux/amd64'],
    [' linux/386 ', 'linux/386'],
  ])('%s → %s', (text, expected) => {
    expect(formatPlatform(parsePlatform(text, 'platforms'))).toBe(expected);
  });

  test.each([
    'linux',
    'linux/amd65',
    'plan9/amd64',
    'linux/arm64/v7',
    'linux/amd64/v9',
    'linux//amd64',
    'linux/386/v2',
    'linux/arm/v9',
    'linux/amd64/v3/x',
  ])('rejects %s with INVALID_PLATFORM naming the input its caller gave', (text) => {
    let error: unknown;
    try {
      parsePlatform(text, 'FROM --platform of base');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OciCoreError);
    expect(error).toMatchObject({ code: 'INVALID_PLATFORM', input: 'FROM --platform of base' });
    expect((error as Error).message).toContain(
      `Input "FROM --platform of base" has an unknown platform "${text}"`,
    );
  });
});

describe('parsePlatforms', () => {
  it('de-duplicates equivalent spellings, in order', () => {
    expect(parsePlatforms(['linux/arm64', 'linux/aarch64', 'linux/amd64'], 'platforms')).toEqual([
      arm64,
      amd64,
    ]);
  });

  it('names the input in the error of any entry', () => {
    expect(() => parsePlatforms(['linux/amd64', 'linux'], 'platforms')).toThrow(
      expect.objectContaining({ input: 'platforms', code: 'INVALID_PLATFORM' }),
    );
  });
});

describe('formatPlatform and platformSlug', () => {
  test.each([
    [amd64, 'linux/amd64', 'linux-amd64'],
    [{ os: 'linux', architecture: 'arm', variant: 'v7' }, 'linux/arm/v7', 'linux-arm-v7'],
  ])('%o → %s, %s', (platform, text, slug) => {
    expect(formatPlatform(platform)).toBe(text);
    expect(platformSlug(platform)).toBe(slug);
  });
});

describe('platformMatches', () => {
  it.each([
    [{ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }, true],
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'linux', architecture: 'arm64' }, true],
    [
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      { os: 'linux', architecture: 'arm', variant: 'v6' },
      false,
    ],
    [{ os: 'linux', architecture: 'arm' }, { os: 'linux', architecture: 'arm', variant: 'v6' }, true],
    [amd64, arm64, false],
    [amd64, { os: 'windows', architecture: 'amd64' }, false],
  ])('%o serves %o: %s', (wanted, actual, expected) => {
    expect(platformMatches(wanted, actual)).toBe(expected);
  });
});
