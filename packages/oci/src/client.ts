import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  DEFAULT_LIMITS,
  type Limits,
  type Logger,
  resolveLimits,
  silentLogger,
} from '@deliverkit/action-kit';
import { type CredentialProvider, DockerConfigCredentials } from './auth';
import { BlobReader } from './blob-read';
import { BlobUploader } from './blob-upload';
import { CapabilityProbe } from './capabilities';
import { KeyedSemaphores } from './limiter';
import { Manifests } from './manifests';
import { computeDigest, type Descriptor, type Manifest } from '@deliverkit/oci-core';
import { Referrers, referrersTag } from './referrers';
import { RegistryHttp } from './registry-http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, sleep as defaultSleep } from './retry';
import { HttpTransport } from './transport';

export { referrerDescriptor, referrersTag } from './referrers';

export interface RegistryHostOptions {
  /** Plain HTTP. Loopback registries fall back to HTTP automatically when they do not speak TLS. */
  insecure?: boolean;
  /** Extra CA (PEM text) trusted for this registry. */
  ca?: string;
  /** Path of a PEM file with the extra CA. */
  caFile?: string;
  /** Do not verify the certificate (self-signed test registries only). */
  insecureSkipVerify?: boolean;
}

export interface RegistriesOptions {
  /** Default: ~/.docker/config.json (auths, credHelpers, credsStore). */
  credentials?: CredentialProvider;
  /** TLS / plain-HTTP settings per registry host (`host[:port]`). */
  hosts?: Record<string, RegistryHostOptions>;
  /** Concurrent requests per registry host (default 4). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  userAgent?: string;
  idleTimeoutMs?: number;
  /** Called with every credential secret as soon as it is read. */
  onSecret?: (secret: string) => void;
  /** Raised bounds (manifest-bytes, referrers, index-depth, redirects); the rest keep their defaults. */
  limits?: Partial<Limits>;
  /** Test seams. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RegistryCapabilities {
  registry: string;
  /** GET /v2/<name>/referrers/<digest> is implemented. */
  referrersApi: boolean | null;
  /** OCI manifest media types were accepted on push (null: not observed yet). */
  ociMediaTypes: boolean | null;
  /** PATCH chunks with Content-Range are accepted (null: not probed). */
  chunkedUpload: boolean | null;
  /** Cross-repository mount answered 201 (null: not tried). */
  crossRepoMount: boolean | null;
  auth: 'anonymous' | 'basic' | 'bearer' | null;
  tls: boolean | null;
}

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  manifest: Manifest;
}

export interface ReferrersResult {
  descriptors: Descriptor[];
  via: 'api' | 'tag-schema';
  /** The `sha256-<hex>` index as stored, when the tag schema was used and the tag exists. */
  tagSchemaIndex?: FetchedManifest;
}

/** For calls made inside a transfer that already holds this host's concurrency permit. */
export interface TransferOptions {
  slotHeld?: boolean;
  signal?: AbortSignal;
}

/** Where upload bytes come from: a one-shot live stream and/or a way to (re)open them from an offset. */
export interface BlobSource {
  first?: Readable;
  open?: (offset: number) => Promise<Readable>;
}

export interface UploadOptions extends TransferOptions {
  /** Upload in PATCH chunks of this size (resumable after a failure) instead of one PUT. */
  chunkSize?: number;
  /** Called with the bytes the registry accepted (per PUT, or per PATCH chunk), for accounting. */
  onBytes?: (n: number) => void;
}

export const MAX_MANIFEST_BYTES = DEFAULT_LIMITS['manifest-bytes'];

/** Holds one RegistryClient per registry plus what they share: transport, limits, credentials. */
export class Registries {
  readonly transport: HttpTransport;
  readonly limits: KeyedSemaphores;
  readonly policy: RetryPolicy;
  readonly logger: Logger;
  /** The bounds on what registries hand us (LIMITS in @deliverkit/action-kit). */
  readonly bounds: Limits;
  private readonly clients = new Map<string, RegistryClient>();

  constructor(readonly options: RegistriesOptions = {}) {
    const hosts = options.hosts ?? {};
    this.bounds = resolveLimits(options.limits);
    this.transport = new HttpTransport({
      maxRedirects: this.bounds.redirects,
      userAgent: options.userAgent,
      idleTimeoutMs: options.idleTimeoutMs,
      tls: (host) => {
        const caOf = (s: RegistryHostOptions) =>
          s.ca ?? (s.caFile ? readFileSync(s.caFile, 'utf8') : undefined);
        const settings = hosts[host];
        if (settings) return { ca: caOf(settings), insecureSkipVerify: settings.insecureSkipVerify };
        // A token realm or storage redirect is often served under the same private CA as its registry:
        // trust every CA the user configured (still verifying) for hosts with no settings of their own.
        const all = Object.values(hosts)
          .map(caOf)
          .filter((ca): ca is string => Boolean(ca));
        return all.length > 0 ? { ca: all.join('\n') } : undefined;
      },
    });
    this.limits = new KeyedSemaphores(options.concurrency ?? 4);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.logger = options.logger ?? silentLogger;
  }

