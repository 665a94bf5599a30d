import type { RegistryCapabilities } from './client';
import { describeError, header, pull, push } from './http-util';
import { computeDigest, MediaType } from '@deliverkit/oci-core';
import type { BlobUploader } from './blob-upload';
import type { RegistryHttp } from './registry-http';
import { discardBody } from './transport';

/** What a registry can do, found out by asking it (referrers API, chunked upload). */
export class CapabilityProbe {
  constructor(
    private readonly http: RegistryHttp,
    private readonly uploads: BlobUploader,
  ) {}

  /**
   * Fills in the capability record: referrers API by a read-only GET; with `write`, chunked upload by
   * opening an upload session, sending one PATCH byte and cancelling it.
   */
  async probeCapabilities(
    repository: string,
    options: { write?: boolean } = {},
  ): Promise<RegistryCapabilities> {
    await this.http.ping().catch(() => undefined);
    if (this.http.capabilities.referrersApi === null) {
      // Any digest will do: a registry with the API answers 200 and an empty index even for unknown ones.
      const res = await this.http
        .call({
          operation: 'probe referrers API',
          repository,
          scopes: pull(repository),
          method: 'GET',
          path: `/v2/${repository}/referrers/${computeDigest('{}')}`,
          headers: { accept: MediaType.OciIndex },
          expect: [200, 400, 404, 405, 406],
        })
        .catch(() => undefined);
      if (res) {
        this.http.capabilities.referrersApi =
          res.status === 200 && (header(res, 'content-type') ?? '').startsWith(MediaType.OciIndex);
        await discardBody(res);
      }
    }
    if (options.write && this.http.capabilities.chunkedUpload === null) {
      try {
        const session = await this.uploads.startUpload(repository, {});
        const res = await this.http.exchange({
          operation: 'probe chunked upload',
          repository,
          scopes: push(repository),
          method: 'PATCH',
          path: session.location,
          headers: { 'content-type': 'application/octet-stream', 'content-range': '0-0' },
          body: Buffer.from([0x7b]),
          expect: [202, 400, 404, 405, 416],
        });
        this.http.capabilities.chunkedUpload = res.status === 202;
        const location =
          res.status === 202 ? (header(res, 'location') ?? session.location) : session.location;
        await this.uploads.cancelUpload(repository, location, {}).catch(() => undefined);
      } catch (error) {
        this.http.logger.debug(
          `RegistryClient.probeCapabilities: chunked probe failed: ${describeError(error)}`,
        );
      }
    }
    return { ...this.http.capabilities };
  }
}
