import { describe, expect, it, test } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
} from '@deliverkit/oci';

const policy = {
  ...DEFAULT_RETRY_POLICY,
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxRetryAfterMs: 5000,
};

describe('retry policy', () => {
  test.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [408, true],
    [400, false],
    [401, false],
    [404, false],
    [501, false],
  ])('status %i retryable: %s', (status, retryable) => expect(isRetryableStatus(status)).toBe(retryable));

  test.each([
    [{ code: 'ECONNRESET' }, true],
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: 'IDLE_TIMEOUT' }, true],
    [new Error('socket hang up'), true],
    [{ code: 'CERT_HAS_EXPIRED' }, false],
    [new Error('boom'), false],
    ['text', false],
  ])('network error %j retryable: %s', (error, retryable) =>
    expect(isRetryableNetworkError(error)).toBe(retryable),
  );

  describe('when the server gives no Retry-After', () => {
    it('uses full jitter below an exponentially growing ceiling', () => {
      expect(retryDelay(1, policy, undefined, () => 0.999)).toBe(99);
      expect(retryDelay(2, policy, undefined, () => 0.999)).toBe(199);
      expect(retryDelay(3, policy, undefined, () => 0.5)).toBe(200);
      expect(retryDelay(1, policy, undefined, () => 0)).toBe(0);
    });
    it('caps the ceiling at maxDelayMs', () => {
      const big = { ...policy, maxAttempts: 20 };
      expect(retryDelay(15, big, undefined, () => 0.999)).toBe(999);
    });
    it('gives up after maxAttempts', () => {
      expect(retryDelay(4, policy, undefined, () => 0.5)).toBeUndefined();
    });
  });

  describe('when the server answers 429 with Retry-After', () => {
    it('waits at least Retry-After, plus a little jitter', () => {
      expect(retryDelay(1, policy, 2000, () => 0)).toBe(2000);
      expect(retryDelay(1, policy, 2000, () => 0.5)).toBe(2050);
    });
    it('gives up rather than wait longer than the bound', () => {
      expect(retryDelay(1, policy, 10_000, () => 0)).toBeUndefined();
    });
  });

  test.each([
    ['3', 3000],
    ['0', 0],
    [' 12 ', 12000],
    ['Wed, 01 Jan 2025 00:00:10 GMT', 10000],
    ['Wed, 01 Jan 2024 00:00:10 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('Retry-After %j → %j ms', (value, ms) => {
    expect(parseRetryAfter(value, Date.parse('2025-01-01T00:00:00Z'))).toBe(ms);
  });
});
