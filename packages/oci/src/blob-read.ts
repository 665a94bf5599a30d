import { Readable } from 'node:stream';
import type { TransferOptions } from './client';
import { type Descriptor, digestAlgorithm } from '@deliverkit/oci-core';
import { Digester } from './digest';
import { RegistryError } from './errors';
import { describeError, header, pull, tooLarge } from './http-util';
import { type AttemptResult, type Backoff, isRetryableNetworkError, withRetryStream } from './retry';
import type { RegistryHttp } from './registry-http';

/** Blobs read: HEAD, a verifying stream that resumes a cut body, and small blobs into memory. */
export class BlobReader {
  constructor(private readonly http: RegistryHttp) {}

  /** Blob size when the blob exists in the repository, else undefined. */
  async headBlob(
    repository: string,
    digest: string,
    options: TransferOptions = {},
  ): Promise<number | undefined> {
    const res = await this.http.exchange({
      ...options,
      operation: `HEAD blob ${digest}`,
      repository,
      scopes: pull(repository),
      method: 'HEAD',
      path: `/v2/${repository}/blobs/${digest}`,
      followRedirects: true,
      expect: [200, 404],
    });
    if (res.status === 404) return undefined;
    const size = Number(header(res, 'content-length'));
    return Number.isFinite(size) ? size : -1;
  }

  /**
   * Streams a blob, verifying size and digest. Connection failures mid-body resume with a Range
   * request from the last byte received (or re-read and skip when the registry ignores Range). The
   * final chunk is released only after the digest checks out.
   */
  openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    options: TransferOptions & { onBytes?: (n: number) => void } = {},
  ): Readable {
    return Readable.from(this.readBlob(repository, descriptor, options), { objectMode: false });
  }

  /** openBlob's chunks as an async iterable, without a stream around them (one hop less per chunk). */
  async *readBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    options: TransferOptions & { onBytes?: (n: number) => void },
  ): AsyncGenerator<Buffer> {
    const { digest, size } = descriptor;
    const operation = `GET blob ${digest}`;
    const http = this.http;
    const digester = new Digester(digestAlgorithm(digest));
    let pending: Buffer | undefined;
    let received = 0;
    // One attempt: a GET from the first byte not yet received. A connection that breaks mid-body ends the attempt
    // with a wait (while the policy allows), and the next one asks for the rest.
    async function* readFrom(attempt: number, backoff: Backoff): AsyncGenerator<Buffer, AttemptResult<void>> {
      const res = await http.call({
        ...options,
        operation,
        repository,
        scopes: pull(repository),
        method: 'GET',
        path: `/v2/${repository}/blobs/${digest}`,
        headers: received > 0 ? { range: `bytes=${received}-` } : undefined,
        followRedirects: true,
        expect: received > 0 ? [200, 206] : [200],
      });
      let skip = received > 0 && res.status === 200 ? received : 0;
      // A registry announcing more than the descriptor's size (a 2 GB Content-Length on a tiny blob)
      // is refused before a byte is read, instead of after a long wait for bytes that never come.
      const announced = Number(header(res, 'content-length'));
      const expected = res.status === 206 ? size - received : size;
      if (size >= 0 && Number.isFinite(announced) && announced > expected) {
        res.body.destroy();
        throw new RegistryError(
          'SIZE_MISMATCH',
          http.context(operation, repository),
          `the registry announces ${announced} bytes, the descriptor says ${size}`,
        );
      }
      try {
        for await (const raw of res.body as AsyncIterable<Buffer>) {
          let chunk = raw;
          if (skip > 0) {
            if (chunk.length <= skip) {
              skip -= chunk.length;
              continue;
            }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          digester.update(chunk);
          received += chunk.length;
          options.onBytes?.(chunk.length);
          if (size >= 0 && received > size) {
            res.body.destroy();
            throw new RegistryError(
              'SIZE_MISMATCH',
              http.context(operation, repository),
              `more than the expected ${size} bytes`,
            );
          }
          if (pending) yield pending;
          pending = chunk;
        }
        return { value: undefined };
      } catch (error) {
        if (error instanceof RegistryError) throw error;
        const delay = isRetryableNetworkError(error) ? backoff() : undefined;
        http.logger.debug(
          `RegistryClient.openBlob: ${digest} broke after ${received} bytes: ${describeError(error)}`,
        );
        if (delay === undefined) {
          throw new RegistryError(
            'NETWORK_ERROR',
            http.context(operation, repository, { attempts: attempt }),
            describeError(error),
            { cause: error },
          );
        }
        return { waitMs: delay };
      }
    }
    yield* withRetryStream(http.shared, readFrom, options.signal);
    const actual = digester.digest();
    if (size >= 0 && received !== size) {
      throw new RegistryError(
        'SIZE_MISMATCH',
        http.context(operation, repository),
        `got ${received} bytes, expected ${size}`,
      );
    }
    if (actual !== digest) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        http.context(operation, repository),
        `content is ${actual}, which does not match the digest`,
      );
    }
    if (pending) yield pending;
  }

  /**
   * Reads a small blob (a config, a signature payload) into memory, verified. Bounded by `maxBytes`
   * (the manifest-bytes limit) whatever the descriptor says: a size of -1 (unknown, as headBlob
   * reports for a registry without Content-Length) or a registry that sends more is cut off.
   */
  async fetchBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes = this.http.shared.bounds['manifest-bytes'],
  ): Promise<Buffer> {
    const operation = `GET blob ${descriptor.digest}`;
    if (descriptor.size > maxBytes) {
      throw new RegistryError(
        'TOO_LARGE',
        this.http.context(operation, repository),
        tooLarge('manifest-bytes', maxBytes, `blob of ${descriptor.size} bytes`),
      );
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const stream = this.openBlob(repository, descriptor);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) {
        stream.destroy();
        throw new RegistryError(
          'TOO_LARGE',
          this.http.context(operation, repository),
          tooLarge('manifest-bytes', maxBytes, `blob of more than ${maxBytes} bytes`),
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}
