import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { type DigestAlgorithm, digestAlgorithm } from '@deliverkit/oci-core';

/** Incremental digest for streamed bytes, in the algorithm of the digest it will be compared with. */
export class Digester {
  private readonly hash: Hash;
  size = 0;

  constructor(readonly algorithm: DigestAlgorithm = 'sha256') {
    this.hash = createHash(algorithm);
  }

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  digest(): string {
    return `${this.algorithm}:${this.hash.digest('hex')}`;
  }
}

export class DigestMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly expectedSize?: number,
    readonly actualSize?: number,
  ) {
    super(
      expectedSize !== undefined && actualSize !== undefined && expectedSize !== actualSize
        ? `expected ${expectedSize} bytes for ${expected}, got ${actualSize}`
        : `content digest ${actual} does not match expected ${expected}`,
    );
  }
}

/**
 * Passes bytes through while hashing them; fails the stream if more bytes arrive than expected, and
 * at the end if the size or digest differ. The last chunk is held back until the digest is known, so a
 * consumer never receives the complete content of a blob that fails verification.
 */
export class VerifyingStream extends Transform {
  private readonly digester: Digester;
  private pending: Buffer | undefined;

  constructor(
    private readonly expectedDigest: string,
    private readonly expectedSize?: number,
  ) {
    super();
    this.digester = new Digester(digestAlgorithm(expectedDigest));
  }

  get bytes(): number {
    return this.digester.size;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.digester.update(chunk);
    if (this.expectedSize !== undefined && this.digester.size > this.expectedSize) {
      callback(
        new DigestMismatchError(this.expectedDigest, 'unknown', this.expectedSize, this.digester.size),
      );
      return;
    }
    const previous = this.pending;
    this.pending = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    const actual = this.digester.digest();
    if (this.expectedSize !== undefined && this.digester.size !== this.expectedSize) {
      callback(new DigestMismatchError(this.expectedDigest, actual, this.expectedSize, this.digester.size));
    } else if (actual !== this.expectedDigest) {
      callback(new DigestMismatchError(this.expectedDigest, actual));
    } else {
      callback(null, this.pending);
    }
  }
}
