import { Readable } from 'node:stream';
import type { BlobSource, TransferOptions, UploadOptions } from './client';
import { RegistryError } from './errors';
import { describeError, header, push } from './http-util';
import { type Descriptor } from '@deliverkit/oci-core';
import { type AttemptResult, isRetryableNetworkError, isRetryableStatus, withRetry } from './retry';
import type { RegistryHttp } from './registry-http';
import { type HttpResponse } from './transport';

/** Blobs written: cross-repository mount, monolithic PUT, PATCH chunks that resume, upload sessions. */
export class BlobUploader {
  constructor(private readonly http: RegistryHttp) {}

  /**
   * Cross-repository mount. `mounted` on 201; on 202 the registry opened an upload session instead,
   * which we cancel (the caller uploads, possibly much later) and report `not-mounted`.
   */
  async mountBlob(
    repository: string,
    digest: string,
    from: string,
    options: TransferOptions = {},
  ): Promise<'mounted' | 'not-mounted'> {
    const operation = `mount blob ${digest} from ${from}`;
    const res = await this.http.exchange({
      ...options,
      operation,
      repository,
      scopes: [...push(repository), { repository: from, actions: ['pull'] }],
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      expect: [201, 202],
    });
    if (res.status === 201) {
      this.http.capabilities.crossRepoMount = true;
      this.checkReported(res, digest, 'mounted', operation, repository);
      return 'mounted';
    }
    const location = header(res, 'location');
    if (location) await this.cancelUpload(repository, location, options).catch(() => undefined);
    this.http.capabilities.crossRepoMount ??= false;
    return 'not-mounted';
  }

