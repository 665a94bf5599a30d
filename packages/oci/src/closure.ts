import { howToRaise, type Limits, type Logger, resolveLimits } from '@deliverkit/action-kit';
import { type FetchedManifest, type RegistryClient, referrersTag } from './client';
import { RegistryError } from './errors';
import { type Descriptor, isIndex } from '@deliverkit/oci-core';

export type ManifestRole = 'root' | 'child' | 'referrer' | 'legacy';

export interface ClosureManifest extends FetchedManifest {
  role: ManifestRole;
}

/** Everything reachable from an image: what a digest-preserving copy has to move. */
export interface ImageClosure {
  root: Descriptor;
  /** Push order: every manifest after the manifests it lists and after its subject. */
  manifests: ClosureManifest[];
  /** Unique blobs (configs and layers) of every manifest. */
  blobs: Descriptor[];
  /** Referrer manifests and the subject each refers to. */
  referrers: { subject: string; descriptor: Descriptor }[];
  /** The `sha256-<hex>` tag-schema indexes found at the source, as stored (to copy them byte for byte). */
  tagSchemaIndexes: Map<string, { bytes: Buffer; mediaType: string }>;
  /** Legacy cosign tags (`sha256-<hex>.sig|.att|.sbom`) and their manifest digests. */
  legacyTags: { tag: string; digest: string }[];
}

export interface ClosureOptions {
  includeReferrers?: boolean;
  includeLegacyTags?: boolean;
  logger?: Logger;
  /** The referrers and index-depth bounds (default: LIMITS). */
  limits?: Partial<Limits>;
  /**
   * Called as each manifest is fetched with the blobs it adds (those not seen before), while the walk goes on:
   * a copy starts moving an image's blobs before the referrers and legacy tags have all been found.
   */
  onBlobs?: (blobs: Descriptor[], role: ManifestRole) => void;
}

export const LEGACY_TAG_SUFFIXES = ['sig', 'att', 'sbom'] as const;

/**
 * Walks an image from its root manifest: index → manifests → config and layers, then (optionally)
 * referrers of every manifest, recursively, and legacy cosign tags of image manifests. Every manifest
 * is fetched by digest and verified, once.
 *
 * The walk goes round by round over referrers and legacy tags (an index's manifests are walked as soon as the
 * index is read, so their blobs are known early), with a depth bound (the index-depth limit) and a referrer count
 * bound (the referrers limit), and the push order is a topological sort afterwards: a registry can serve an index
 * that lists itself or referrers that refer to each other, and such a graph fails naming the cycle
 * instead of waiting on itself forever.
 */
