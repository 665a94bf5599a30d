import type { Logger } from '@deliverkit/action-kit';
import { type FetchedManifest, referrerDescriptor } from './client';
import type { ClosureManifest, ImageClosure } from './closure';
import { allOrFirstError, fail, finalize, settle, type Target } from './copy-target';
import { RegistryError } from './errors';
import { type Descriptor, isIndex } from '@deliverkit/oci-core';
import type { CopyPlan } from './plan';

/**
 * Settles when the moves of these blobs to this destination have (all of its blobs without `digests`), rejecting
 * when the source broke.
 */
export type BlobsMoved = (digests?: ReadonlySet<string>) => Promise<void>;

/**
 * Pushes each manifest once its blobs have moved; then, when every blob and manifest is there and re-verified, the
 * referrer indexes and legacy cosign tags (at once), and last the tags. A destination that fails gets no tag of any
 * kind: none names a partial image.
 */
export async function finishDestination(
  t: Target,
  closure: ImageClosure,
  plan: CopyPlan,
  logger: Logger,
  blobsMoved: BlobsMoved,
): Promise<void> {
  try {
    if (t.failure !== undefined) {
      // Nothing more is written there; its moves still settle first, so the caller never returns mid-write.
      await blobsMoved().catch(() => undefined);
      return finalize(t);
    }
    await pushManifests(t, closure, plan, blobsMoved);
    // The `sha256-<hex>` indexes to extend are read now, while the last re-reads are out: one round trip less
    // before the tags, and nothing is written before those re-reads are in.
    const listings = referrerListings(t, closure);
    // Every blob this run moved there has landed (the manifests needed theirs; this covers any other) and every
    // re-read of what it wrote (started as each write completed) must have found it.
    await blobsMoved();
    if (t.failure !== undefined) throw t.failure;
    const problem = (await Promise.all(t.checks)).find((e) => e !== undefined);
    if (problem !== undefined) throw problem;
    await allOrFirstError([publishReferrers(t, closure, listings), writeLegacyTags(t, closure)]);
    await writeTags(t, closure, plan);
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

/**
 * Each manifest goes up as soon as the manifests it lists and its subject are there: independent ones in parallel,
 * dependants after (registries may refuse an index whose entries are missing). Referrers of one subject go up one at
 * a time where the registry may keep a referrers list: it updates that list on each PUT, and not every one does so
 * atomically (olareg 0.2 lost all but one of three concurrent referrers, manifests included; the re-check after the
 * pushes caught it). A registry known to have no referrers API keeps no list (the `sha256-<hex>` index is written
 * once, by publishReferrers): its referrers go up in parallel.
 */
async function pushManifests(
  t: Target,
  closure: ImageClosure,
  plan: CopyPlan,
  blobsMoved: BlobsMoved,
): Promise<void> {
  const repo = t.destination.repository;
  const client = t.client;
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
        if (!isIndex(m.manifest)) {
          await blobsMoved(new Set([m.manifest.config, ...m.manifest.layers].map((b) => b.digest)));
        }
        // A move that failed here (the destination refused a blob) ends this destination: no manifest after it.
        if (t.failure !== undefined) throw t.failure;
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
  // Every push settles before a failure is reported: none is left in flight when the destination is given up.
  await allOrFirstError(closure.manifests.map(pushManifest));
}

/** One subject's referrers at a destination: what to list, and its `sha256-<hex>` index as read before writing. */
interface Listing {
  descriptors: Descriptor[];
  /** Nothing to add (listed there when inspected, none pushed since): nothing to write or re-check. */
  listed: boolean;
  /** Where the `sha256-<hex>` index is the listing and needs writing: its content, read as soon as known. */
  current?: Promise<FetchedManifest | undefined>;
}

function referrerListings(t: Target, closure: ImageClosure): Map<string, Listing> {
  const bySubject = new Map<string, Listing>();
  for (const r of closure.referrers) {
    const node = closure.manifests.find((m) => m.descriptor.digest === r.descriptor.digest)!;
    const listing = bySubject.get(r.subject) ?? { descriptors: [], listed: false };
    listing.descriptors.push(referrerDescriptor(node.manifest, node.descriptor));
    bySubject.set(r.subject, listing);
  }
  const written = new Set(t.writtenManifests.map((m) => m.descriptor.digest));
  for (const [subject, listing] of bySubject) {
    const listedBefore = t.observed.listed.get(subject);
    listing.listed = listing.descriptors.every((d) => listedBefore?.has(d.digest) && !written.has(d.digest));
    if (!listing.listed && t.client.capabilities.referrersApi !== true) {
      const current = t.client.readReferrersTag(t.destination.repository, subject);
      // Awaited by publishReferrers, unless a failure ends the destination first.
      current.catch(() => undefined);
      listing.current = current;
    }
  }
  return bySubject;
}

/**
 * Makes every referrer discoverable: referrers the registry does not index itself go into the `sha256-<hex>`
 * index; a registry that indexes them is asked whether it listed them all.
 */
async function publishReferrers(
  t: Target,
  closure: ImageClosure,
  listings: Map<string, Listing>,
): Promise<void> {
  const repo = t.destination.repository;
  const client = t.client;
  // Each subject's listing is a tag of its own: all at once.
  const publish = async (subject: string, listing: Listing): Promise<void> => {
    const { descriptors } = listing;
    if (listing.listed) {
      t.report.referrers += descriptors.length;
      return;
    }
    if (client.capabilities.referrersApi !== true) {
      // The `sha256-<hex>` index is the listing: written (digest checked) when it lacked any.
      const initial = closure.tagSchemaIndexes.get(subject);
      await client.addToReferrersTag(repo, subject, descriptors, initial, listing.current);
      t.report.referrers += descriptors.length;
      return;
    }
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
  };
  await allOrFirstError([...listings].map(([subject, listing]) => publish(subject, listing)));
}

async function writeLegacyTags(t: Target, closure: ImageClosure): Promise<void> {
  await allOrFirstError(
    closure.legacyTags.map(async (legacy) => {
      // Read by the inspection; a tag seen right there needs no second look.
      if (t.observed.legacyTags.get(legacy.tag) === legacy.digest) return;
      const node = closure.manifests.find((m) => m.descriptor.digest === legacy.digest)!;
      await t.client.putManifest(t.destination.repository, legacy.tag, node.bytes, node.descriptor.mediaType);
    }),
  );
}

/** The tags, last: each confirmed by the registry's answer or read back. */
async function writeTags(t: Target, closure: ImageClosure, plan: CopyPlan): Promise<void> {
  const repo = t.destination.repository;
  const client = t.client;
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
}
