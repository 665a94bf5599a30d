import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { BlobSource, Registries, RegistryClient } from './client';
import {
  allOrFirstError,
  type CopyOptions,
  type CopyResult,
  fail,
  type Target,
  wroteBlob,
} from './copy-target';
import { fanOut } from './fan-out';
import { Semaphore } from './limiter';
import type { BlobPlan, CopyPlan } from './plan';

const DEFAULT_MEMORY_BLOB_LIMIT = 1024 * 1024;

/** The blob moves of one copy, each started once: early (an image's blobs, while the walk goes on) or planned. */
export class BlobMoves {
  readonly plans = new Map<string, BlobPlan>();
  private readonly moving = new Map<string, Promise<void>>();
  // Bounds blobs in flight (memory for small ones, spool files for large ones), whatever the image size.
  private readonly inFlight: Semaphore;
  // A large blob holds a request slot at each host until its last byte: early moves leave one for the walk and
  // the inspection, until `openEarly` (then the ones still waiting go too).
  private readonly early: Semaphore;
  private opened!: () => void;
  private readonly open = new Promise<undefined>((resolve) => (this.opened = () => resolve(undefined)));

  constructor(
    private readonly mover: BlobMover,
    blobConcurrency: number,
    earlyConcurrency: number,
  ) {
    this.inFlight = new Semaphore(blobConcurrency);
    this.early = new Semaphore(earlyConcurrency);
  }

  start(plan: BlobPlan, early = false): void {
    if (this.plans.has(plan.digest)) return;
    this.plans.set(plan.digest, plan);
    if (plan.upload.length + plan.mountFromSource.length + plan.mountFromPeer.length === 0) return;
    const run = () => this.inFlight.use(() => this.mover.move(plan));
    const done = early ? this.gated(run) : run();
    // Awaited once everything is planned; a source that breaks before then is no unhandled rejection.
    done.catch(() => undefined);
    this.moving.set(plan.digest, done);
  }

  openEarly(): void {
    this.opened();
  }

  private async gated(run: () => Promise<void>): Promise<void> {
    const permit = this.early.acquire();
    const release = await Promise.race([permit, this.open]);
    try {
      await run();
    } finally {
      if (release) release();
      else void permit.then((r) => r());
    }
  }

  /**
   * Settles when every move that writes to destination `index` has (rejecting if one of them did); with `digests`,
   * just the moves of those blobs.
   */
  async forDestination(index: number, digests?: ReadonlySet<string>): Promise<void> {
    const touches = (b: BlobPlan) =>
      b.upload.includes(index) ||
      b.mountFromSource.includes(index) ||
      b.mountFromPeer.some((m) => m.destination === index || m.from === index);
    await Promise.all(
      [...this.plans.values()]
        .filter((b) => (!digests || digests.has(b.digest)) && touches(b))
        .map((b) => this.moving.get(b.digest)),
    );
  }

  /** Every move, rejecting with a failed one's error once all have settled. */
  all(): Promise<void> {
    return allOrFirstError([...this.moving.values()]);
  }
}

/** Moves blobs: mounts first, then one source read fanned out to every uploading destination. */
export class BlobMover {
  private readonly memoryLimit: number;

  constructor(
    private readonly registries: Registries,
    private readonly source: RegistryClient,
    private readonly sourceRepository: string,
    private readonly targets: Target[],
    private readonly options: CopyOptions,
    private readonly result: CopyResult,
    private readonly spoolDir: string,
  ) {
    this.memoryLimit = options.memoryBlobLimit ?? DEFAULT_MEMORY_BLOB_LIMIT;
  }

  private alive(index: number): Target | undefined {
    const t = this.targets[index]!;
    return t.failure === undefined ? t : undefined;
  }

  async move(blob: CopyPlan['blobs'][number]): Promise<void> {
    const descriptor = { digest: blob.digest, size: blob.size };
    const uploads = new Set(blob.upload);
    await Promise.all(
      blob.mountFromSource.map(async (i) => {
        const t = this.alive(i);
        if (!t) return;
        try {
          if (
            (await t.client.mountBlob(t.destination.repository, blob.digest, this.sourceRepository)) ===
            'mounted'
          ) {
            t.report.blobs.mounted++;
            wroteBlob(t, descriptor);
          } else uploads.add(i);
        } catch {
          uploads.add(i);
        }
      }),
    );
    // Peers can only mount from a destination that holds the blob; if the planned uploader is gone,
    // promote the first peer to upload.
    const peers = blob.mountFromPeer.filter((m) => this.alive(m.destination));
    for (const m of peers)
      if (!this.alive(m.from) && ![...uploads].some((u) => this.alive(u))) uploads.add(m.destination);

    const uploadTargets = [...uploads].map((i) => this.alive(i)).filter((t): t is Target => Boolean(t));
    let data: BlobData | undefined;
    try {
      if (uploadTargets.length > 0) data = await this.transfer(descriptor, uploadTargets);
      const remaining = peers.filter((m) => !uploads.has(m.destination));
      await Promise.all(
        remaining.map(async (m) => {
          const t = this.alive(m.destination);
          if (!t) return;
          const from = this.targets[m.from]!;
          try {
            if (
              from.failure === undefined &&
              (await t.client.mountBlob(
                t.destination.repository,
                blob.digest,
                from.destination.repository,
              )) === 'mounted'
            ) {
              t.report.blobs.mounted++;
              wroteBlob(t, descriptor);
              return;
            }
          } catch {
            // fall through to upload
          }
          data ??= await this.transfer(descriptor, []);
          await this.uploadFrom(t, descriptor, { open: data.open });
        }),
      );
    } finally {
      await data?.dispose();
    }
  }

