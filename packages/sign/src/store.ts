import type { Logger } from '@deliverkit/action-kit';
import { silentLogger } from '@deliverkit/action-kit';
import type { Descriptor } from '@deliverkit/oci-core';
import { SignError } from './errors';
import {
  blob,
  bundleReferrerManifest,
  DSSE_ENVELOPE,
  legacyAttestationTag,
  legacyImage,
  legacySignatureTag,
  simpleSigningPayload,
  SIMPLE_SIGNING,
  type Blob,
} from './layout';
import { BUNDLE_V03_MEDIA_TYPE, type SignedStatement, type StatementSigner } from './signer';
import { buildSignatureStatement, buildStatement, type Statement } from './statement';

/**
 * What signing needs from a registry. @deliverkit/oci's RegistryClient satisfies it as is; keeping the
 * port this narrow lets the benchmark count round trips and keeps this package off the HTTP details.
 */
export interface SignatureRegistry {
  getManifest(repository: string, reference: string): Promise<FetchedManifestLike>;
  getManifestIfExists(repository: string, reference: string): Promise<FetchedManifestLike | undefined>;
  putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<{ digest: string }>;
  pushBlob(repository: string, data: Buffer, mediaType?: string): Promise<Descriptor>;
  fetchBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes?: number,
  ): Promise<Buffer>;
  getReferrers(
    repository: string,
    digest: string,
    options?: { artifactType?: string },
  ): Promise<{ descriptors: Descriptor[]; via: 'api' | 'tag-schema' }>;
  /** Pushes a manifest with `subject` and lists it in the `sha256-<hex>` index where there is no referrers API. */
  pushReferrer(repository: string, bytes: Buffer, mediaType: string): Promise<Descriptor>;
}

export interface FetchedManifestLike {
  descriptor: Descriptor;
  bytes: Buffer;
  manifest: {
    mediaType?: string;
    manifests?: Descriptor[];
    layers?: Descriptor[];
    config?: Descriptor;
    annotations?: Record<string, string>;
  };
}

export interface ImageTarget {
  /** `registry` as in references (`ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export type SignatureFormat = 'bundle' | 'legacy' | 'both';

export interface AttestationInput {
  predicateType: string;
  predicate: unknown;
  /** Where it came from, for the report (e.g. `type=spdx,path=sbom.spdx.json`). */
  source?: string;
  /**
   * Attest one platform manifest of the index (`linux/arm64`) instead of the index: a platform's SBOM describes
   * that platform's filesystem, not the others'.
   */
  platform?: string;
}

export interface SignedManifest {
  digest: string;
  mediaType: string;
  platform?: string;
  /** Referrer manifest digests of the bundles stored for this manifest. */
  bundles: { referrerDigest: string; predicateType: string }[];
  legacySignatureTag?: string;
  legacyAttestationTag?: string;
}

export interface SignImageResult {
  /** `registry/repository` */
  name: string;
  /** The digest that was signed (a tag given as input is resolved once, up front). */
  digest: string;
  resolvedFromTag?: string;
  manifests: SignedManifest[];
  identity?: { subjectAlternativeName?: string; issuer?: string; publicKeyHint?: string };
  tlogEntries: number;
}

export interface SignImageOptions {
  registry: SignatureRegistry;
  image: ImageTarget;
  signer: StatementSigner;
  format?: SignatureFormat;
  recursive?: boolean;
  attestations?: AttestationInput[];
  /** Resolve and plan only: nothing is signed or pushed. */
  dryRun?: boolean;
  logger?: Logger;
}

