import { setMaxListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BaseError, getErrorMessage, InputError, silentLogger } from '@deliverkit/action-kit';
import type { Descriptor, ImageReference } from '@deliverkit/oci-core';
import type { Registries } from './client';
import { type ImageClosure, resolveClosure } from './closure';
import { BlobMover, BlobMoves } from './copy-blobs';
import { finishDestination } from './copy-finish';
import { DestinationInspection } from './copy-inspect';
import { type CopyOptions, type CopyResult, fail, newTarget, type Target } from './copy-target';
import { type CopyDestination, planCopy } from './plan';
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
  const digest = root.descriptor.digest;
  const targets: Target[] = destinations.map((destination, index) =>
    newTarget(index, destination, registries.client(destination.registry), {
      digest,
      tags:
        destination.tags.length > 0
          ? destination.tags
          : sourceRef.tag && !sourceRef.digest
            ? [sourceRef.tag]
            : [],
      dryRun: options.dryRun ?? false,
    }),
  );
  const inspections = targets.map(
    (t) => new DestinationInspection(t.client, t.destination.repository, t.destination.tags),
  );
  // Each destination's tags are read while it is probed and the source is still being walked.
  const ready = targets.map(async (t, index) => {
    try {
      const [probeError] = await Promise.all([probes[index], inspections[index]!.readTags()]);
      if (probeError !== undefined) throw probeError;
    } catch (error) {
      fail(t, error);
    }
  });
  const result: CopyResult = {
    source: sourceRef.toString(),
    digest,
    mediaType: root.descriptor.mediaType,
    sourceBytesRead: 0,
    closure: { manifests: 0, blobs: 0, bytes: 0, referrers: 0, legacyTags: [] },
    plan: { blobs: [], manifests: [], tags: [] },
    destinations: targets.map((t) => t.report),
  };

  const spoolDir = options.dryRun
    ? undefined
    : await mkdtemp(path.join(options.spoolDir ?? os.tmpdir(), 'deliverkit-oci-'));
  // Stops early moves when the walk fails; every request listens to it, so many listeners are no leak.
  const abort = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
  setMaxListeners(0, signal);
  try {
    const mover = new BlobMover(
      registries,
      sourceClient,
      repository,
      targets,
      { ...options, signal },
      result,
      spoolDir ?? '',
    );
    const earlyLimit = spoolDir
      ? earlyMoveLimit(registries, [sourceRef.registry, ...destinations.map((d) => d.registry)])
      : 0;
    const moves = new BlobMoves(mover, options.blobConcurrency ?? 8, Math.max(1, earlyLimit));
    // An image's blobs are known before its referrers and legacy tags: each moves as soon as every destination
    // has said whether it holds it, while the walk goes on.
    const early: Promise<void>[] = [];
    const startEarly = async (blob: Descriptor) => {
      await Promise.all(ready);
      const held = await Promise.all(
        targets.map(async (t, i) => {
          try {
            return (
              t.failure === undefined &&
              ((await inspections[i]!.hasImage(digest)) || (await inspections[i]!.hasBlob(blob)))
            );
          } catch (error) {
            fail(t, error);
            return false;
          }
        }),
      );
      const destinationStates = targets.map((t, i) => ({
        ...t.state,
        blobs: new Set(held[i] ? [blob.digest] : []),
      }));
      const { blobs } = planCopy({
        source: sourceRef,
        blobs: [blob],
        manifests: [],
        tags: [],
        destinations: destinationStates,
      });
      if (!abort.signal.aborted) moves.start(blobs[0]!, true);
    };

    let closure: ImageClosure;
    try {
      closure = await resolveClosure(sourceClient, repository, root, {
        includeReferrers: options.includeReferrers ?? true,
        logger,
        onBlobs: (blobs, role) => {
          if (earlyLimit > 0 && !abort.signal.aborted && (role === 'root' || role === 'child'))
            early.push(...blobs.map(startEarly));
        },
      });
    } catch (error) {
      abort.abort(error);
      moves.openEarly();
      await Promise.allSettled(early);
      await moves.all().catch(() => undefined);
      throw error;
    }
    await Promise.all(early);
    result.closure = {
      manifests: closure.manifests.length,
      blobs: closure.blobs.length,
      bytes: closure.blobs.reduce((n, b) => n + b.size, 0),
      referrers: closure.referrers.length,
      legacyTags: closure.legacyTags.map((l) => l.tag),
    };

    await Promise.all(
      targets.map(async (t, index) => {
        t.report.legacyTags = closure.legacyTags.map((l) => l.tag);
        await ready[index];
        if (t.failure !== undefined) return;
        try {
          const inspected = await inspections[index]!.inspect(closure);
          t.state = inspected.state;
          t.observed = inspected.observed;
        } catch (error) {
          fail(t, error);
        }
      }),
    );

    const plan = planCopy({
      source: { registry: sourceRef.registry, repository },
      blobs: closure.blobs,
      manifests: closure.manifests.map((m) => m.descriptor),
      tags: targets.flatMap((t) => t.destination.tags.map((tag) => ({ destination: t.index, tag, digest }))),
      destinations: targets.map((t) => t.state),
    });
    // A blob moving already keeps the plan it was started with.
    plan.blobs = plan.blobs.map((b) => moves.plans.get(b.digest) ?? b);
    result.plan = plan;
    for (const t of targets) {
      t.report.blobs.skipped = plan.blobs.filter((b) => b.skip.includes(t.index)).length;
      t.report.manifests.skipped = plan.manifests.filter((m) => m.skip.includes(t.index)).length;
    }

    if (!spoolDir) {
      for (const t of targets) {
        t.report.referrers = closure.referrers.length;
        t.report.durationMs = Date.now() - t.started;
      }
      return finish(result, targets);
    }

    moves.openEarly();
    for (const b of plan.blobs) moves.start(b);
    // Each manifest goes up as soon as its own blobs are in place at that destination: the manifests of a platform
    // and the referrers whose blobs landed first are there while the last bytes still cross the slowest link, and
    // the tail after those bytes is the last platform's manifest, the index and the tags. A destination's tags wait
    // for all of its blobs. All settle before a failed move (the source broke) is rethrown: no destination is left
    // mid-write.
    await Promise.allSettled(
      targets.map((t) =>
        finishDestination(t, closure, plan, logger, (digests) => moves.forDestination(t.index, digests)),
      ),
    );
    await moves.all();
  } finally {
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  }

  return finish(result, targets);
}

/**
 * How many blobs may move before the walk is over: one request slot fewer than the busiest host has, so the walk
 * and the inspection keep one; none where a host allows a single request at a time.
 */
function earlyMoveLimit(registries: Registries, hosts: readonly string[]): number {
  const slots = Math.min(...hosts.map((h) => registries.limits.get(registries.client(h).host).limit));
  return slots >= 2 ? slots - 1 : 0;
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
