import { describe, expect, it, test } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  type RetryRuntime,
  withRetry,
  withRetryStream,
} from '../../packages/oci/src/retry';

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

/** A runtime whose sleeps are recorded instead of waited, and whose dice always land on `roll`. */
function fakeRuntime(roll = 0.5): RetryRuntime & { slept: number[]; signals: (AbortSignal | undefined)[] } {
  const slept: number[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  return {
    policy,
    slept,
    signals,
    random: () => roll,
    sleep: async (ms, signal) => {
      slept.push(ms);
      signals.push(signal);
    },
  };
}

class Retryable extends Error {}
class Fatal extends Error {}

/** An attempt that fails with each of `failures` in turn (then succeeds), retrying Retryable ones while allowed. */
function flaky(failures: Error[], retryAfterMs?: number) {
  const seen: number[] = [];
  const attempt = async (n: number, backoff: (retryAfterMs?: number) => number | undefined) => {
    seen.push(n);
    const failure = failures[n - 1];
    if (!failure) return { value: `done after ${n}` };
    const wait = failure instanceof Retryable ? backoff(retryAfterMs) : undefined;
    if (wait === undefined) throw failure;
    return { waitMs: wait };
  };
  return { attempt, seen };
}

describe('withRetry', () => {
  it('returns the first value without waiting', async () => {
    const runtime = fakeRuntime();
    const { attempt, seen } = flaky([]);
    await expect(withRetry(runtime, attempt)).resolves.toBe('done after 1');
    expect(seen).toEqual([1]);
    expect(runtime.slept).toEqual([]);
  });

  describe('when attempts fail with a retryable error', () => {
    it('waits the jittered, doubling back-off between attempts, then returns the value', async () => {
      const runtime = fakeRuntime(0.5);
      const { attempt, seen } = flaky([new Retryable('1'), new Retryable('2'), new Retryable('3')]);
      await expect(withRetry(runtime, attempt)).resolves.toBe('done after 4');
      expect(seen).toEqual([1, 2, 3, 4]);
      // Half of 100, 200, 400 ms (baseDelayMs 100, doubling; the dice roll 0.5).
      expect(runtime.slept).toEqual([50, 100, 200]);
    });

    it('gives up after maxAttempts with the last error', async () => {
      const runtime = fakeRuntime();
      const errors = [1, 2, 3, 4, 5].map((i) => new Retryable(`failure ${i}`));
      const { attempt, seen } = flaky(errors);
      await expect(withRetry(runtime, attempt)).rejects.toBe(errors[3]);
      expect(seen).toEqual([1, 2, 3, 4]);
      expect(runtime.slept).toHaveLength(3);
    });

    it("passes the caller's signal to every wait", async () => {
      const runtime = fakeRuntime();
      const signal = new AbortController().signal;
      const { attempt } = flaky([new Retryable('1'), new Retryable('2')]);
      await withRetry(runtime, attempt, signal);
      expect(runtime.signals).toEqual([signal, signal]);
    });
  });

  describe('when the server says Retry-After', () => {
    it('waits at least that long', async () => {
      const runtime = fakeRuntime(0);
      const { attempt } = flaky([new Retryable('429')], 3000);
      await expect(withRetry(runtime, attempt)).resolves.toBe('done after 2');
      expect(runtime.slept).toEqual([3000]);
    });

    it('gives up at once when it is longer than maxRetryAfterMs', async () => {
      const runtime = fakeRuntime();
      const busy = new Retryable('429 for an hour');
      const { attempt, seen } = flaky([busy], 3_600_000);
      await expect(withRetry(runtime, attempt)).rejects.toBe(busy);
      expect(seen).toEqual([1]);
      expect(runtime.slept).toEqual([]);
    });
  });

  describe('when an attempt fails with an error that is not retryable', () => {
    it('throws it at once, with no further attempt', async () => {
      const runtime = fakeRuntime();
      const fatal = new Fatal('401');
      const { attempt, seen } = flaky([new Retryable('reset'), fatal]);
      await expect(withRetry(runtime, attempt)).rejects.toBe(fatal);
      expect(seen).toEqual([1, 2]);
      expect(runtime.slept).toHaveLength(1);
    });
  });

  describe('when an attempt asks to go again (fresh credentials after a 401)', () => {
    it('runs it at once and does not count it as an attempt', async () => {
      const runtime = fakeRuntime();
      const numbers: number[] = [];
      let again = true;
      const value = await withRetry(runtime, async (n) => {
        numbers.push(n);
        if (again) {
          again = false;
          return { again: true };
        }
        return { value: n };
      });
      expect(value).toBe(1);
      expect(numbers).toEqual([1, 1]);
      expect(runtime.slept).toEqual([]);
    });
  });
});

describe('withRetryStream', () => {
  it("passes every chunk through, across attempts, and returns the last attempt's value", async () => {
    const runtime = fakeRuntime();
    const body = ['a', 'b', 'c', 'd'];
    let sent = 0;
    const stream = withRetryStream(runtime, async function* (n, backoff) {
      // Each connection breaks after two chunks; the next one resumes where it broke.
      for (let i = 0; i < 2 && sent < body.length; i++) yield body[sent++]!;
      if (sent < body.length) return { waitMs: backoff()! };
      return { value: n };
    });
    const chunks: string[] = [];
    let step = await stream.next();
    while (!step.done) {
      chunks.push(step.value);
      step = await stream.next();
    }
    expect(chunks).toEqual(body);
    expect(step.value).toBe(2);
    expect(runtime.slept).toHaveLength(1);
  });
});
