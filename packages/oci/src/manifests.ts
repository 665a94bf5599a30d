import {
  computeDigest,
  type Descriptor,
  digestAlgorithm,
  isValidDigest,
  MANIFEST_MEDIA_TYPES,
  type Manifest,
} from '@deliverkit/oci-core';
import type { FetchedManifest, TransferOptions } from './client';
import { RegistryError } from './errors';
import { describeError, header, pull, push, tooLarge } from './http-util';
import type { RegistryHttp } from './registry-http';
import { BodyTooLargeError, discardBody, readBody } from './transport';

/** Manifests by tag or digest: HEAD, GET (verified), PUT, DELETE, and the tag list. */
export class Manifests {
  constructor(private readonly http: RegistryHttp) {}

  async headManifest(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<Descriptor | undefined> {
    const operation = `HEAD manifest ${reference}`;
    const res = await this.http.exchange({
      ...options,
      operation,
      repository,
      scopes: pull(repository),
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
      expect: [200, 404],
    });
    if (res.status === 404) return undefined;
    const digest = header(res, 'docker-content-digest');
    const mediaType = header(res, 'content-type');
    const size = Number(header(res, 'content-length'));
    if (!digest || !isValidDigest(digest) || !mediaType || !Number.isFinite(size)) {
      // Not enough to trust: fetch and hash instead.
      const fetched = await this.getManifest(repository, reference, options);
      return fetched.descriptor;
    }
    if (reference.includes(':') && digest !== reference) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.http.context(operation, repository),
        `registry reported ${digest}`,
      );
    }
    return { mediaType: mediaType.split(';')[0]!.trim(), digest, size };
  }

  /** GET a manifest by tag or digest; verifies its bytes against the requested digest and Docker-Content-Digest. */
  async getManifest(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<FetchedManifest> {
    const operation = `GET manifest ${reference}`;
    const res = await this.http.call({
      ...options,
      operation,
      repository,
      scopes: pull(repository),
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
      expect: [200],
    });
    let bytes: Buffer;
    try {
      bytes = await readBody(res, this.http.shared.bounds['manifest-bytes']);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new RegistryError(
          'TOO_LARGE',
          this.http.context(operation, repository),
          tooLarge('manifest-bytes', this.http.shared.bounds['manifest-bytes'], 'manifest'),
        );
      }
      throw new RegistryError(
        'NETWORK_ERROR',
        this.http.context(operation, repository),
        describeError(error),
        {
          cause: error,
        },
      );
    }
    const headerDigest = header(res, 'docker-content-digest');
    const isDigest = reference.includes(':');
    const expected = isDigest ? reference : headerDigest;
    const algorithm = expected && isValidDigest(expected) ? digestAlgorithm(expected) : 'sha256';
    const actual = computeDigest(bytes, algorithm);
    if (expected && actual !== expected) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.http.context(operation, repository),
        `content is ${actual}, expected ${expected}`,
      );
    }
    if (isDigest && headerDigest && headerDigest !== reference && isValidDigest(headerDigest)) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.http.context(operation, repository),
        `registry reported ${headerDigest}`,
      );
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    } catch {
      throw new RegistryError(
        'MANIFEST_INVALID',
        this.http.context(operation, repository),
        'manifest is not JSON',
      );
    }
    const mediaType = manifest.mediaType ?? header(res, 'content-type')?.split(';')[0]?.trim() ?? '';
    if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) {
      throw new RegistryError(
        'UNSUPPORTED',
        this.http.context(operation, repository),
        `manifest media type "${mediaType}" is not supported`,
      );
    }
    return { descriptor: { mediaType, digest: actual, size: bytes.length }, bytes, manifest };
  }

  /**
   * PUT a manifest under a tag or its digest. Checks the registry's Docker-Content-Digest against our
   * bytes. Returns the OCI-Subject header when the registry processed a subject (referrers API).
   */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
    options: TransferOptions = {},
  ): Promise<{ digest: string; subjectProcessed: boolean; confirmed: boolean }> {
    const operation = `PUT manifest ${reference}`;
    const digest = computeDigest(
      bytes,
      reference.includes(':') && isValidDigest(reference) ? digestAlgorithm(reference) : 'sha256',
    );
    if (reference.includes(':') && digest !== reference) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.http.context(operation, repository),
        `content is ${digest}, not ${reference}`,
      );
    }
    const res = await this.http
      .exchange({
        ...options,
        operation,
        repository,
        scopes: push(repository),
        method: 'PUT',
        path: `/v2/${repository}/manifests/${reference}`,
        headers: { 'content-type': mediaType },
        body: bytes,
        expect: [200, 201, 202],
      })
      .catch((error: unknown) => {
        if (
          error instanceof RegistryError &&
          mediaType.includes('vnd.oci') &&
          (error.status === 400 || error.status === 415)
        ) {
          this.http.capabilities.ociMediaTypes = false;
        }
        throw error;
      });
    if (mediaType.includes('vnd.oci')) this.http.capabilities.ociMediaTypes = true;
    const reported = header(res, 'docker-content-digest');
    if (
      reported &&
      isValidDigest(reported) &&
      digestAlgorithm(reported) === digestAlgorithm(digest) &&
      reported !== digest
    ) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        this.http.context(operation, repository),
        `registry stored ${reported}, we sent ${digest}`,
      );
    }
    const subjectProcessed = Boolean(header(res, 'oci-subject'));
    if (subjectProcessed) this.http.capabilities.referrersApi = true;
    // `confirmed`: the registry named the digest it stored, and it is ours.
    return { digest, subjectProcessed, confirmed: reported === digest };
  }

  /** All tags, following `Link` pagination. */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    const base = await this.http.baseUrl();
    while (path) {
      const res = await this.http.call({
        operation: 'list tags',
        repository,
        scopes: pull(repository),
        method: 'GET',
        path,
        expect: [200, 404],
      });
      if (res.status === 404) {
        await discardBody(res);
        return tags;
      }
      const json = JSON.parse((await readBody(res, 32 * 1024 * 1024)).toString('utf8')) as {
        tags?: string[] | null;
      };
      tags.push(...(json.tags ?? []));
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(header(res, 'link') ?? '');
      path = link ? new URL(link[1]!, base).toString() : undefined;
    }
    return tags;
  }

  async getManifestIfExists(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<FetchedManifest | undefined> {
    try {
      return await this.getManifest(repository, reference, options);
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }
}
