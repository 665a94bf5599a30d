import { PassThrough, Readable, Transform, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import { DEFAULT_LIMITS, type Limits, LimitError } from '@deliverkit/action-kit';
import { SbomError } from './errors';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

const startsWith = (buf: Buffer, magic: number[]) => magic.every((b, i) => buf[i] === b);

/** Byte counters filled in while a layer streams, for stats and throughput figures. */
export interface ByteCounts {
  compressed: number;
  uncompressed: number;
}

/** Where the bounds of one layer come from, and how errors name it. */
export interface LayerBound {
  limits?: Partial<Limits>;
  /** `layer sha256:… of <image>`: the object a LimitError names. */
  layer?: string;
  /** Test seam: RATIO_GRACE_BYTES. */
  ratioGraceBytes?: number;
}

/**
 * The compression ratio is checked only past this many unpacked bytes: a small layer of text or of a
 * sparse file may legitimately compress 100-fold, and costs nothing to read; a bomb shows its ratio
 * long before it has done harm.
 */
export const RATIO_GRACE_BYTES = 1024 * 1024 * 1024;

/**
 * Output chunk of the decoders. zlib's default (16 KiB) means one thread-pool round trip and one callback per
 * 16 KiB: for a 340 MB layer that is ~20 000 of them, a third of the engine's time. 256 KiB cuts that 16-fold.
 */
const DECODER_CHUNK = 256 * 1024;

type ZstdFactory = (options: { chunkSize: number }) => Transform;

/** zlib gained zstd in Node 22.15 / 23.8. GitHub's node24 runtime has it; Node 20 does not. */
function zstdFactory(): ZstdFactory | undefined {
  const create = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
  return typeof create === 'function' ? (options) => create(options) : undefined;
}

export function zstdSupported(): boolean {
  return zstdFactory() !== undefined;
}

/**
 * Decompresses a layer blob by sniffing its first bytes, not by trusting the media type (Docker
 * v2 manifests call every layer gzip; some registries mislabel). Uncompressed tars pass through.
 */
export async function* decompressLayer(
  blob: Readable | AsyncIterable<Uint8Array>,
  counts: ByteCounts = { compressed: 0, uncompressed: 0 },
  bound: LayerBound = {},
): AsyncGenerator<Buffer> {
  const maxBytes = bound.limits?.['layer-unpacked-bytes'] ?? DEFAULT_LIMITS['layer-unpacked-bytes'];
  const maxRatio = bound.limits?.['layer-compression-ratio'] ?? DEFAULT_LIMITS['layer-compression-ratio'];
  const what = bound.layer ?? 'layer';
  const grace = bound.ratioGraceBytes ?? RATIO_GRACE_BYTES;
  /** Throws once the layer has unpacked past a bound; called before each chunk is handed on. */
  const check = () => {
    if (counts.uncompressed > maxBytes) {
      throw new LimitError('layer-unpacked-bytes', maxBytes, what, `unpacked more than ${maxBytes} bytes`);
    }
    if (counts.uncompressed > grace && counts.uncompressed > maxRatio * counts.compressed) {
      throw new LimitError(
        'layer-compression-ratio',
        maxRatio,
        what,
        `${counts.compressed} compressed bytes unpacked to ${counts.uncompressed}`,
      );
    }
  };
  const iterator = blob[Symbol.asyncIterator]();
  let first = await iterator.next();
  while (!first.done && first.value.length === 0) first = await iterator.next();
  if (first.done) throw new SbomError('LAYER_NOT_TAR', 'the layer blob is empty: not a tar archive');
  const head = Buffer.from(first.value);

  let compression: Compression = 'none';
  if (startsWith(head, GZIP_MAGIC)) compression = 'gzip';
  else if (startsWith(head, ZSTD_MAGIC)) compression = 'zstd';

  // Errors of the blob source (network, digest mismatch) pass through unchanged; only the
  // decoder's own errors mean the bytes are not what they claim to be.
  let sourceError: unknown;
  async function* raw(): AsyncGenerator<Buffer> {
    counts.compressed += head.length;
    yield head;
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (e) {
        sourceError = e;
        throw e;
      }
      if (next.done) return;
      counts.compressed += next.value.length;
      yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
    }
  }

  if (compression === 'none') {
    for await (const chunk of raw()) {
      counts.uncompressed += chunk.length;
      check();
      yield chunk;
    }
    return;
  }

  let decoder: Transform;
  if (compression === 'gzip') {
    decoder = zlib.createGunzip({ chunkSize: DECODER_CHUNK });
  } else {
    const create = zstdFactory();
    if (!create) {
      throw new SbomError(
        'UNSUPPORTED_COMPRESSION',
        `zstd-compressed layers need Node.js >= 22.15 (GitHub runs this action on node24, which has it); ` +
          `this Node.js ${process.version} cannot decompress them`,
      );
    }
    decoder = create({ chunkSize: DECODER_CHUNK });
  }
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  pipeline(Readable.from(raw(), { objectMode: false }), decoder, out, (err) => {
    if (err) out.destroy(err);
  });
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      counts.uncompressed += chunk.length;
      check();
      yield chunk;
    }
  } catch (e) {
    if (sourceError !== undefined) throw sourceError;
    if (e instanceof SbomError || e instanceof LimitError) throw e;
    throw new SbomError('LAYER_NOT_TAR', `the ${compression} layer could not be decompressed: ${String(e)}`, {
      cause: e,
    });
  } finally {
    out.destroy();
  }
}
