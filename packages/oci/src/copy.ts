import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { BaseError, getErrorMessage, InputError, type Logger, silentLogger } from '@deliverkit/action-kit';
import {
  type RegistryCapabilities,
  type Registries,
  type RegistryClient,
  referrerDescriptor,
  referrersTag,
} from './client';
import { type ClosureManifest, type ImageClosure, resolveClosure } from './closure';
import { RegistryError } from './errors';
import { Semaphore } from './limiter';
import { type Descriptor, isIndex } from './media-types';
import { type CopyDestination, type CopyPlan, type DestinationState, planCopy } from './plan';
import { type ImageReference, parseReference } from './reference';

export interface CopyOptions {
  /** Copy referrers (signatures, SBOMs, attestations) recursively, and legacy cosign tags. Default true. */
  includeReferrers?: boolean;
  /** Resolve, check destinations and plan, but write nothing. */
  dryRun?: boolean;
  /** Blobs up to this size are held in memory; larger ones stream through a temp-file spool. */
  memoryBlobLimit?: number;
  /** Directory for spool files (default: the OS temp dir). */
  spoolDir?: string;
  /**
   * Also write large blobs to a temp file while streaming them, so a failed upload retries from disk
   * instead of reading the source again (a slow or rate-limited source). Default false: retries
   * re-read the source, verified, and the happy path touches no disk.
   */
  spool?: boolean;
  /** Upload in PATCH chunks of this size instead of one PUT per blob. */
  chunkSize?: number;
  /** Blobs moved at once (default 8); each host's request limit applies on top. */
  blobConcurrency?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface DestinationReport {
  /** `registry/repository`. */
  name: string;
  registry: string;
  repository: string;
  digest: string;
  tags: string[];
  status: 'copied' | 'unchanged' | 'planned' | 'failed';
  blobs: { uploaded: number; mounted: number; skipped: number };
  manifests: { pushed: number; skipped: number };
  bytesUploaded: number;
  /** Referrer manifests now discoverable at the destination (copied or already there). */
  referrers: number;
  /** Referrer manifests pushed by this run. */
  referrersCopied: number;
  legacyTags: string[];
  durationMs: number;
  capabilities: RegistryCapabilities;
  error?: string;
}

export interface CopyResult {
  source: string;
  digest: string;
  mediaType: string;
  /** Blob bytes read from the source registry (each blob once, plus resumed ranges after faults). */
  sourceBytesRead: number;
  closure: { manifests: number; blobs: number; bytes: number; referrers: number; legacyTags: string[] };
  plan: CopyPlan;
  destinations: DestinationReport[];
}

export class CopyError extends BaseError<'COPY_FAILED'> {
  constructor(
    message: string,
    readonly result: CopyResult,
  ) {
    super('COPY_FAILED', message);
  }
}

const DEFAULT_MEMORY_BLOB_LIMIT = 1024 * 1024;

interface Target {
  index: number;
  destination: CopyDestination;
  client: RegistryClient;
  report: DestinationReport;
  state: DestinationState;
  started: number;
  /** Manifests written by this run. */
  writtenManifests: ClosureManifest[];
  /**
   * Re-reads of what this run wrote, started as each write completes (so they overlap the transfers still under
   * way and the tail after the last byte stays short); each settles to undefined or the error it found.
   */
  checks: Promise<unknown>[];
  observed: Observed;
  failure?: unknown;
}

/**
 * Copies an image and everything attached to it to several destinations at once, digest-preserving:
 * each source blob is read once and streamed to every destination lacking it, destinations on the
 * source's registry (or sharing one) mount instead of uploading, and tags are written last, only after
 * every blob and manifest is present and re-verified at that destination — a failure never leaves a
 * tag on a partial image. Destinations fail independently; any failure throws a CopyError carrying
 * the per-destination result.
 */
export async function copyImage(
  registries: Registries,
  source: ImageReference | string,
  destinations: readonly CopyDestination[],
  options: CopyOptions = {},
): Promise<CopyResult> {
  const logger = options.logger ?? silentLogger;
  const sourceRef = typeof source === 'string' ? parseReference(source, { input: 'source' }) : source;
  if (destinations.length === 0) {
    throw new InputError(
      'destinations',
      'No destinations given: name at least one registry/repository:tag',
      'INPUT_REQUIRED',
    );
  }
  const sourceClient = registries.client(sourceRef.registry);
  const repository = sourceRef.repository;
  // Connect, authenticate and probe the destinations while the source closure is being resolved.
  const probes = destinations.map((d) => {
    const client = registries.client(d.registry);
    if (!options.dryRun) client.declarePush(d.repository);
    return client.probeCapabilities(d.repository).then(
      () => undefined,
      (error: unknown) => error,
    );
  });

  const root = await sourceClient.getManifest(repository, sourceRef.reference);
  logger.debug(
    `copyImage: ${sourceRef.toString()} is ${root.descriptor.digest} (${root.descriptor.mediaType})`,
  );
  const closure = await resolveClosure(sourceClient, repository, root, {
    includeReferrers: options.includeReferrers ?? true,
    logger,
  });
  const digest = closure.root.digest;

  const targets: Target[] = await Promise.all(
    destinations.map(async (destination, index) => {
      const client = registries.client(destination.registry);
      const tags =
        destination.tags.length > 0
          ? destination.tags
          : sourceRef.tag && !sourceRef.digest
            ? [sourceRef.tag]
            : [];
      const report: DestinationReport = {
        name: `${destination.registry}/${destination.repository}`,
        registry: destination.registry,
        repository: destination.repository,
        digest,
        tags,
        status: options.dryRun ? 'planned' : 'copied',
        blobs: { uploaded: 0, mounted: 0, skipped: 0 },
        manifests: { pushed: 0, skipped: 0 },
        bytesUploaded: 0,
        referrers: 0,
        referrersCopied: 0,
        legacyTags: closure.legacyTags.map((l) => l.tag),
        durationMs: 0,
        capabilities: client.capabilities,
      };
      const target: Target = {
        index,
        destination: { ...destination, tags },
        client,
        report,
        state: {
          registry: destination.registry,
          repository: destination.repository,
          blobs: new Set(),
          manifests: new Set(),
          tags: new Map(),
        },
        started: Date.now(),
        writtenManifests: [],
        checks: [],
        observed: { listed: new Map(), legacyTags: new Map() },
      };
      try {
        const probeError = await probes[index];
        if (probeError !== undefined) throw probeError;
        const inspected = await inspectDestination(client, destination.repository, closure, tags);
        target.state = inspected.state;
        target.observed = inspected.observed;
      } catch (error) {
        fail(target, error);
      }
      return target;
    }),
  );

  const plan = planCopy({
    source: { registry: sourceRef.registry, repository },
    blobs: closure.blobs,
    manifests: closure.manifests.map((m) => m.descriptor),
    tags: targets.flatMap((t) => t.destination.tags.map((tag) => ({ destination: t.index, tag, digest }))),
    destinations: targets.map((t) => t.state),
  });

  const result: CopyResult = {
    source: sourceRef.toString(),
    digest,
    mediaType: closure.root.mediaType,
    sourceBytesRead: 0,
    closure: {
      manifests: closure.manifests.length,
      blobs: closure.blobs.length,
      bytes: closure.blobs.reduce((n, b) => n + b.size, 0),
      referrers: closure.referrers.length,
      legacyTags: closure.legacyTags.map((l) => l.tag),
    },
    plan,
    destinations: targets.map((t) => t.report),
  };

  for (const t of targets) {
    t.report.blobs.skipped = plan.blobs.filter((b) => b.skip.includes(t.index)).length;
    t.report.manifests.skipped = plan.manifests.filter((m) => m.skip.includes(t.index)).length;
  }

  if (options.dryRun) {
    for (const t of targets) {
      t.report.referrers = closure.referrers.length;
      t.report.durationMs = Date.now() - t.started;
    }
    return finish(result, targets);
  }

  const spoolDir = await mkdtemp(path.join(options.spoolDir ?? os.tmpdir(), 'deliverkit-oci-'));
  try {
    const mover = new BlobMover(registries, sourceClient, repository, targets, options, result, spoolDir);
    // Bounds blobs in flight (memory for small ones, spool files for large ones), whatever the image size.
    const inFlight = new Semaphore(options.blobConcurrency ?? 8);
    const moves = plan.blobs
      .filter((b) => b.upload.length + b.mountFromSource.length + b.mountFromPeer.length > 0)
      .map((b) => ({ blob: b, done: inFlight.use(() => mover.move(b)) }));
    const touches = (b: CopyPlan['blobs'][number], index: number) =>
      b.upload.includes(index) ||
      b.mountFromSource.includes(index) ||
      b.mountFromPeer.some((m) => m.destination === index || m.from === index);
    // Each destination pushes its manifests and tags as soon as its own blobs are in place: a fast one is done
    // while the slowest link still carries the last bytes, and the tail after those bytes is the slowest one's alone.
    // All settle before a failed move (the source broke) is rethrown: no destination is left mid-write.
    await Promise.allSettled(
      targets.map(async (t) => {
        await Promise.all(moves.filter((m) => touches(m.blob, t.index)).map((m) => m.done));
        await finishDestination(t, closure, plan, logger);
      }),
    );
    await Promise.all(moves.map((m) => m.done));
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }

  return finish(result, targets);
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

function finish(result: CopyResult, targets: Target[]): CopyResult {
  const failed = targets.filter((t) => t.failure !== undefined);
  if (failed.length > 0) {
    const lines = failed.map((t) => `${t.report.name}: ${getErrorMessage(t.failure)}`);
    throw new CopyError(
      `Copy of ${result.source} failed for ${failed.length} of ${targets.length} destination(s); no tag was written there.\n${lines.join('\n')}`,
      result,
    );
  }
  return result;
}

function fail(target: Target, error: unknown): void {
  target.failure ??= error;
  target.report.status = 'failed';
  target.report.error ??= getErrorMessage(error);
}

/** Settles to undefined or the error, so a check that fails before it is awaited is not an unhandled rejection. */
function settle(check: Promise<unknown>): Promise<unknown> {
  return check.then(
    () => undefined,
    (error: unknown) => error ?? new Error('verification failed'),
  );
}

/** Records a blob this run put at `t` and starts re-reading it there (HEAD and size). */
function wroteBlob(t: Target, descriptor: { digest: string; size: number }): void {
  const repo = t.destination.repository;
  t.checks.push(
    settle(
      t.client.headBlob(repo, descriptor.digest).then((size) => {
        if (size !== descriptor.size && size !== -1) {
          throw new RegistryError(
            'SIZE_MISMATCH',
            { registry: t.client.registry, repository: repo, operation: `verify blob ${descriptor.digest}` },
            `registry has ${size} bytes, expected ${descriptor.size}`,
          );
        }
      }),
    ),
  );
}

/** What inspectDestination learnt beyond the plan's view: listings and legacy tags it already read. */
interface Observed {
  /** Subject digest → referrer digests its listing named (the API or the `sha256-<hex>` index). */
  listed: Map<string, Set<string>>;
  /** Legacy tag → the digest it points at now (undefined: absent). */
  legacyTags: Map<string, string | undefined>;
}

/**
 * What is already at a destination, in as few requests as a re-run allows:
 * - each requested tag (HEAD); a tag already naming the root means the root is there, and with it every manifest
 *   it lists and their blobs (registries refuse an index whose manifests are missing, and a manifest whose blobs
 *   are missing — the shortcut crane and regctl take too);
 * - then, only when the root is there, one referrers listing per subject: a listed referrer is there (the listing
 *   is an index the registry accepted, or the registry's own API);
 * - each legacy cosign tag (HEAD): one naming the expected digest means that manifest is there;
 * - whatever is still unknown: manifests by HEAD (a present image manifest implies its blobs), then blobs by HEAD
 *   (both at once when the root is missing).
 */
async function inspectDestination(
  client: RegistryClient,
  repository: string,
  closure: ImageClosure,
  tags: string[],
): Promise<{ state: DestinationState; observed: Observed }> {
  const manifests = new Set<string>();
  const blobs = new Set<string>();
  const byDigest = new Map(closure.manifests.map((m) => [m.descriptor.digest, m]));
  const markPresent = (digest: string): void => {
    const m = byDigest.get(digest);
    if (!m || manifests.has(digest)) return;
    manifests.add(digest);
    if (isIndex(m.manifest)) for (const child of m.manifest.manifests) markPresent(child.digest);
    else for (const b of [m.manifest.config, ...m.manifest.layers]) blobs.add(b.digest);
  };
  const observed: Observed = { listed: new Map(), legacyTags: new Map() };

  const tagDigests = new Map<string, string | undefined>();
  await Promise.all([
    ...tags.map(async (tag) => tagDigests.set(tag, (await client.headManifest(repository, tag))?.digest)),
    ...closure.legacyTags.map(async (legacy) => {
      const current = (await client.headManifest(repository, legacy.tag))?.digest;
      observed.legacyTags.set(legacy.tag, current);
      if (current === legacy.digest) markPresent(legacy.digest);
    }),
  ]);
  if ([...tagDigests.values()].includes(closure.root.digest)) markPresent(closure.root.digest);

  if (manifests.has(closure.root.digest)) {
    const subjects = [...new Set(closure.referrers.map((r) => r.subject))];
    await Promise.all(
      subjects.map(async (subject) => {
        const found = await client.getReferrers(repository, subject);
        observed.listed.set(subject, new Set(found.descriptors.map((d) => d.digest)));
      }),
    );
    for (const r of closure.referrers)
      if (observed.listed.get(r.subject)?.has(r.descriptor.digest)) markPresent(r.descriptor.digest);
  }

  const headBlobs = () =>
    Promise.all(
      closure.blobs
        .filter((b) => !blobs.has(b.digest))
        .map(async (b) => {
          const size = await client.headBlob(repository, b.digest);
          if (size === b.size) blobs.add(b.digest);
        }),
    );
  const headManifests = () =>
    Promise.all(
      closure.manifests
        .filter((m) => !manifests.has(m.descriptor.digest))
        .map(async (m) => {
          const found = await client.headManifest(repository, m.descriptor.digest);
          if (found) markPresent(m.descriptor.digest);
        }),
    );
  // Where the root is missing (a first copy), manifests present are the exception: ask for blobs at the same time
  // instead of after, so the transfers start a round trip sooner.
  if (manifests.has(closure.root.digest)) {
    await headManifests();
    await headBlobs();
  } else await Promise.all([headManifests(), headBlobs()]);
  return { state: { registry: client.registry, repository, blobs, manifests, tags: tagDigests }, observed };
}

/** Moves blobs: mounts first, then one source read fanned out to every uploading destination. */
class BlobMover {
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
    if (spool && dead.has(spool)) throw new Error('spool file write failed');
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

/** Pushes manifests, re-verifies, then writes referrer indexes, legacy tags and finally the tags. */
async function finishDestination(
  t: Target,
  closure: ImageClosure,
  plan: CopyPlan,
  logger: Logger,
): Promise<void> {
  if (t.failure !== undefined) return finalize(t);
  const repo = t.destination.repository;
  const client = t.client;
  try {
    // Each manifest goes up as soon as the manifests it lists and its subject are there: independent
    // ones in parallel, dependants after (registries may refuse an index whose entries are missing).
    // Referrers of one subject go up one at a time where the registry may keep a referrers list: it updates that
    // list on each PUT, and not every one does so atomically (olareg 0.2 lost all but one of three concurrent
    // referrers, manifests included; the re-check below caught it). A registry known to have no referrers API
    // keeps no list (the `sha256-<hex>` index is written once, below): its referrers go up in parallel.
    const pushed = new Map<string, Promise<void>>();
    const referrerQueues = new Map<string, Promise<unknown>>();
    const put = (m: ClosureManifest): Promise<void> => {
      const send = () => client.putManifest(repo, m.descriptor.digest, m.bytes, m.descriptor.mediaType);
      const subject = m.manifest.subject?.digest;
      if (!subject || client.capabilities.referrersApi === false) return send().then(() => undefined);
      const queued = (referrerQueues.get(subject) ?? Promise.resolve()).catch(() => undefined).then(send);
      referrerQueues.set(subject, queued);
      return queued.then(() => undefined);
    };
    const pushManifest = (m: ClosureManifest): Promise<void> => {
      let done = pushed.get(m.descriptor.digest);
      if (!done) {
        done = (async () => {
          // A registry known to have no referrers API does not look at `subject` (distribution 2.8 predates it):
          // a referrer goes up beside its subject there, not after it, one round trip less before the tag.
          const waitForSubject = m.manifest.subject && client.capabilities.referrersApi !== false;
          const deps = [
            ...(isIndex(m.manifest) ? m.manifest.manifests : []),
            ...(waitForSubject && m.manifest.subject ? [m.manifest.subject] : []),
          ];
          await Promise.all(
            deps
              .map((d) => closure.manifests.find((n) => n.descriptor.digest === d.digest))
              .filter((n): n is ClosureManifest => Boolean(n))
              .map(pushManifest),
          );
          if (!plan.manifests.find((p) => p.digest === m.descriptor.digest)?.push.includes(t.index)) return;
          await put(m);
          t.report.manifests.pushed++;
          if (m.role === 'referrer') t.report.referrersCopied++;
          t.writtenManifests.push(m);
          // Re-read by digest (bytes hashed again) while the manifests that depend on it go up.
          t.checks.push(settle(client.getManifest(repo, m.descriptor.digest)));
        })();
        pushed.set(m.descriptor.digest, done);
      }
      return done;
    };
    await Promise.all(closure.manifests.map(pushManifest));

    // Every re-read of what this run wrote (started as each write completed) must have found it.
    const problem = (await Promise.all(t.checks)).find((e) => e !== undefined);
    if (problem !== undefined) throw problem;

    // Referrers the registry does not index itself go into the `sha256-<hex>` index.
    const bySubject = new Map<string, Descriptor[]>();
    for (const r of closure.referrers) {
      const node = closure.manifests.find((m) => m.descriptor.digest === r.descriptor.digest)!;
      const list = bySubject.get(r.subject) ?? [];
      list.push(referrerDescriptor(node.manifest, node.descriptor));
      bySubject.set(r.subject, list);
    }
    const written = new Set(t.writtenManifests.map((m) => m.descriptor.digest));
    for (const [subject, descriptors] of bySubject) {
      // Listed there when inspected and none pushed since: nothing to add, nothing to re-check.
      const listedBefore = t.observed.listed.get(subject);
      if (descriptors.every((d) => listedBefore?.has(d.digest) && !written.has(d.digest))) {
        t.report.referrers += descriptors.length;
        continue;
      }
      if (client.capabilities.referrersApi !== true) {
        // The `sha256-<hex>` index is the listing: read here, and written (digest checked) when it lacked any.
        const initial = closure.tagSchemaIndexes.get(subject);
        await client.addToReferrersTag(repo, subject, descriptors, initial);
        t.report.referrers += descriptors.length;
        continue;
      }
      // A registry that indexes referrers itself: ask it whether it listed them all.
      const found = await client.getReferrers(repo, subject);
      const listed = new Set(found.descriptors.map((d) => d.digest));
      const missing = descriptors.filter((d) => !listed.has(d.digest));
      if (missing.length > 0) {
        throw new RegistryError(
          'PROTOCOL_ERROR',
          { registry: client.registry, repository: repo, operation: `verify referrers of ${subject}` },
          `${missing.length} referrer(s) not discoverable`,
        );
      }
      t.report.referrers += descriptors.length;
    }

    for (const legacy of closure.legacyTags) {
      // Read by the inspection; a tag seen right there needs no second look.
      if (t.observed.legacyTags.get(legacy.tag) === legacy.digest) continue;
      const node = closure.manifests.find((m) => m.descriptor.digest === legacy.digest)!;
      await client.putManifest(repo, legacy.tag, node.bytes, node.descriptor.mediaType);
    }

    const root = closure.manifests.find((m) => m.descriptor.digest === closure.root.digest)!;
    for (const tag of plan.tags.filter((p) => p.destination === t.index)) {
      // An unchanged tag was read (and its digest checked) by the presence check moments ago.
      if (tag.action === 'unchanged') continue;
      const { confirmed } = await client.putManifest(repo, tag.tag, root.bytes, root.descriptor.mediaType);
      // The registry's answer named our digest for this tag: that is the check. Otherwise read the tag back.
      if (confirmed) continue;
      const now = await client.headManifest(repo, tag.tag);
      if (now?.digest !== closure.root.digest) {
        throw new RegistryError(
          'DIGEST_MISMATCH',
          { registry: client.registry, repository: repo, operation: `verify tag ${tag.tag}` },
          `tag points at ${now?.digest ?? 'nothing'}`,
        );
      }
    }
    const changed =
      t.report.blobs.uploaded + t.report.blobs.mounted + t.report.manifests.pushed > 0 ||
      plan.tags.some((p) => p.destination === t.index && p.action !== 'unchanged');
    t.report.status = changed ? 'copied' : 'unchanged';
    logger.debug(`copyImage: ${t.report.name} ${t.report.status}`);
  } catch (error) {
    fail(t, error);
  }
  finalize(t);
}

function finalize(t: Target): void {
  t.report.durationMs = Date.now() - t.started;
  t.report.capabilities = { ...t.client.capabilities };
}

/** The `sha256-<hex>` tag that lists referrers of `digest` on registries without the API. */
export { referrersTag };
