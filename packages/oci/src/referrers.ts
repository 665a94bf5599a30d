import {
  computeDigest,
  type Descriptor,
  digestHex,
  type ImageIndex,
  isIndex,
  type Manifest,
  MediaType,
  referrerArtifactType,
} from '@deliverkit/oci-core';
import type { FetchedManifest, ReferrersResult } from './client';
import { RegistryError } from './errors';
import { describeError, header, pull, tooLarge } from './http-util';
import { KeyedMutex } from './limiter';
import type { Manifests } from './manifests';
import type { RegistryHttp } from './registry-http';
import { BodyTooLargeError, discardBody, readBody } from './transport';

/** Referrers: the OCI 1.1 API when the registry has it, else the `sha256-<hex>` tag schema. */
export class Referrers {
  private readonly tagSchemaLock = new KeyedMutex();

  constructor(
    private readonly http: RegistryHttp,
    private readonly manifests: Manifests,
  ) {}

  /**
   * Referrers of a manifest: the OCI 1.1 API when the registry has it, else the `sha256-<hex>` tag
   * schema. A 404/400/405/406 from the API marks it absent for this registry.
   */
  async getReferrers(
    repository: string,
    digest: string,
    options: { artifactType?: string } = {},
  ): Promise<ReferrersResult> {
    if (this.http.capabilities.referrersApi !== false) {
      const query = options.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : '';
      const res = await this.http.call({
        operation: `GET referrers ${digest}`,
        repository,
        scopes: pull(repository),
        method: 'GET',
        path: `/v2/${repository}/referrers/${digest}${query}`,
        headers: { accept: MediaType.OciIndex },
        expect: [200, 400, 404, 405, 406],
      });
      const contentType = header(res, 'content-type') ?? '';
      if (res.status === 200 && contentType.startsWith(MediaType.OciIndex)) {
        this.http.capabilities.referrersApi = true;
        const operation = `GET referrers ${digest}`;
        const limit = this.http.shared.bounds['manifest-bytes'];
        const body = await readBody(res, limit).catch((error: unknown) => {
          throw error instanceof BodyTooLargeError
            ? new RegistryError(
                'TOO_LARGE',
                this.http.context(operation, repository),
                tooLarge('manifest-bytes', limit, 'referrers listing'),
              )
            : new RegistryError(
                'NETWORK_ERROR',
                this.http.context(operation, repository),
                describeError(error),
                {
                  cause: error,
                },
              );
        });
        let index: ImageIndex;
        try {
          index = JSON.parse(body.toString('utf8')) as ImageIndex;
        } catch {
          throw new RegistryError(
            'PROTOCOL_ERROR',
            this.http.context(operation, repository),
            'referrers listing is not JSON',
          );
        }
        if (!Array.isArray(index?.manifests ?? []))
          throw new RegistryError(
            'PROTOCOL_ERROR',
            this.http.context(operation, repository),
            'referrers listing has no manifests array',
          );
        let descriptors = index.manifests ?? [];
        if (options.artifactType && !header(res, 'oci-filters-applied')) {
          descriptors = descriptors.filter((d) => d.artifactType === options.artifactType);
        }
        return { descriptors, via: 'api' };
      }
      await discardBody(res);
      this.http.capabilities.referrersApi = false;
    }
    const tagged = await this.manifests.getManifestIfExists(repository, referrersTag(digest));
    if (!tagged) return { descriptors: [], via: 'tag-schema' };
    let descriptors = isIndex(tagged.manifest) ? tagged.manifest.manifests : [];
    if (options.artifactType)
      descriptors = descriptors.filter((d) => d.artifactType === options.artifactType);
    return { descriptors, via: 'tag-schema', tagSchemaIndex: tagged };
  }

  /**
   * Pushes an artifact manifest that has a `subject` and makes it discoverable: nothing more when the
   * registry processed the subject (OCI-Subject header), else adds it to the `sha256-<hex>` index by a
   * read-modify-write that is serialized per subject within this process.
   */
  async pushReferrer(repository: string, bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    if (!manifest.subject) {
      throw new RegistryError(
        'MANIFEST_INVALID',
        this.http.context('push referrer', repository),
        'the manifest has no subject',
      );
    }
    const { digest, subjectProcessed } = await this.manifests.putManifest(
      repository,
      computeDigest(bytes),
      bytes,
      mediaType,
    );
    const descriptor = referrerDescriptor(manifest, { mediaType, digest, size: bytes.length });
    if (!subjectProcessed && this.http.capabilities.referrersApi !== true) {
      await this.addToReferrersTag(repository, manifest.subject.digest, [descriptor]);
    }
    return descriptor;
  }

  /**
   * Adds descriptors to the tag-schema index of `subject` (creating it from `initial` bytes when the
   * tag does not exist yet, to keep a copied index digest-identical). Returns true when it wrote.
   * `current`: the tag's content read moments ago by the caller (`readReferrersTag`), so the read overlaps other
   * work instead of adding a round trip; without it the tag is read here.
   */
  async addToReferrersTag(
    repository: string,
    subject: string,
    descriptors: Descriptor[],
    initial?: { bytes: Buffer; mediaType: string },
    current?: Promise<FetchedManifest | undefined>,
  ): Promise<boolean> {
    const tag = referrersTag(subject);
    return this.tagSchemaLock.run(`${repository}@${tag}`, async () => {
      const existing = await (current ?? this.manifests.getManifestIfExists(repository, tag));
      if (!existing && initial) {
        const index = JSON.parse(initial.bytes.toString('utf8')) as ImageIndex;
        const listed = new Set(index.manifests.map((d) => d.digest));
        if (descriptors.every((d) => listed.has(d.digest))) {
          await this.manifests.putManifest(repository, tag, initial.bytes, initial.mediaType);
          return true;
        }
      }
      const index: ImageIndex =
        existing && isIndex(existing.manifest)
          ? existing.manifest
          : { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
      const listed = new Set(index.manifests.map((d) => d.digest));
      const missing = descriptors.filter((d) => !listed.has(d.digest));
      if (existing && missing.length === 0) return false;
      index.manifests.push(...missing);
      await this.manifests.putManifest(
        repository,
        tag,
        Buffer.from(JSON.stringify(index)),
        MediaType.OciIndex,
      );
      return true;
    });
  }
}

/** The tag-schema tag for referrers of `digest`: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  return `${digest.slice(0, digest.indexOf(':'))}-${digestHex(digest)}`;
}

/** The descriptor a referrers listing carries for an artifact manifest. */
export function referrerDescriptor(manifest: Manifest, base: Descriptor): Descriptor {
  const descriptor: Descriptor = { mediaType: base.mediaType, digest: base.digest, size: base.size };
  const artifactType = referrerArtifactType(manifest);
  if (artifactType) descriptor.artifactType = artifactType;
  if (manifest.annotations && Object.keys(manifest.annotations).length > 0)
    descriptor.annotations = manifest.annotations;
  return descriptor;
}
