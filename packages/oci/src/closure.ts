import type { Logger } from '@deliverkit/action-kit';
import { type FetchedManifest, type RegistryClient, referrersTag } from './client';
import { RegistryError } from './errors';
import { type Descriptor, isIndex } from './media-types';

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
}

export const LEGACY_TAG_SUFFIXES = ['sig', 'att', 'sbom'] as const;

/**
 * Walks an image from its root manifest: index → manifests → config and layers, then (optionally)
 * referrers of every manifest, recursively, and legacy cosign tags of image manifests. Every manifest
 * is fetched by digest and verified.
 */
export async function resolveClosure(
  client: RegistryClient,
  repository: string,
  root: FetchedManifest,
  options: ClosureOptions = {},
): Promise<ImageClosure> {
  const includeReferrers = options.includeReferrers ?? true;
  const includeLegacy = options.includeLegacyTags ?? includeReferrers;
  const nodes = new Map<string, ClosureManifest>();
  const order: ClosureManifest[] = [];
  const blobs = new Map<string, Descriptor>();
  const referrers: ImageClosure['referrers'] = [];
  const tagSchemaIndexes: ImageClosure['tagSchemaIndexes'] = new Map();
  const legacyTags: ImageClosure['legacyTags'] = [];
  const inFlight = new Map<string, Promise<void>>();

  const visit = (digest: string, role: ManifestRole, known?: FetchedManifest): Promise<void> => {
    let pending = inFlight.get(digest);
    if (!pending) {
      pending = (async () => {
        const fetched = known ?? (await client.getManifest(repository, digest));
        const node: ClosureManifest = { ...fetched, role };
        nodes.set(digest, node);
        const manifest = fetched.manifest;
        if (isIndex(manifest)) {
          await Promise.all(
            manifest.manifests.map((child) => visit(child.digest, role === 'root' ? 'child' : role)),
          );
        } else {
          for (const blob of [manifest.config, ...manifest.layers]) {
            // Non-distributable (foreign) layers live elsewhere; registries do not hold them.
            if (blob.urls?.length && /nondistributable|foreign/.test(blob.mediaType)) continue;
            if (!blobs.has(blob.digest))
              blobs.set(blob.digest, { mediaType: blob.mediaType, digest: blob.digest, size: blob.size });
          }
        }
        order.push(node);
        const extras: Promise<void>[] = [];
        if (includeReferrers) extras.push(visitReferrers(digest));
        if (includeLegacy && (role === 'root' || role === 'child')) extras.push(visitLegacy(digest));
        await Promise.all(extras);
      })();
      inFlight.set(digest, pending);
    }
    return pending;
  };

  const visitReferrers = async (subject: string): Promise<void> => {
    const found = await client.getReferrers(repository, subject);
    if (found.tagSchemaIndex) {
      tagSchemaIndexes.set(subject, {
        bytes: found.tagSchemaIndex.bytes,
        mediaType: found.tagSchemaIndex.descriptor.mediaType,
      });
    }
    await Promise.all(
      found.descriptors.map(async (descriptor) => {
        try {
          await visit(descriptor.digest, 'referrer');
          referrers.push({ subject, descriptor });
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
      }),
    );
  };

  const visitLegacy = async (subject: string): Promise<void> => {
    await Promise.all(
      LEGACY_TAG_SUFFIXES.map(async (suffix) => {
        const tag = `${referrersTag(subject)}.${suffix}`;
        const descriptor = await client.headManifest(repository, tag);
        if (!descriptor) return;
        await visit(descriptor.digest, 'legacy');
        legacyTags.push({ tag, digest: descriptor.digest });
      }),
    );
  };

  await visit(root.descriptor.digest, 'root', root);
  referrers.sort(
    (a, b) =>
      order.findIndex((n) => n.descriptor.digest === a.descriptor.digest) -
      order.findIndex((n) => n.descriptor.digest === b.descriptor.digest),
  );
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
