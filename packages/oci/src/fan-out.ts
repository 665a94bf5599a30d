import type { WriteStream } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { SpoolError } from './errors';

export interface FanOutOptions {
  /**
   * Where a sink that falls behind the others goes on from (a temp file, created when first needed): it then reads
   * the rest of the blob from there at its own pace while the source is read at the pace of the fastest sinks.
   * Without it every sink waits for the slowest one. A single sink never spills.
   */
  spillPath?: string;
  /** How far (buffered bytes) a sink may fall behind before it goes on from the spill file. Default 2 MiB. */
  lagBytes?: number;
}

const DEFAULT_LAG_BYTES = 2 * 1024 * 1024;
/** A sink others waited for this long (and most of the time) is much slower: it goes on from the spill. */
const SPILL_AFTER_MS = 250;
/** Spill writes are batched to this size. */
const SPILL_WRITE_BYTES = 1024 * 1024;

/**
 * Writes every chunk of `input` to all sinks (and the spool file, if any), detaching sinks that error or close
 * early. The source is read at the pace of the fastest live sink when a spill file is allowed (a sink that falls
 * behind is fed from that file, so a slow destination does not hold the fast ones back), else at the pace of the
 * slowest. Resolves when the input ended and the spool has flushed (a sink fed from the spill file may still be
 * reading it); rejects when the input fails (e.g. digest mismatch) or the spool fails.
 */
export async function fanOut(
  input: AsyncIterable<Buffer>,
  uploads: Writable[],
  spool?: Writable,
  options: FanOutOptions = {},
): Promise<void> {
  const sinks = spool ? [spool, ...uploads] : uploads;
  const dead = new Set<Writable>();
  for (const sink of sinks) {
    sink.on('error', () => dead.add(sink));
    sink.on('close', () => dead.add(sink));
  }
  const spill =
    options.spillPath !== undefined && uploads.length > 1 ? new Spill(options.spillPath) : undefined;
  try {
    await writeAll(input, uploads, spool, dead, spill, options.lagBytes ?? DEFAULT_LAG_BYTES);
  } catch (error) {
    for (const sink of sinks) sink.destroy(error as Error);
    spill?.fail(error as Error);
    throw error;
  }
  await spill?.end();
  for (const sink of sinks) {
    if (!dead.has(sink) && !sink.destroyed && sink !== spool && !spill?.feeds(sink)) sink.end();
  }
  if (spool) {
    await new Promise<void>((resolve, reject) => {
      const failed = () => reject(new SpoolError('SPOOL_WRITE_FAILED', 'spool file write failed'));
      if (spool.destroyed) return failed();
      (spool as WriteStream).end((error?: Error | null) => (error ? failed() : resolve()));
      spool.once('error', failed);
    });
  }
}

async function writeAll(
  input: AsyncIterable<Buffer>,
  uploads: Writable[],
  spool: Writable | undefined,
  dead: Set<Writable>,
  spill: Spill | undefined,
  lagBytes: number,
): Promise<void> {
  // The uploads still written directly (the others are fed from the spill file).
  let direct = [...uploads];
  let offset = 0;
  const drains = new DrainWatch();
  // Per sink that fell `lagBytes` behind: since when, and how long the others waited for it.
  const paced = new Map<Writable, { since: number; waitedMs: number }>();
  for await (const chunk of input) {
    if (spool && (dead.has(spool) || spool.destroyed)) {
      throw new SpoolError('SPOOL_WRITE_FAILED', 'spool file write failed');
    }
    direct = direct.filter((s) => !dead.has(s) && !s.destroyed);
    const full: Writable[] = [];
    // Each full sink is watched from the moment it says so: a drain during the spill write below is not missed.
    if (spool && !spool.write(chunk)) full.push(spool);
    for (const sink of direct) if (!sink.write(chunk)) full.push(sink);
    for (const sink of full) drains.arm(sink);
    offset += chunk.length;
    if (spill?.started) await spill.append(chunk);
    // Sinks more than `lagBytes` behind set the pace with the fastest: a spill would cost a disk write and read of
    // what they are about to take anyway. One that keeps the others waiting more than half the time since (it takes
    // less than half their rate: a much slower link) goes on from the spill file, which then has every byte from
    // here on.
    let pacing: Writable[] = [];
    if (spill) {
      const now = performance.now();
      const slow = direct.filter((s) => {
        const p = paced.get(s);
        return p !== undefined && p.waitedMs > SPILL_AFTER_MS && p.waitedMs > (now - p.since) / 2;
      });
      if (slow.length > 0 && slow.length < direct.length) {
        for (const sink of slow) spill.feed(sink, offset);
        direct = direct.filter((s) => !slow.includes(s));
      }
      pacing = direct.filter((s) => s.writableLength > lagBytes);
      for (const s of pacing) if (!paced.has(s)) paced.set(s, { since: now, waitedMs: 0 });
    }
    const spoolFull = spool !== undefined && full.includes(spool);
    const fullDirect = full.filter((s) => direct.includes(s));
    if (spill && direct.length > 1) {
      // The fastest sink sets the pace, and any about as fast that fell `lagBytes` behind; the others' buffers
      // grow until they are that far behind. The spool takes every byte.
      if (spoolFull) await drains.of(spool);
      if (pacing.length > 0) {
        // Not longer than the spill threshold at a time: a sink that stopped taking anything is then spilled.
        const started = performance.now();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all(pacing.map((s) => drains.of(s))),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, SPILL_AFTER_MS))),
        ]);
        clearTimeout(timer);
        for (const s of pacing) paced.get(s)!.waitedMs += performance.now() - started;
      } else if (fullDirect.length === direct.length) await Promise.race(fullDirect.map((s) => drains.of(s)));
    } else {
      await Promise.all([...(spoolFull ? [spool] : []), ...fullDirect].map((s) => drains.of(s)));
    }
  }
}