  /** The client for a registry name as it appears in references (`docker.io`, `ghcr.io`, `localhost:5000`). */
  client(registry: string): RegistryClient {
    let client = this.clients.get(registry);
    if (!client) {
      client = new RegistryClient(registry, this);
      this.clients.set(registry, client);
    }
    return client;
  }

  credentials(): CredentialProvider {
    this.credentialProvider ??=
      this.options.credentials ?? new DockerConfigCredentials({ onSecret: this.options.onSecret });
    return this.credentialProvider;
  }
  private credentialProvider: CredentialProvider | undefined;

  /** Takes one permit per listed registry (repeats count), in a deadlock-free order. */
  /** A request slot at each registry's host for one transfer; the release frees one host (done with it) or all. */
  acquireTransfer(registries: readonly string[]): Promise<(registry?: string) => void> {
    return this.limits
      .acquireAll(registries.map((r) => this.client(r).host))
      .then(
        (release) => (registry?: string) =>
          release(registry === undefined ? undefined : this.client(registry).host),
      );
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.options.sleep ? this.options.sleep(ms) : defaultSleep(ms, signal);
  }

  random(): number {
    return (this.options.random ?? Math.random)();
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * A client for one registry host: auth (anonymous, Basic, Bearer token per scope set, reused until
 * expiry), retries with jittered backoff honouring Retry-After, a per-host concurrency limit, and
 * digest verification of everything read and written. A facade over the modules that do the work:
 * registry-http (one call, auth-session), manifests, blob-read, blob-upload, referrers, capabilities.
 */
export class RegistryClient {
  /** API host (`registry-1.docker.io` for Docker Hub). */
  readonly host: string;
  readonly capabilities: RegistryCapabilities;
  private readonly http: RegistryHttp;
  private readonly manifests: Manifests;
  private readonly blobs: BlobReader;
  private readonly uploads: BlobUploader;
  private readonly referrers: Referrers;
  private readonly probe: CapabilityProbe;

  /** The bounds its Registries was opened with. */
  get bounds(): Limits {
    return this.shared.bounds;
  }

  constructor(
    readonly registry: string,
    private readonly shared: Registries,
  ) {
    this.http = new RegistryHttp(registry, shared);
    this.host = this.http.host;
    this.capabilities = this.http.capabilities;
    this.manifests = new Manifests(this.http);
    this.blobs = new BlobReader(this.http);
    this.uploads = new BlobUploader(this.http);
    this.referrers = new Referrers(this.http, this.manifests);
    this.probe = new CapabilityProbe(this.http, this.uploads);
  }

  /**
   * GET /v2/: checks the registry answers and learns its auth scheme from the challenge, without
   * fetching a token (the next request asks for one with the scopes it needs).
   */
  ping(): Promise<void> {
    return this.http.ping();
  }

  /**
   * Declares that this run will push to `repository`: pull requests on it then ask for a pull,push
   * token right away, so one token serves the whole copy instead of one per scope set.
   */
  declarePush(repository: string): void {
    this.http.declarePush(repository);
  }

  headManifest(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<Descriptor | undefined> {
    return this.manifests.headManifest(repository, reference, options);
  }

  /** GET a manifest by tag or digest; verifies its bytes against the requested digest and Docker-Content-Digest. */
  getManifest(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<FetchedManifest> {
    return this.manifests.getManifest(repository, reference, options);
  }

  getManifestIfExists(
    repository: string,
    reference: string,
    options: TransferOptions = {},
  ): Promise<FetchedManifest | undefined> {
    return this.manifests.getManifestIfExists(repository, reference, options);
  }

  /**
   * PUT a manifest under a tag or its digest. Checks the registry's Docker-Content-Digest against our
   * bytes. Returns the OCI-Subject header when the registry processed a subject (referrers API).
   */
  putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
    options: TransferOptions = {},
  ): Promise<{ digest: string; subjectProcessed: boolean; confirmed: boolean }> {
    return this.manifests.putManifest(repository, reference, bytes, mediaType, options);
  }

  /** All tags, following `Link` pagination. */
  listTags(repository: string): Promise<string[]> {
    return this.manifests.listTags(repository);
  }

  /** Blob size when the blob exists in the repository, else undefined. */
  headBlob(repository: string, digest: string, options: TransferOptions = {}): Promise<number | undefined> {
    return this.blobs.headBlob(repository, digest, options);
  }

  /**
   * Streams a blob, verifying size and digest. Connection failures mid-body resume with a Range
   * request from the last byte received (or re-read and skip when the registry ignores Range). The
   * final chunk is released only after the digest checks out.
   */
  openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    options: TransferOptions & { onBytes?: (n: number) => void } = {},
  ): Readable {
    return this.blobs.openBlob(repository, descriptor, options);
  }

  /** openBlob's chunks as an async iterable, without a stream around them (one hop less per chunk). */
  readBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    options: TransferOptions & { onBytes?: (n: number) => void },
  ): AsyncGenerator<Buffer> {
    return this.blobs.readBlob(repository, descriptor, options);
  }

  /** Reads a small blob (a config, a signature payload) into memory, verified, bounded by `maxBytes`. */
  fetchBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes = this.shared.bounds['manifest-bytes'],
  ): Promise<Buffer> {
    return this.blobs.fetchBlob(repository, descriptor, maxBytes);
  }