  async startUpload(
    repository: string,
    options: TransferOptions,
  ): Promise<{ location: string; minChunk: number }> {
    const base = await this.http.baseUrl();
    const res = await this.http.exchange({
      ...options,
      operation: 'start blob upload',
      repository,
      scopes: push(repository),
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/`,
      expect: [202],
    });
    const location = header(res, 'location');
    if (!location)
      throw new RegistryError(
        'PROTOCOL_ERROR',
        this.http.context('start blob upload', repository),
        'no Location header',
      );
    return {
      location: new URL(location, base).toString(),
      minChunk: Number(header(res, 'oci-chunk-min-length')) || 0,
    };
  }

  async cancelUpload(repository: string, location: string, options: TransferOptions): Promise<void> {
    const base = await this.http.baseUrl();
    await this.http.exchange({
      ...options,
      operation: 'cancel blob upload',
      repository,
      scopes: push(repository),
      method: 'DELETE',
      path: new URL(location, base).toString(),
      expect: [204, 200, 202, 404],
    });
  }

  /**
   * Uploads a blob: one streamed PUT (monolithic), or PATCH chunks when `chunkSize` is set. A failed
   * chunked upload resumes from the offset the registry reports; a failed monolithic upload restarts
   * from `source.open(0)`. The registry's digest is checked against ours.
   */
  async uploadBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource,
    options: UploadOptions = {},
  ): Promise<void> {
    const { digest, size } = descriptor;
    const operation = `upload blob ${digest}`;
    let first = source.first;
    let lastError: unknown;
    // A policy of fewer than one attempt uploads nothing (and says so below).
    const uploaded =
      this.http.shared.policy.maxAttempts >= 1 &&
      (await withRetry(
        this.http.shared,
        async (attempt, backoff): Promise<AttemptResult<boolean>> => {
          try {
            if (options.chunkSize && source.open) {
              const live = first;
              first = undefined;
              await this.uploadChunked(repository, descriptor, source.open, options, live);
            } else {
              const body = first ?? (source.open ? await source.open(0) : undefined);
              first = undefined;
              if (!body) return { value: false };
              try {
                const { location } = await this.startUpload(repository, options);
                await this.completeUpload(
                  repository,
                  digest,
                  withDigest(location, digest),
                  operation,
                  options,
                  {
                    body,
                    size,
                  },
                );
              } catch (error) {
                // Tells a fan-out writer feeding this stream to stop waiting for it.
                body.destroy();
                throw error;
              }
            }
            return { value: true };
          } catch (error) {
            lastError = error;
            const retryable =
              source.open &&
              (isRetryableNetworkError(error) ||
                (error instanceof RegistryError &&
                  (error.code === 'NETWORK_ERROR' ||
                    // A streamed body cannot be replayed after a 401 (token expired mid-copy): the next
                    // attempt starts with a fresh session, which re-authenticates.
                    (error.code === 'UNAUTHORIZED' && attempt === 1) ||
                    (error.status !== undefined && isRetryableStatus(error.status)))));
            this.http.logger.debug(
              `RegistryClient.uploadBlob: ${digest} attempt ${attempt} failed: ${describeError(error)}`,
            );
            if (!retryable || attempt >= this.http.shared.policy.maxAttempts) return { value: false };
            return { waitMs: backoff() ?? 0 };
          }
        },
        options.signal,
      ));
    if (uploaded) return;
    if (lastError instanceof RegistryError) throw lastError;
    throw new RegistryError(
      'NETWORK_ERROR',
      this.http.context(operation, repository),
      describeError(lastError ?? 'no data to upload'),
      { cause: lastError },
    );
  }

  /**
   * The closing PUT of an upload session (`url` carries `?digest=`): with the whole blob as its body (monolithic), or
   * empty after the chunks went up in PATCHes. The registry's reported digest must be ours.
   */
  async completeUpload(
    repository: string,
    digest: string,
    url: string,
    operation: string,
    options: UploadOptions,
    content?: { body: Readable | Buffer; size: number },
  ): Promise<void> {
    const res = await this.http.exchange({
      ...options,
      operation,
      repository,
      scopes: push(repository),
      method: 'PUT',
      path: url,
      ...(content && {
        headers: { 'content-type': 'application/octet-stream', 'content-length': content.size },
        body: content.body,
      }),
      expect: [201, 204],
    });
    if (content) options.onBytes?.(content.size);
    this.checkReported(res, digest, 'stored', operation, repository);
  }

  /**
   * PATCH chunks, each from `live` (a one-shot stream, e.g. one branch of a fan-out, read in order) while it
   * lasts, else from `open(offset)`. After a failure the live stream is dropped and the upload goes on from the
   * offset the registry reports, so what is sent twice is at most the chunk in flight.
   */
  async uploadChunked(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: (offset: number) => Promise<Readable>,
    options: UploadOptions,
    live?: Readable,
  ): Promise<void> {
    const { digest, size } = descriptor;
    const operation = `upload blob ${digest}`;
    let slicer = live ? new StreamSlicer(live) : undefined;
    let session: { location: string; minChunk: number };
    try {
      session = await this.startUpload(repository, options);
    } catch (error) {
      live?.destroy();
      throw error;
    }
    const chunkSize = Math.max(options.chunkSize ?? 0, session.minChunk);
    let location = session.location;
    let offset = 0;
    let resuming = false;
    // Attempt n runs after n - 1 failed chunks (over the whole upload): it first asks the registry how
    // much it has, then sends the rest.
    await withRetry(
      this.http.shared,
      async (failures, backoff): Promise<AttemptResult<void>> => {
        if (resuming) {
          resuming = false;
          // Ask the registry how much it has and resume from there. A registry that dropped the session
          // (distribution does after a body cut mid-PATCH) gets a new one, from the start.
          const status = await this.http.exchange({
            ...options,
            operation: `${operation} (status)`,
            repository,
            scopes: push(repository),
            method: 'GET',
            path: location,
            expect: [204, 200, 404],
          });
          const range = /^(?:bytes=)?0-(\d+)$/.exec(header(status, 'range') ?? '');
          if (status.status === 404) {
            this.http.logger.debug(`RegistryClient.uploadChunked: ${digest} session lost, restarting`);
            location = (await this.startUpload(repository, options)).location;
            offset = 0;
          } else if (!range || range[1] === '0') {
            // No range, or `0-0`, which distribution answers both for 0 and for 1 byte received: start over.
            await this.cancelUpload(repository, location, options).catch(() => undefined);
            location = (await this.startUpload(repository, options)).location;
            offset = 0;
          } else {
            offset = Number(range[1]) + 1;
            location = new URL(header(status, 'location') ?? location, location).toString();
          }
        }
        while (offset < size) {
          const end = Math.min(size, offset + chunkSize) - 1;
          const stream = slicer ? slicer.next(end - offset + 1) : await open(offset);
          const limited = slicer ? stream : takeBytes(stream, end - offset + 1);
          try {
            const res = await this.http.exchange({
              ...options,
              operation: `${operation} (PATCH ${offset}-${end})`,
              repository,
              scopes: push(repository),
              method: 'PATCH',
              path: location,
              headers: {
                'content-type': 'application/octet-stream',
                'content-length': end - offset + 1,
                'content-range': `${offset}-${end}`,
              },
              body: limited,
              expect: [202],
            });
            this.http.capabilities.chunkedUpload = true;
            options.onBytes?.(end - offset + 1);
            location = new URL(header(res, 'location') ?? location, location).toString();
            offset = end + 1;
          } catch (error) {
            stream.destroy();
            // The live stream is past the failed chunk now: the rest comes from open(offset).
            slicer?.destroy();
            slicer = undefined;
            if (failures >= this.http.shared.policy.maxAttempts) throw error;
            if (error instanceof RegistryError && error.status === 416) throw error;
            resuming = true;
            return { waitMs: backoff() ?? 0 };
          }
        }
        return { value: undefined };
      },
      options.signal,
    );
    await this.completeUpload(repository, digest, withDigest(location, digest), operation, options);
  }

  /** The registry's Docker-Content-Digest, when it sends one, must be the digest we asked for. */
  private checkReported(
    res: HttpResponse,
    digest: string,
    verb: 'mounted' | 'stored',
    operation: string,
    repository: string,
  ): void {
    const reported = header(res, 'docker-content-digest');
    if (reported && reported !== digest) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.http.context(operation, repository),
        `registry ${verb} ${reported}`,
      );
    }
  }
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}

/**
 * Cuts a one-shot stream into consecutive bodies of given lengths, in order: each `next(n)` yields the following
 * `n` bytes (fewer only if the stream ends), keeping what it read beyond them for the next body.
 */
class StreamSlicer {
  private readonly chunks: AsyncIterator<Buffer>;
  private leftover: Buffer | undefined;

  constructor(private readonly source: Readable) {
    this.chunks = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  next(n: number): Readable {
    const pull = (max: number) => this.pull(max);
    return Readable.from(
      (async function* () {
        for (let left = n; left > 0;) {
          const chunk = await pull(left);
          if (!chunk) return;
          left -= chunk.length;
          yield chunk;
        }
      })(),
      { objectMode: false },
    );
  }

  private async pull(max: number): Promise<Buffer | undefined> {
    let chunk = this.leftover;
    this.leftover = undefined;
    if (!chunk) {
      const read = await this.chunks.next();
      if (read.done) return undefined;
      chunk = read.value;
    }
    if (chunk.length > max) {
      this.leftover = chunk.subarray(max);
      chunk = chunk.subarray(0, max);
    }
    return chunk;
  }

  destroy(): void {
    this.source.destroy();
  }
}

/** Passes through exactly `n` bytes of a stream, then ends. */
function takeBytes(source: Readable, n: number): Readable {
  let left = n;
  return Readable.from(
    (async function* () {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (left <= 0) break;
        const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= part.length;
        yield part;
        if (left <= 0) break;
      }
      source.destroy();
    })(),
    { objectMode: false },
  );
}
