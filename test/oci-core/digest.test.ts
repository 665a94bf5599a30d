import { describe, expect, it, test } from 'vitest';
import {
  computeDigest,
  digestAlgorithm,
  digestHex,
  isSha256Digest,
  isValidDigest,
  OciCoreError,
} from '@deliverkit/oci-core';

const D = `sha256:${'a'.repeat(64)}`;

describe('isValidDigest', () => {
  test.each([
    [D, true],
    [`sha512:${'b'.repeat(128)}`, true],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha256:${'g'.repeat(64)}`, false],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha384:${'a'.repeat(96)}`, false],
    ['sha256', false],
  ])('%s → %s', (digest, valid) => expect(isValidDigest(digest)).toBe(valid));
});

describe('isSha256Digest', () => {
  test.each([
    [D, true],
    [`sha512:${'b'.repeat(128)}`, false],
    [`sha256:${'a'.repeat(65)}`, false],
    [`x${D}`, false],
  ])('%s → %s', (digest, valid) => expect(isSha256Digest(digest)).toBe(valid));
});

describe('computeDigest', () => {
  it('is the sha256 of the bytes by default, and sha512 when asked', () => {
    expect(computeDigest('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(computeDigest(Buffer.from('abc'), 'sha512')).toMatch(/^sha512:ddaf35a1/);
  });
});

describe('digestAlgorithm and digestHex', () => {
  it('split a digest', () => {
    expect(digestAlgorithm(D)).toBe('sha256');
    expect(digestHex(D)).toBe('a'.repeat(64));
  });

  it('refuses an algorithm other than sha256 and sha512', () => {
    expect(() => digestAlgorithm(`md5:${'a'.repeat(32)}`)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_DIGEST' }),
    );
    expect(() => digestAlgorithm('md5:0')).toThrow(OciCoreError);
  });
});