export async function resolveClosure(
  client: RegistryClient,
  repository: string,
  root: FetchedManifest,
  options: ClosureOptions = {},
): Promise<ImageClosure> {
  const includeReferrers = options.includeReferrers ?? true;
  const includeLegacy = options.includeLegacyTags ?? includeReferrers;
  const bounds = options.limits ? resolveLimits(options.limits) : client.bounds;
  const nodes = new Map<string, ClosureManifest>();
  /** digest → digests that must be pushed before it (the manifests it lists, its subject). */
  const before = new Map<string, Set<string>>();
  const blobs = new Map<string, Descriptor>();
  const referrers: ImageClosure['referrers'] = [];
  const tagSchemaIndexes: ImageClosure['tagSchemaIndexes'] = new Map();
  const legacyTags: ImageClosure['legacyTags'] = [];
  const claimed = new Set<string>();
  const seenReferrers = new Set<string>();
  const requires = (digest: string, prerequisite: string) => {
    let set = before.get(digest);
    if (!set) before.set(digest, (set = new Set()));
    set.add(prerequisite);
  };
  const context = (operation: string) => ({ registry: client.registry, repository, operation });

  interface Visit {
    digest: string;
    role: ManifestRole;
    known?: FetchedManifest;
  }
  interface Queued {
    visit: Visit;
    depth: number;
  }
  // An index's manifests are walked as soon as the index is read, in the same round (their blobs can start moving
  // while the index's referrers are still looked up); referrers and legacy tags found go to the next round.
  const visit = async ({ digest, role, known }: Visit, depth: number, next: Queued[]): Promise<void> => {
    if (claimed.has(digest)) return;
    if (depth > bounds['index-depth']) {
      throw new RegistryError(
        'TOO_LARGE',
        context(`walk ${root.descriptor.digest}`),
        `manifests nest deeper than ${bounds['index-depth']} levels (the index-depth limit: indexes in indexes, referrers of referrers); ${howToRaise('index-depth')}`,
      );
    }
    claimed.add(digest);
    const fetched = known ?? (await client.getManifest(repository, digest));
    const node: ClosureManifest = { ...fetched, role };
    nodes.set(digest, node);
    const manifest = fetched.manifest;
    const work: Promise<void>[] = [];
    if (isIndex(manifest)) {
      for (const child of manifest.manifests) {
        requires(digest, child.digest);
        work.push(visit({ digest: child.digest, role: role === 'root' ? 'child' : role }, depth + 1, next));
      }
    } else {
      const added: Descriptor[] = [];
      for (const blob of [manifest.config, ...manifest.layers]) {
        // Non-distributable (foreign) layers live elsewhere; registries do not hold them.
        if (blob.urls?.length && /nondistributable|foreign/.test(blob.mediaType)) continue;
        if (!blobs.has(blob.digest)) {
          const descriptor = { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
          blobs.set(blob.digest, descriptor);
          added.push(descriptor);
        }
      }
      if (added.length > 0) options.onBlobs?.(added, role);
    }
    const found: Visit[] = [];
    if (includeReferrers) work.push(findReferrers(digest, found));
    if (includeLegacy && (role === 'root' || role === 'child')) work.push(findLegacy(digest, found));
    await Promise.all(work);
    next.push(...found.map((v) => ({ visit: v, depth: depth + 1 })));
  };
  let frontier: Queued[] = [
    { visit: { digest: root.descriptor.digest, role: 'root', known: root }, depth: 0 },
  ];
  while (frontier.length > 0) {
    const next: Queued[] = [];
    await Promise.all(frontier.map((f) => visit(f.visit, f.depth, next)));
    frontier = next;
  }

  async function findReferrers(subject: string, next: Visit[]): Promise<void> {
    const found = await client.getReferrers(repository, subject);
    if (found.tagSchemaIndex) {
      tagSchemaIndexes.set(subject, {
        bytes: found.tagSchemaIndex.bytes,
        mediaType: found.tagSchemaIndex.descriptor.mediaType,
      });
    }
    await Promise.all(
      found.descriptors.map(async (descriptor) => {
        if (!seenReferrers.has(descriptor.digest)) {
          seenReferrers.add(descriptor.digest);
          if (seenReferrers.size > bounds.referrers) {
            throw new RegistryError(
              'TOO_LARGE',
              context(`GET referrers ${subject}`),
              `more than ${bounds.referrers} referrers (the referrers limit); ${howToRaise('referrers')}`,
            );
          }
        }
        // Fetched here (not when the next level is walked) so that a listed referrer that is gone is skipped.
        let fetched: FetchedManifest;
        try {
          fetched = await client.getManifest(repository, descriptor.digest);
        } catch (error) {
          // A tag-schema index can outlive a deleted referrer; skip what is gone.
          if (error instanceof RegistryError && error.code === 'NOT_FOUND') {
            options.logger?.debug(
              `resolveClosure: referrer ${descriptor.digest} of ${subject} is listed but missing`,
            );
            return;
          }
          throw error;
        }
        requires(descriptor.digest, subject);
        referrers.push({ subject, descriptor });
        next.push({ digest: descriptor.digest, role: 'referrer', known: fetched });
      }),
    );
  }

  async function findLegacy(subject: string, next: Visit[]): Promise<void> {
    await Promise.all(
      LEGACY_TAG_SUFFIXES.map(async (suffix) => {
        const tag = `${referrersTag(subject)}.${suffix}`;
        const descriptor = await client.headManifest(repository, tag);
        if (!descriptor) return;
        requires(descriptor.digest, subject);
        legacyTags.push({ tag, digest: descriptor.digest });
        next.push({ digest: descriptor.digest, role: 'legacy' });
      }),
    );
  }

  // Push order: depth-first, every manifest after what it requires; a back edge is a cycle.
  const order: ClosureManifest[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const place = (digest: string, path: string[]) => {
    const mark = state.get(digest);
    if (mark === 'done') return;
    if (mark === 'open') {
      const cycle = [...path.slice(path.indexOf(digest)), digest];
      throw new RegistryError(
        'MANIFEST_INVALID',
        context(`walk ${root.descriptor.digest}`),
        cycle.length === 2
          ? `manifest ${digest} refers to itself`
          : `manifests refer to each other in a cycle: ${cycle.join(' → ')}`,
      );
    }
    state.set(digest, 'open');
    for (const prerequisite of [...(before.get(digest) ?? [])].sort()) {
      if (nodes.has(prerequisite)) place(prerequisite, [...path, digest]);
    }
    state.set(digest, 'done');
    order.push(nodes.get(digest)!);
  };
  place(root.descriptor.digest, []);
  for (const digest of [...nodes.keys()].sort()) place(digest, []);

  const position = new Map(order.map((n, i) => [n.descriptor.digest, i]));
  referrers.sort((a, b) => position.get(a.descriptor.digest)! - position.get(b.descriptor.digest)!);
  legacyTags.sort((a, b) => (a.tag < b.tag ? -1 : 1));
  return {
    root: root.descriptor,
    manifests: order,
    blobs: [...blobs.values()],
    referrers,
    tagSchemaIndexes,
    legacyTags,
  };
}
