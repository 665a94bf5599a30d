import type { RegistryClient } from './client';
import type { ImageClosure } from './closure';
import type { Observed } from './copy-target';
import { isIndex } from '@deliverkit/oci-core';
import type { DestinationState } from './plan';

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
export async function inspectDestination(
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
