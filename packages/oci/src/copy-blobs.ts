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
const DEFAULT_SPILL_BUDGET = 2 * 1024 * 1024 * 1024;

/** The blob moves of one copy, each started once: early (an image's blobs, while the walk goes on) or planned. */
export class BlobMoves {
  readonly plans = new Map<string, BlobPlan>();
  private readonly moving = new Map<string, Promise<void>>();
  /** Blob → destination → its part of the move settled (rejecting when the source broke). */
  private readonly landing = new Map<string, Map<number, Deferred>>();
  // Bounds blobs being read from the source, whatever the image size. A blob whose read is over leaves its place
  // to the next while slower destinations still upload it (from memory, or a spill file within the spill budget):
  // they are bounded apart, so the fast destinations go on to the next blobs.
  private readonly inFlight: Semaphore;
  private readonly uploading: Semaphore;
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
    this.uploading = new Semaphore(4 * blobConcurrency);
    this.early = new Semaphore(earlyConcurrency);
  }

  start(plan: BlobPlan, early = false): void {
    if (this.plans.has(plan.digest)) return;
    this.plans.set(plan.digest, plan);
    if (plan.upload.length + plan.mountFromSource.length + plan.mountFromPeer.length === 0) return;
    // Each destination's part of the move settles on its own: a destination that has the blob goes on (its
    // manifests, its tags) while a slower one is still receiving it.
    const landing = new Map(destinationsOf(plan).map((i) => [i, deferred()] as const));
    this.landing.set(plan.digest, landing);
    const run = () =>
      this.uploading.use(async () => {
        const read = await this.inFlight.acquire();
        try {
          await this.mover.move(plan, (i) => landing.get(i)?.resolve(), read);
        } finally {
          read();
        }
      });
    const done = early ? this.gated(run) : run();
    done.then(
      () => {
        for (const l of landing.values()) l.resolve();
      },
      (error: unknown) => {
        for (const l of landing.values()) l.reject(error);
      },
    );
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
   * Settles when the blobs this run moves to destination `index` are there (or its upload of them failed: the
   * target records it), rejecting when the source broke; with `digests`, just those blobs. Slower destinations of
   * the same blobs are not waited for.
   */
  async forDestination(index: number, digests?: ReadonlySet<string>): Promise<void> {
    // Every started move with work has a landing per destination it writes to.
    await Promise.all(
      [...this.landing]
        .filter(([digest]) => !digests || digests.has(digest))
        .map(([, landing]) => landing.get(index)?.promise),
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
  /** Spill-file bytes the blobs in flight may still take (see CopyOptions.spillBudget). */
  private spillLeft: number;

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
    this.spillLeft = options.spillBudget ?? DEFAULT_SPILL_BUDGET;
  }

  private alive(index: number): Target | undefined {
    const t = this.targets[index]!;
    return t.failure === undefined ? t : undefined;
  }

  /**
   * Moves one blob to every destination of its plan; `landed(i)` as destination i's part settles (the blob is
   * there, or its failure is recorded on the target), before slower destinations are done.
   */
  async move(
    blob: CopyPlan['blobs'][number],
    landed: (index: number) => void = () => {},
    sourceRead: () => void = () => {},
  ): Promise<void> {
    const descriptor = { digest: blob.digest, size: blob.size };
    const uploads = new Set(blob.upload);
    await Promise.all(
      blob.mountFromSource.map(async (i) => {
        const t = this.alive(i);
        if (!t) return landed(i);
        try {
          if (
            (await t.client.mountBlob(t.destination.repository, blob.digest, this.sourceRepository)) ===
            'mounted'
          ) {
            t.report.blobs.mounted++;
            wroteBlob(t, descriptor);
            return landed(i);
          }
          uploads.add(i);
        } catch {
          uploads.add(i);
        }
      }),
    );
    // Peers can only mount from a destination that holds the blob; if the planned uploader is gone,
    // promote the first peer to upload.
    const peers = blob.mountFromPeer.filter((m) => this.alive(m.destination));
    for (const m of blob.mountFromPeer) if (!peers.includes(m)) landed(m.destination);
    for (const m of peers)
      if (!this.alive(m.from) && ![...uploads].some((u) => this.alive(u))) uploads.add(m.destination);

    const uploadTargets = [...uploads].map((i) => this.alive(i)).filter((t): t is Target => Boolean(t));
    for (const i of uploads) if (!this.alive(i)) landed(i);
    // Each uploader's part, for the peers that mount from it.
    const uploaded = new Map(uploadTargets.map((t) => [t.index, deferred()] as const));
    const onUploaded = (index: number) => {
      uploaded.get(index)?.resolve();
      landed(index);
    };
    const transferring =
      uploadTargets.length > 0
        ? this.transfer(descriptor, uploadTargets, onUploaded, sourceRead)
        : Promise.resolve(undefined);
    // A transfer that failed before an upload settled has failed those targets: their peers go on.
    void transferring.then(
      () => uploaded.forEach((u) => u.resolve()),
      () => uploaded.forEach((u) => u.resolve()),
    );
    // The blob again for a peer whose mount was refused: what the transfer read (once it is over), or the source.
    let reread: Promise<BlobData> | undefined;
    const again = async (): Promise<BlobData> =>
      (await transferring.catch(() => undefined)) ?? (await (reread ??= this.transfer(descriptor, [])));
    try {
      const remaining = peers.filter((m) => !uploads.has(m.destination));
      await allOrFirstError([
        transferring,
        ...remaining.map(async (m) => {
          const t = this.alive(m.destination);
          if (!t) return landed(m.destination);
          await uploaded.get(m.from)?.promise;
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
              return landed(m.destination);
            }
          } catch {
            // fall through to upload
          }
          await this.uploadFrom(t, descriptor, { open: (await again()).open });
          landed(m.destination);
        }),
      ]);
    } finally {
      for (const data of [transferring, reread]) await (await data?.catch(() => undefined))?.dispose();
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
   * Reads the blob from the source once. Small blobs are kept in memory; large ones are streamed straight into
   * each target's upload (and, with `spool`, a spool file, so a failed upload retries without reading the source
   * again). The source is read at the pace of the fastest target: one that falls behind goes on from a spill file
   * (the rest of the blob, on disk), so a slow registry does not hold the others' uploads back. Memory stays
   * bounded by stream buffers, whatever the blob size. `onUploaded(i)` as each target's upload settles,
   * `sourceRead()` once the source has been read through.
   */
  private async transfer(
    descriptor: { digest: string; size: number },
    targets: Target[],
    onUploaded: (index: number) => void = () => {},
    sourceRead: () => void = () => {},
  ): Promise<BlobData> {
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
      sourceRead();
      const data: BlobData = {
        open: async (offset) => Readable.from([bytes.subarray(offset)]),
        dispose: async () => {},
      };
      await Promise.all(
        targets.map((t) =>
          this.uploadFrom(t, descriptor, { open: data.open }).then(() => onUploaded(t.index)),
        ),
      );
      return data;
    }

    const spoolPath = path.join(this.spoolDir, descriptor.digest.replace(':', '-'));
    const release = await this.registries.acquireTransfer([
      this.source.registry,
      ...targets.map((t) => t.client.registry),
    ]);
    let spooled: Promise<void>;
    let spillReserved = 0;
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
      // A destination slower than the others goes on from a spill file (the fast ones are not held back), as long
      // as the blob fits what is left of the spill budget; it is given back when the blob's uploads are over.
      const spill = targets.length > 1 && descriptor.size <= this.spillLeft;
      if (spill) {
        this.spillLeft -= descriptor.size;
        spillReserved = descriptor.size;
      }
      spooled = fanOut(input, sinks, useSpool ? createWriteStream(spoolPath) : undefined, {
        spillPath: spill ? `${spoolPath}.spill` : undefined,
      });
      // Retries wait until the whole blob has been read and verified once.
      const open = async (offset: number) => {
        await spooled;
        return useSpool ? createReadStream(spoolPath, { start: offset }) : reread(offset, true);
      };
      // A destination done with this blob frees its host's slot for the next blob there, while a slower one still
      // reads its spill file (the source's slot stays: a retry may read it again).
      const left = new Map<string, number>();
      for (const t of targets) left.set(t.client.host, (left.get(t.client.host) ?? 0) + 1);
      const uploads = targets.map((t, k) =>
        this.uploadFrom(t, descriptor, { first: sinks[k], open }, true).then(() => {
          const host = t.client.host;
          left.set(host, left.get(host)! - 1);
          if (left.get(host) === 0 && host !== this.source.host) release(t.client.registry);
          onUploaded(t.index);
        }),
      );
      try {
        await spooled;
        sourceRead();
      } catch (error) {
        for (const sink of sinks) sink.destroy(error as Error);
        for (const t of targets) fail(t, error);
        await Promise.allSettled(uploads);
        throw error;
      }
      await Promise.all(uploads);
    } finally {
      this.spillLeft += spillReserved;
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

/** The destinations a blob's plan writes to (uploads and mounts). */
function destinationsOf(plan: BlobPlan): number[] {
  return [
    ...new Set([...plan.upload, ...plan.mountFromSource, ...plan.mountFromPeer.map((m) => m.destination)]),
  ];
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A promise settled from outside; marked handled (a rejection nobody waits for is no crash). */
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