/** Resolves a tag or checks a digest exists; every later step uses only the returned digest. */
export async function resolveImage(
  registry: SignatureRegistry,
  image: ImageTarget,
): Promise<{ digest: string; fetched: FetchedManifestLike }> {
  const reference = image.digest ?? image.tag ?? 'latest';
  let fetched: FetchedManifestLike | undefined;
  try {
    fetched = await registry.getManifestIfExists(image.repository, reference);
  } catch (e) {
    throw new SignError(
      'REGISTRY_FAILED',
      `could not read ${image.registry}/${image.repository}@${reference}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (!fetched) {
    throw new SignError(
      'IMAGE_NOT_FOUND',
      `${image.registry}/${image.repository}${image.digest ? '@' : ':'}${reference} does not exist`,
    );
  }
  if (image.digest && fetched.descriptor.digest !== image.digest) {
    throw new SignError(
      'REGISTRY_FAILED',
      `registry returned ${fetched.descriptor.digest} for ${image.digest}`,
    );
  }
  return { digest: fetched.descriptor.digest, fetched };
}

/** The manifests `recursive` covers: the index and each platform manifest (BuildKit attestation manifests excluded). */
export function signingTargets(
  top: FetchedManifestLike,
  recursive: boolean,
): { descriptor: Descriptor; platform?: string }[] {
  const targets: { descriptor: Descriptor; platform?: string }[] = [{ descriptor: top.descriptor }];
  if (!recursive || !top.manifest.manifests) return targets;
  for (const child of top.manifest.manifests) {
    if (child.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    const p = child.platform;
    targets.push({
      descriptor: child,
      platform: p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : undefined,
    });
  }
  return targets;
}

/**
 * Signs an image the way cosign does: one `cosign/sign/v1` bundle per manifest (the index and, with
 * `recursive`, every platform manifest) attached as an OCI referrer, and/or cosign ≤ 2.5's `.sig` layer;
 * then one bundle per attestation on the top-level digest.
 */
export async function signImage(options: SignImageOptions): Promise<SignImageResult> {
  const logger = options.logger ?? silentLogger;
  const { registry, image, signer } = options;
  const format = options.format ?? 'bundle';
  const name = `${image.registry}/${image.repository}`;
  const { digest, fetched } = await resolveImage(registry, image);
  logger.debug(`signImage: ${name}${image.digest ? '' : `:${image.tag ?? 'latest'}`} is ${digest}`);
  const targets = signingTargets(fetched, options.recursive ?? false);
  const result: SignImageResult = {
    name,
    digest,
    resolvedFromTag: image.digest ? undefined : (image.tag ?? 'latest'),
    manifests: targets.map((t) => ({
      digest: t.descriptor.digest,
      mediaType: t.descriptor.mediaType,
      platform: t.platform,
      bundles: [],
    })),
    tlogEntries: 0,
  };
  if (options.dryRun) return result;

  const note = (s: SignedStatement) => {
    result.tlogEntries += s.tlogEntries;
    result.identity ??= s.certificateIdentity;
  };
  for (const [i, target] of targets.entries()) {
    const out = result.manifests[i]!;
    const subject = { name, digest: target.descriptor.digest };
    if (format !== 'legacy') {
      const signed = await signer.sign(buildSignatureStatement(subject));
      note(signed);
      out.bundles.push(await attachBundle(registry, image.repository, target.descriptor, signed));
    }
    if (format !== 'bundle') {
      const payload = simpleSigningPayload(name, subject.digest);
      const annotations = await signer.signLegacyPayload(payload);
      out.legacySignatureTag = await appendLegacyLayer(
        registry,
        image.repository,
        legacySignatureTag(subject.digest),
        blob(SIMPLE_SIGNING, payload, annotations),
      );
    }
  }
  const top = result.manifests[0]!;
  const platformTargets = signingTargets(fetched, true).slice(1);
  // Every platform asked for must exist before anything is signed: no half-attested image.
  for (const att of options.attestations ?? []) {
    if (att.platform && !platformTargets.some((t) => t.platform === att.platform))
      throw new SignError(
        'PREDICATE_INVALID',
        `${att.source ?? att.predicateType}: ${name}@${digest} has no ${att.platform} manifest (it has ${platformTargets.map((t) => t.platform).join(', ') || 'no platforms: it is not an index'})`,
      );
  }
  for (const att of options.attestations ?? []) {
    const target = att.platform
      ? platformTargets.find((t) => t.platform === att.platform)!
      : { descriptor: fetched.descriptor, platform: undefined };
    const subjectDigest = target.descriptor.digest;
    const statement: Statement = buildStatement(
      { name, digest: subjectDigest },
      att.predicateType,
      att.predicate,
    );
    const signed = await signer.sign(statement);
    note(signed);
    let out = att.platform ? result.manifests.find((m) => m.digest === subjectDigest) : top;
    if (!out) {
      out = {
        digest: subjectDigest,
        mediaType: target.descriptor.mediaType,
        platform: target.platform,
        bundles: [],
      };
      result.manifests.push(out);
    }
    if (format !== 'legacy')
      out.bundles.push(await attachBundle(registry, image.repository, target.descriptor, signed));
    if (format !== 'bundle') {
      const layer = blob(
        DSSE_ENVELOPE,
        signed.legacyAttestation.envelope,
        signed.legacyAttestation.annotations,
      );
      out.legacyAttestationTag = await appendLegacyLayer(
        registry,
        image.repository,
        legacyAttestationTag(subjectDigest),
        layer,
      );
    }
  }
  return result;
}

/** Stores a signed statement as cosign v3 does: empty config, bundle layer, artifact manifest with subject. */
export async function attachBundle(
  registry: SignatureRegistry,
  repository: string,
  subject: Descriptor,
  signed: SignedStatement,
): Promise<{ referrerDigest: string; predicateType: string }> {
  const { manifest, layers, config } = bundleReferrerManifest(subject, signed.bytes, signed.predicateType);
  await registry.pushBlob(repository, config.bytes, config.descriptor.mediaType);
  for (const layer of layers) await registry.pushBlob(repository, layer.bytes, layer.descriptor.mediaType);
  const pushed = await registry.pushReferrer(repository, manifest.bytes, manifest.descriptor.mediaType);
  return { referrerDigest: pushed.digest, predicateType: signed.predicateType };
}

/**
 * Appends a layer to cosign ≤ 2.5's `.sig`/`.att` image under `tag`, as cosign does (existing signatures
 * are kept; an identical layer is not added twice). Read-modify-write: callers sign one digest at a time.
 */
export async function appendLegacyLayer(
  registry: SignatureRegistry,
  repository: string,
  tag: string,
  layer: Blob,
): Promise<string> {
  const existing = await registry.getManifestIfExists(repository, tag);
  const layers: Descriptor[] = [...(existing?.manifest.layers ?? [])];
  if (!layers.some((l) => l.digest === layer.descriptor.digest)) layers.push(layer.descriptor);
  await registry.pushBlob(repository, layer.bytes, layer.descriptor.mediaType);
  const image = legacyImage(layers);
  await registry.pushBlob(repository, image.config.bytes, image.config.descriptor.mediaType);
  await registry.putManifest(repository, tag, image.manifest.bytes, image.manifest.descriptor.mediaType);
  return tag;
}

/** Bundles stored as referrers of `digest` (referrers API, else the tag schema), with their bytes. */
export async function findBundles(
  registry: SignatureRegistry,
  repository: string,
  digest: string,
): Promise<{ referrerDigest: string; predicateType?: string; bundle: unknown }[]> {
  const { descriptors } = await registry.getReferrers(repository, digest, {
    artifactType: BUNDLE_V03_MEDIA_TYPE,
  });
  const found: { referrerDigest: string; predicateType?: string; bundle: unknown }[] = [];
  for (const d of descriptors) {
    const m = await registry.getManifest(repository, d.digest);
    const layer = m.manifest.layers?.find((l) => l.mediaType === BUNDLE_V03_MEDIA_TYPE);
    if (!layer) continue;
    const bytes = await registry.fetchBlob(repository, layer);
    let bundle: unknown;
    try {
      bundle = JSON.parse(bytes.toString('utf8'));
    } catch {
      bundle = undefined;
    }
    found.push({
      referrerDigest: d.digest,
      predicateType:
        m.manifest.annotations?.['dev.sigstore.bundle.predicateType'] ??
        d.annotations?.['dev.sigstore.bundle.predicateType'],
      bundle,
    });
  }
  return found;
}

/** The layers of one media type in a cosign ≤ 2.5 `.sig`/`.att` image under `tag`: bytes and annotations. */
async function legacyLayers(
  registry: SignatureRegistry,
  repository: string,
  tag: string,
  mediaType: string,
): Promise<{ bytes: Buffer; annotations: Record<string, string> }[]> {
  const m = await registry.getManifestIfExists(repository, tag);
  const out: { bytes: Buffer; annotations: Record<string, string> }[] = [];
  for (const layer of m?.manifest.layers ?? []) {
    if (layer.mediaType !== mediaType) continue;
    out.push({ bytes: await registry.fetchBlob(repository, layer), annotations: layer.annotations ?? {} });
  }
  return out;
}

/** cosign ≤ 2.5 signature layers under `sha256-<hex>.sig`: payload bytes and annotations. */
export async function findLegacySignatures(
  registry: SignatureRegistry,
  repository: string,
  digest: string,
): Promise<{ payload: Buffer; annotations: Record<string, string> }[]> {
  const layers = await legacyLayers(registry, repository, legacySignatureTag(digest), SIMPLE_SIGNING);
  return layers.map((l) => ({ payload: l.bytes, annotations: l.annotations }));
}

/** cosign ≤ 2.5 attestation layers under `sha256-<hex>.att`: DSSE envelope bytes and annotations. */
export async function findLegacyAttestations(
  registry: SignatureRegistry,
  repository: string,
  digest: string,
): Promise<{ envelope: Buffer; annotations: Record<string, string> }[]> {
  const layers = await legacyLayers(registry, repository, legacyAttestationTag(digest), DSSE_ENVELOPE);
  return layers.map((l) => ({ envelope: l.bytes, annotations: l.annotations }));
}
