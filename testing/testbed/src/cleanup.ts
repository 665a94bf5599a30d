type Stopper = () => Promise<void>;

const running = new Set<Stopper>();

/** Remembers something started by this package so stopAll() can stop it; returns a function that forgets it. */
export function registerStopper(stop: Stopper): () => void {
  running.add(stop);
  return () => running.delete(stop);
}

/**
 * Stops every registry, token server and fault proxy this process started through this package and not yet
 * stopped. Meant for `afterAll(stopAll)`; safe to call twice.
 */
export async function stopAll(): Promise<void> {
  const stoppers = [...running];
  running.clear();
  await Promise.allSettled(stoppers.map((stop) => stop()));
}
