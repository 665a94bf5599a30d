import type { WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { SpoolError } from './errors';

/**
 * Writes every chunk of `input` to all sinks (and the spool file, if any), waiting for the slowest
 * live sink (backpressure), and detaches sinks that error or close early. Resolves when the input
 * ended and the spool has flushed; rejects when the input fails (e.g. digest mismatch) or the spool
 * fails.
 */
export async function fanOut(
  input: AsyncIterable<Buffer>,
  uploads: Writable[],
  spool?: Writable,
): Promise<void> {
  const sinks = spool ? [spool, ...uploads] : uploads;
  const dead = new Set<Writable>();
  for (const sink of sinks) {
    sink.on('error', () => dead.add(sink));
    sink.on('close', () => dead.add(sink));
  }
  try {
    await writeAll(input, sinks, spool, dead);
  } catch (error) {
    for (const sink of sinks) sink.destroy(error as Error);
    throw error;
  }
  for (const sink of sinks) if (!dead.has(sink) && !sink.destroyed && sink !== spool) sink.end();
  if (spool) {
    await new Promise<void>((resolve, reject) => {
      (spool as WriteStream).end(() => resolve());
      spool.once('error', reject);
    });
  }
}

async function writeAll(
  input: AsyncIterable<Buffer>,
  sinks: Writable[],
  spool: Writable | undefined,
  dead: Set<Writable>,
): Promise<void> {
  for await (const chunk of input) {
    if (spool && dead.has(spool)) throw new SpoolError('SPOOL_WRITE_FAILED', 'spool file write failed');
    const waits: Promise<void>[] = [];
    for (const sink of sinks) {
      if (dead.has(sink) || sink.destroyed) continue;
      if (!sink.write(chunk)) {
        waits.push(
          new Promise((resolve) => {
            const done = () => {
              sink.off('drain', done);
              sink.off('close', done);
              resolve();
            };
            sink.on('drain', done);
            sink.on('close', done);
          }),
        );
      }
    }
    await Promise.all(waits);
  }
}