  /**
   * Cross-repository mount. `mounted` on 201; on 202 the registry opened an upload session instead,
   * which we cancel (the caller uploads, possibly much later) and report `not-mounted`.
   */
  mountBlob(
    repository: string,
    digest: string,
    from: string,
    options: TransferOptions = {},
  ): Promise<'mounted' | 'not-mounted'> {
    return this.uploads.mountBlob(repository, digest, from, options);
  }

  /**
   * Uploads a blob: one streamed PUT (monolithic), or PATCH chunks when `chunkSize` is set. A failed
   * chunked upload resumes from the offset the registry reports; a failed monolithic upload restarts
   * from `source.open(0)`. The registry's digest is checked against ours.
   */
  uploadBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource,
    options: UploadOptions = {},
  ): Promise<void> {
    return this.uploads.uploadBlob(repository, descriptor, source, options);
  }

  /** Pushes a small blob from memory unless it exists; returns its descriptor. */
  async pushBlob(
    repository: string,
    data: Buffer,
    mediaType = 'application/octet-stream',
  ): Promise<Descriptor> {
    const descriptor: Descriptor = { mediaType, digest: computeDigest(data), size: data.length };
    if ((await this.headBlob(repository, descriptor.digest)) === undefined) {
      await this.uploadBlob(repository, descriptor, {
        open: async (offset) => Readable.from([data.subarray(offset)]),
      });
    }
    return descriptor;
  }

  /**
   * Referrers of a manifest: the OCI 1.1 API when the registry has it, else the `sha256-<hex>` tag
   * schema. A 404/400/405/406 from the API marks it absent for this registry.
   */
  getReferrers(
    repository: string,
    digest: string,
    options: { artifactType?: string } = {},
  ): Promise<ReferrersResult> {
    return this.referrers.getReferrers(repository, digest, options);
  }

  /**
   * Pushes an artifact manifest that has a `subject` and makes it discoverable: nothing more when the
   * registry processed the subject (OCI-Subject header), else adds it to the `sha256-<hex>` index.
   */
  pushReferrer(repository: string, bytes: Buffer, mediaType: string): Promise<Descriptor> {
    return this.referrers.pushReferrer(repository, bytes, mediaType);
  }

  /**
   * Adds descriptors to the tag-schema index of `subject` (creating it from `initial` bytes when the
   * tag does not exist yet, to keep a copied index digest-identical). Returns true when it wrote.
   */
  addToReferrersTag(
    repository: string,
    subject: string,
    descriptors: Descriptor[],
    initial?: { bytes: Buffer; mediaType: string },
    current?: Promise<FetchedManifest | undefined>,
  ): Promise<boolean> {
    return this.referrers.addToReferrersTag(repository, subject, descriptors, initial, current);
  }

  /** The `sha256-<hex>` referrers index of `subject` as it is now (undefined: no such tag). */
  readReferrersTag(repository: string, subject: string): Promise<FetchedManifest | undefined> {
    return this.manifests.getManifestIfExists(repository, referrersTag(subject));
  }

  /**
   * Fills in the capability record: referrers API by a read-only GET; with `write`, chunked upload by
   * opening an upload session, sending one PATCH byte and cancelling it.
   */
  probeCapabilities(repository: string, options: { write?: boolean } = {}): Promise<RegistryCapabilities> {
    return this.probe.probeCapabilities(repository, options);
  }
}
