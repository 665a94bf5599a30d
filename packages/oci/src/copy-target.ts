import { getErrorMessage, type Logger } from '@deliverkit/action-kit';
import type { RegistryCapabilities, RegistryClient } from './client';
import type { ClosureManifest } from './closure';
import { RegistryError } from './errors';
import type { CopyDestination, CopyPlan, DestinationState } from './plan';

export interface CopyOptions {
  /** Copy referrers (signatures, SBOMs, attestations) recursively, and legacy cosign tags. Default true. */
  includeReferrers?: boolean;
  /** Resolve, check destinations and plan, but write nothing. */
  dryRun?: boolean;
  /** Blobs up to this size are read into memory; larger ones are streamed to the destinations (see spillBudget). */
  memoryBlobLimit?: number;
  /** Directory for spool files (default: the OS temp dir). */
  spoolDir?: string;
  /**
   * Also write large blobs to a temp file while streaming them, so a failed upload retries from disk
   * instead of reading the source again (a slow or rate-limited source). Default false: retries
   * re-read the source, verified.
   */
  spool?: boolean;
  /**
   * Disk (in `spoolDir`) that destinations falling behind the others may use for the blobs in flight: such a
   * destination is fed the rest of a blob from a spill file, so it does not hold the fast ones back. A blob that
   * would take the total past this goes at the pace of its slowest destination instead. Default 2 GiB; 0: never.
   */
  spillBudget?: number;
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

/** What inspectDestination learnt beyond the plan's view: listings and legacy tags it already read. */
export interface Observed {
  /** Subject digest → referrer digests its listing named (the API or the `sha256-<hex>` index). */
  listed: Map<string, Set<string>>;
  /** Legacy tag → the digest it points at now (undefined: absent). */
  legacyTags: Map<string, string | undefined>;
}

/** One destination of a copy: where it goes, what was found there, what this run wrote, and how it ended. */
export interface Target {
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

/** A target before its destination was inspected: nothing known there, nothing written. */
export function newTarget(
  index: number,
  destination: CopyDestination,
  client: RegistryClient,
  init: { digest: string; tags: string[]; dryRun: boolean },
): Target {
  return {
    index,
    destination: { ...destination, tags: init.tags },
    client,
    report: {
      name: `${destination.registry}/${destination.repository}`,
      registry: destination.registry,
      repository: destination.repository,
      digest: init.digest,
      tags: init.tags,
      status: init.dryRun ? 'planned' : 'copied',
      blobs: { uploaded: 0, mounted: 0, skipped: 0 },
      manifests: { pushed: 0, skipped: 0 },
      bytesUploaded: 0,
      referrers: 0,
      referrersCopied: 0,
      legacyTags: [],
      durationMs: 0,
      capabilities: client.capabilities,
    },
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
}

export function fail(target: Target, error: unknown): void {
  target.failure ??= error;
  target.report.status = 'failed';
  target.report.error ??= getErrorMessage(error);
}

export function finalize(t: Target): void {
  t.report.durationMs = Date.now() - t.started;
  t.report.capabilities = { ...t.client.capabilities };
}

/** Waits for every one of them (none is left running), then rejects with the first failure. */
export async function allOrFirstError(work: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Settles to undefined or the error, so a check that fails before it is awaited is not an unhandled rejection. */
export function settle(check: Promise<unknown>): Promise<unknown> {
  return check.then(
    () => undefined,
    (error: unknown) => error ?? new Error('verification failed'),
  );
}

/** Records a blob this run put at `t` and starts re-reading it there (HEAD and size). */
export function wroteBlob(t: Target, descriptor: { digest: string; size: number }): void {
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
