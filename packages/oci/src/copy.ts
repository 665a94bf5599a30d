import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BaseError, getErrorMessage, InputError, silentLogger } from '@deliverkit/action-kit';
import type { ImageReference } from '@deliverkit/oci-core';
import type { Registries } from './client';
import { resolveClosure } from './closure';
import { BlobMover } from './copy-blobs';
import { finishDestination } from './copy-finish';
import { inspectDestination } from './copy-inspect';
import { type CopyOptions, type CopyResult, fail, newTarget, type Target } from './copy-target';
import { Semaphore } from './limiter';
import { type CopyDestination, type CopyPlan, planCopy } from './plan';
import { parseReference } from './reference';

export type { CopyOptions, CopyResult, DestinationReport } from './copy-target';

export class CopyError extends BaseError<'COPY_FAILED'> {
  constructor(
    message: string,
    readonly result: CopyResult,
  ) {
    super('COPY_FAILED', message);
  }
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
      const target = newTarget(index, destination, client, {
        digest,
        tags,
        legacyTags: closure.legacyTags.map((l) => l.tag),
        dryRun: options.dryRun ?? false,
      });
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
