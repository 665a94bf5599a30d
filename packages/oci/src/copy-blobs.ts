import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Registries, RegistryClient } from './client';
import { type CopyOptions, type CopyResult, fail, type Target, wroteBlob } from './copy-target';
import { fanOut } from './fan-out';
import type { CopyPlan } from './plan';

const DEFAULT_MEMORY_BLOB_LIMIT = 1024 * 1024;

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
          await this.uploadFrom(t, descriptor, data);
        }),
      );
    } finally {
      await data?.dispose();
    }
  }

  private async uploadFrom(
    t: Target,
    descriptor: { digest: string; size: number },
    data: BlobData,
  ): Promise<void> {
    try {
      await t.client.uploadBlob(
        t.destination.repository,
        descriptor,
        { open: data.open },
        {
          chunkSize: this.options.chunkSize,
          onBytes: (n) => (t.report.bytesUploaded += n),
          signal: this.options.signal,
        },
      );
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
      await Promise.all(targets.map((t) => this.uploadFrom(t, descriptor, data)));
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
      const uploads = targets.map(async (t, k) => {
        try {
          await t.client.uploadBlob(
            t.destination.repository,
            descriptor,
            { first: sinks[k], open },
            {
              slotHeld: true,
              chunkSize: this.options.chunkSize,
              onBytes: (n) => (t.report.bytesUploaded += n),
              signal: this.options.signal,
            },
          );
          t.report.blobs.uploaded++;
          wroteBlob(t, descriptor);
        } catch (error) {
          fail(t, error);
        }
      });
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