/** Per sink, the wait for the drain after its last write that said it was full. */
class DrainWatch {
  private readonly waits = new Map<Writable, Promise<void>>();
  /** Sinks whose wait has not settled yet: one listener each, however many full writes. */
  private readonly pending = new Set<Writable>();

  /** Right after a write said the sink is full: its next drain (or close) is what `of` waits for. */
  arm(sink: Writable): void {
    if (this.pending.has(sink)) return;
    this.pending.add(sink);
    this.waits.set(
      sink,
      drained(sink).then(() => void this.pending.delete(sink)),
    );
  }

  of(sink: Writable): Promise<void> {
    return this.waits.get(sink) ?? Promise.resolve();
  }
}

/** Settles when the sink can take more, or is gone. Ask right after a write said it is full. */
function drained(sink: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
  });
}

/**
 * The bytes of a blob from the moment a sink first fell behind, in a temp file: appended as the source is read,
 * and read by each sink that fell behind from where it left off, waiting for more when it catches up. The file is
 * removed when its last reader is done.
 */
class Spill {
  private file: Promise<FileHandle> | undefined;
  /** Blob offset of the file's first byte. */
  private start = 0;
  /** Bytes in the file. */
  private written = 0;
  private ended = false;
  private error: Error | undefined;
  private waiters: (() => void)[] = [];
  private readonly readers = new Set<Writable>();
  private active = 0;
  private disposed = false;
  /** Chunks not written yet: they go to the file a MiB at a time (one write, not one per network chunk). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly path: string) {}

  get started(): boolean {
    return this.file !== undefined;
  }

  feeds(sink: Writable): boolean {
    return this.readers.has(sink);
  }

  async append(chunk: Buffer): Promise<void> {
    if (this.error) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= SPILL_WRITE_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    const buffers = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.error || bytes === 0) return;
    try {
      const file = await this.file!;
      let at = 0;
      while (at < bytes) {
        const { bytesWritten } = await file.writev(
          at === 0 ? buffers : [Buffer.concat(buffers).subarray(at)],
          this.written + at,
        );
        at += bytesWritten;
      }
      this.written += bytes;
    } catch (error) {
      this.fail(new SpoolError('SPOOL_WRITE_FAILED', `spill file write failed: ${(error as Error).message}`));
    }
    this.wake();
  }

  /** Feeds `sink` from blob offset `from` on (it already holds every byte before it). */
  feed(sink: Writable, from: number): void {
    if (!this.file) {
      this.start = from;
      this.file = open(this.path, 'w+');
      // A failure to create it reaches the readers through append.
      this.file.catch(() => undefined);
    }
    this.readers.add(sink);
    this.active++;
    void this.pump(sink, from - this.start).finally(() => {
      if (--this.active === 0 && (this.ended || this.error)) void this.dispose();
    });
  }

  async end(): Promise<void> {
    if (this.started) await this.flush();
    this.ended = true;
    this.wake();
    if (this.active === 0) void this.dispose();
  }

  fail(error: Error): void {
    this.error ??= error;
    for (const sink of this.readers) sink.destroy(error);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async pump(sink: Writable, position: number): Promise<void> {
    let at = position;
    try {
      const file = await this.file!;
      for (;;) {
        if (this.error) throw this.error;
        if (sink.destroyed) return;
        if (at >= this.written) {
          if (this.ended) break;
          await new Promise<void>((resolve) => this.waiters.push(resolve));
          continue;
        }
        // A fresh buffer per read: the sink may still hold the previous one.
        const buffer = Buffer.allocUnsafe(Math.min(SPILL_WRITE_BYTES, this.written - at));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, at);
        at += bytesRead;
        if (!sink.write(buffer.subarray(0, bytesRead))) await drained(sink);
      }
      sink.end();
    } catch (error) {
      sink.destroy(error as Error);
    }
  }

  private async dispose(): Promise<void> {
    // Once: the last reader and `end` may both get here. `file` stays set, so `started` still says it was.
    const file = this.file;
    if (!file || this.disposed) return;
    this.disposed = true;
    await file.then((f) => f.close()).catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
