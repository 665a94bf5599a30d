import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import {
  computeDigest,
  type Descriptor,
  formatPlatform,
  isBuildkitAttestation,
  isImageMediaType,
  isIndexMediaType,
  type Platform,
  platformMatches,
} from '@deliverkit/oci-core';
import { SbomError } from './errors';
import type { ImageConfig, ImageSubject, LayerBlob, LayerSource } from './types';

/** How the image reader gets bytes: from a registry client, an OCI layout on disk, or a test. */
export interface BlobStore {
  /** A manifest or index by digest, as raw bytes (already digest-verified, or verified here). */
  manifest(digest: string): Promise<Buffer>;
  /** The config blob. */
  blob(descriptor: Descriptor): Promise<Buffer>;
  /** Streams a layer blob. */
  openBlob(descriptor: Descriptor): Promise<Readable | AsyncIterable<Uint8Array>>;
}

/**
 * A manifest, index or config as JSON, checked to be an object: a registry can serve `null`, a list or a
 * number with the right digest, which must fail as an invalid image, not as a TypeError further on.
 */
function parseObject<T>(bytes: Buffer, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new SbomError('INVALID_IMAGE', `${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SbomError('INVALID_IMAGE', `${what} is not a JSON object`);
  }
  return value as T;
}

const isDescriptor = (d: unknown): d is Descriptor =>
  d !== null &&
  typeof d === 'object' &&
  typeof (d as Descriptor).digest === 'string' &&
  (typeof (d as Descriptor).size === 'number' || (d as Descriptor).size === undefined);

function verify(digest: string, bytes: Buffer, what: string): void {
  if (digest.startsWith('sha256:') && computeDigest(bytes) !== digest) {
    throw new SbomError('LAYER_DIGEST_MISMATCH', `${what} ${digest}: the bytes do not match the digest`);
  }
}

/** Passes a blob through while hashing it; fails at the end when the digest differs. */
export function verifyingStream(digest: string, source: Readable | AsyncIterable<Uint8Array>): Readable {
  if (!digest.startsWith('sha256:')) return Readable.from(source);
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const actual = `sha256:${hash.digest('hex')}`;
      cb(actual === digest ? null : new SbomError('LAYER_DIGEST_MISMATCH', `blob ${digest}: got ${actual}`));
    },
  });
  const readable = source instanceof Readable ? source : Readable.from(source);
  readable.on('error', (e) => check.destroy(e));
  return readable.pipe(check);
}

export interface ResolveOptions {
  /** Platforms to read (default: every platform of an index, except attestation manifests). */
  platforms?: readonly Platform[];
  tag?: string;
}

/**
 * One LayerSource per platform of the image at `digest` (an index or a single manifest), for
 * the platforms asked for. A requested platform the image lacks is an error naming those it has.
 */
export async function resolveImage(
  store: BlobStore,
  name: string,
  digest: string,
  options: ResolveOptions = {},
): Promise<LayerSource[]> {
  const rootBytes = await store.manifest(digest);
  verify(digest, rootBytes, 'manifest');
  const root = parseObject<{
    mediaType?: string;
    manifests?: unknown;
    layers?: Descriptor[];
    config?: Descriptor;
  }>(rootBytes, `manifest ${name}@${digest}`);
  const isIndex = (root.mediaType && isIndexMediaType(root.mediaType)) || Array.isArray(root.manifests);
  if (!isIndex) {
    const source = await sourceFor(store, { name, digest, tag: options.tag }, rootBytes);
    if (options.platforms && !options.platforms.some((p) => platformMatches(p, source.platform))) {
      throw new SbomError(
        'PLATFORM_NOT_FOUND',
        `${name}@${digest} is a single-platform image for ${formatPlatform(source.platform)}; ` +
          `asked for ${options.platforms.map(formatPlatform).join(', ')}`,
      );
    }
    return [source];
  }
  const listed: unknown[] = Array.isArray(root.manifests) ? root.manifests : [];
  const candidates = listed
    .filter(isDescriptor)
    .filter(
      (m) =>
        (!m.mediaType || isImageMediaType(m.mediaType)) &&
        m.platform &&
        typeof m.platform === 'object' &&
        typeof m.platform.os === 'string' &&
        typeof m.platform.architecture === 'string' &&
        m.platform.os !== 'unknown' &&
        !isBuildkitAttestation(m),
    );
  let chosen = candidates;
  if (options.platforms) {
    const missing = options.platforms.filter((p) => !candidates.some((m) => platformMatches(p, m.platform!)));
    if (missing.length > 0) {
      throw new SbomError(
        'PLATFORM_NOT_FOUND',
        `${name}@${digest} has no ${missing.map(formatPlatform).join(', ')}; it has ` +
          (candidates
            .map((m) => formatPlatform(m.platform!))
            .sort()
            .join(', ') || 'no platform images'),
      );
    }
    chosen = candidates.filter((m) => options.platforms!.some((p) => platformMatches(p, m.platform!)));
  }
  const sources: LayerSource[] = [];
  for (const m of chosen) {
    const bytes = await store.manifest(m.digest);
    verify(m.digest, bytes, 'manifest');
    sources.push(
      await sourceFor(
        store,
        { name, digest: m.digest, indexDigest: digest, tag: options.tag },
        bytes,
        m.platform,
      ),
    );
  }
  return sources;
}

async function sourceFor(
  store: BlobStore,
  subject: ImageSubject,
  manifestBytes: Buffer,
  indexPlatform?: Platform,
): Promise<LayerSource> {
  const manifest = parseObject<{ config?: unknown; layers?: unknown }>(
    manifestBytes,
    `manifest ${subject.name}@${subject.digest}`,
  );
  if (
    !isDescriptor(manifest.config) ||
    !Array.isArray(manifest.layers) ||
    !manifest.layers.every(isDescriptor)
  ) {
    throw new SbomError('INVALID_IMAGE', `${subject.name}@${subject.digest} is not an image manifest`);
  }
  const configBytes = await store.blob(manifest.config);
  verify(manifest.config.digest, configBytes, 'config');
  const config = parseObject<ImageConfig>(configBytes, `config ${manifest.config.digest}`);
  const platform: Platform = indexPlatform
    ? {
        os: indexPlatform.os,
        architecture: indexPlatform.architecture,
        ...(indexPlatform.variant ? { variant: indexPlatform.variant } : {}),
      }
    : {
        os: config.os ?? 'linux',
        architecture: config.architecture ?? 'unknown',
        ...(config.variant ? { variant: config.variant } : {}),
      };
  const layers: LayerBlob[] = manifest.layers.map((d) => ({
    digest: d.digest,
    mediaType: d.mediaType,
    size: d.size,
    open: () => store.openBlob(d),
  }));
  return { subject, platform, config, layers };
}
