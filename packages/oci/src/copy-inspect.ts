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
 * The tags and single blobs can be asked for before the source's walk is over (a first copy starts moving an
 * image's blobs early); each is asked once, and `inspect` reuses the answers.
 */
export class DestinationInspection {
  private tagDigests: Promise<Map<string, string | undefined>> | undefined;
  private readonly blobHeads = new Map<string, Promise<boolean>>();

  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly tags: readonly string[],
  ) {}

  /** Each requested tag's digest there now (undefined: absent). */
  readTags(): Promise<Map<string, string | undefined>> {
    this.tagDigests ??= handled(
      (async () => {
        const found = new Map<string, string | undefined>();
        await Promise.all(
          this.tags.map(async (tag) =>
            found.set(tag, (await this.client.headManifest(this.repository, tag))?.digest),
          ),
        );
        return found;
      })(),
    );
    return this.tagDigests;
  }

  /** A requested tag names `root` already: the image is there, every manifest it lists and their blobs. */
  async hasImage(root: string): Promise<boolean> {
    return [...(await this.readTags()).values()].includes(root);
  }

  /** The blob is there, with this size. */
  hasBlob(blob: { digest: string; size: number }): Promise<boolean> {
    let found = this.blobHeads.get(blob.digest);
    if (!found) {
      found = handled(this.client.headBlob(this.repository, blob.digest).then((size) => size === blob.size));
      this.blobHeads.set(blob.digest, found);
    }
    return found;
  }

  async inspect(closure: ImageClosure): Promise<{ state: DestinationState; observed: Observed }> {
    const { client, repository } = this;
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

    const [tagDigests] = await Promise.all([
      this.readTags(),
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
            if (await this.hasBlob(b)) blobs.add(b.digest);
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
}

/** The same promise, marked handled: an answer asked for early and never awaited must not crash the process. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