  /** Uploads to `t` from `source` (a live stream and/or a way to reopen it); a failure fails `t` alone. */
  private async uploadFrom(
    t: Target,
    descriptor: { digest: string; size: number },
    source: BlobSource,
    slotHeld = false,
  ): Promise<void> {
    try {
      await t.client.uploadBlob(t.destination.repository, descriptor, source, {
        slotHeld,
        chunkSize: this.options.chunkSize,
        onBytes: (n) => (t.report.bytesUploaded += n),
        signal: this.options.signal,
      });
      t.report.blobs.uploaded++;
      wroteBlob(t, descriptor);
    } catch (error) {
      fail(t, error);
    }
  }

  /**
   * Reads the blob from the source once. Small blobs are kept in memory; large ones are streamed
   * straight into each target's upload while being written to a spool file, so a target whose upload
   * fails can retry (or a peer whose mount was refused can upload later) without reading the source
   * again. Memory stays bounded by stream buffers, whatever the blob size.
   */
  private async transfer(descriptor: { digest: string; size: number }, targets: Target[]): Promise<BlobData> {
    const countRead = (n: number) => (this.result.sourceBytesRead += n);
    if (descriptor.size <= this.memoryLimit) {
      let bytes: Buffer;
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of this.source.openBlob(this.sourceRepository, descriptor, {
          onBytes: countRead,
        }))
          chunks.push(chunk as Buffer);
        bytes = Buffer.concat(chunks);
      } catch (error) {
        for (const t of targets) fail(t, error);
        throw error;
      }
      const data: BlobData = {
        open: async (offset) => Readable.from([bytes.subarray(offset)]),
        dispose: async () => {},
      };
      await Promise.all(targets.map((t) => this.uploadFrom(t, descriptor, { open: data.open })));
      return data;
    }

    const spoolPath = path.join(this.spoolDir, descriptor.digest.replace(':', '-'));
    const release = await this.registries.acquireTransfer([
      this.source.registry,
      ...targets.map((t) => t.client.registry),
    ]);
    let spooled: Promise<void>;
    const sinks = targets.map(() => new PassThrough({ highWaterMark: 1024 * 1024 }));
    const useSpool = this.options.spool ?? false;
    // Without a spool, a retry re-reads the source (verified, skipping what the registry already has).
    const reread = (offset: number, slotHeld: boolean) =>
      Readable.from(
        skipBytes(
          this.source.readBlob(this.sourceRepository, descriptor, {
            slotHeld,
            onBytes: countRead,
            signal: this.options.signal,
          }),
          offset,
        ),
        { objectMode: false },
      );
    try {
      const input = this.source.readBlob(this.sourceRepository, descriptor, {
        slotHeld: true,
        onBytes: countRead,
        signal: this.options.signal,
      });
      spooled = fanOut(input, sinks, useSpool ? createWriteStream(spoolPath) : undefined);
      // Retries wait until the whole blob has been read and verified once.
      const open = async (offset: number) => {
        await spooled;
        return useSpool ? createReadStream(spoolPath, { start: offset }) : reread(offset, true);
      };
      const uploads = targets.map((t, k) => this.uploadFrom(t, descriptor, { first: sinks[k], open }, true));
      try {
        await spooled;
      } catch (error) {
        for (const sink of sinks) sink.destroy(error as Error);
        for (const t of targets) fail(t, error);
        await Promise.allSettled(uploads);
        throw error;
      }
      await Promise.all(uploads);
    } finally {
      release();
    }
    return {
      open: async (offset: number) =>
        useSpool ? createReadStream(spoolPath, { start: offset }) : reread(offset, false),
      dispose: () => rm(spoolPath, { force: true }),
    };
  }
}

interface BlobData {
  open: (offset: number) => Promise<Readable>;
  dispose: () => Promise<void>;
}

/** Drops the first `n` bytes of a chunk sequence. */
async function* skipBytes(chunks: AsyncIterable<Buffer>, n: number): AsyncGenerator<Buffer> {
  let left = n;
  for await (const chunk of chunks) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}
