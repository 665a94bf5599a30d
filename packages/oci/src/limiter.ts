/**
 * A FIFO counting semaphore. `acquire(n)` takes n permits at once (capped at the limit), so a task
 * that needs several connections to one host cannot deadlock against another holding part of them.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
    this.available = limit;
  }

  get inUse(): number {
    return this.limit - this.available;
  }

  async acquire(count = 1): Promise<() => void> {
    const n = Math.min(count, this.limit);
    if (this.waiters.length === 0 && this.available >= n) {
      this.available -= n;
    } else {
      await new Promise<void>((resolve) => this.waiters.push({ count: n, resolve }));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.available += n;
      this.drain();
    };
  }

  async use<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.waiters[0]!.count <= this.available) {
      const next = this.waiters.shift()!;
      this.available -= next.count;
      next.resolve();
    }
  }
}

/** Per-key semaphores created on first use, e.g. one per registry host. */
export class KeyedSemaphores {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(private readonly limit: number) {}

  get(key: string): Semaphore {
    let semaphore = this.semaphores.get(key);
    if (!semaphore) {
      semaphore = new Semaphore(this.limit);
      this.semaphores.set(key, semaphore);
    }
    return semaphore;
  }

  /**
   * Takes permits on several keys at once, always in sorted key order so that two tasks needing
   * overlapping hosts cannot each hold one and wait for the other.
   */
  async acquireAll(keys: readonly string[]): Promise<(key?: string) => void> {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    const releases = new Map<string, () => void>();
    for (const key of [...counts.keys()].sort())
      releases.set(key, await this.get(key).acquire(counts.get(key)));
    // One key's permits (a host the task is done with), or every one still held.
    return (key?: string) => {
      if (key !== undefined) return releases.get(key)?.();
      [...releases.values()].reverse().forEach((release) => release());
    };
  }
}

/** Serializes async work per key (read-modify-write of a referrers tag, for example). */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
