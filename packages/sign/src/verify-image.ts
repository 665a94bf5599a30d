import { createHash } from 'node:crypto';
import type { Bundle, TransparencyLogEntry } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { VerifyError } from './errors';
import {
  ANNOTATION_CERTIFICATE,
  ANNOTATION_RFC3161,
  ANNOTATION_SET_BUNDLE,
  ANNOTATION_SIGNATURE,
} from './layout';
import {
  findBundles,
  findLegacyAttestations,
  findLegacySignatures,
  resolveImage,
  signingTargets,
  type ImageTarget,
  type SignatureRegistry,
} from './store';
import { signedEntity, verifierFor, verifyBundle, verifyDsseBundle, type VerifyOptions } from './verify';
import { COSIGN_SIGN_PREDICATE } from './statement';
import { checkCertificatePolicy, validateCertificatePolicy } from './policy';

export interface VerifyImageOptions extends VerifyOptions {
  registry: SignatureRegistry;
  image: ImageTarget;
  /** Also require a valid signature on every platform manifest of an index. */
  recursive?: boolean;
  /** Attestations that must be present and valid on the top-level digest. */
  requirePredicateTypes?: string[];
  /**
   * SLSA provenance v1 counts only when its builder is a workflow of this repository (owner/name): the build
   * ran in the caller's repository, not elsewhere with the result handed to its signing job.
   */
  provenanceBuilderRepository?: string;
}

const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

/** Why a SLSA provenance statement's builder is not a workflow of `repository`, or undefined when it is. */
export function provenanceBuilderProblem(predicate: unknown, repository: string): string | undefined {
  const id = (predicate as { runDetails?: { builder?: { id?: unknown } } } | undefined)?.runDetails?.builder
    ?.id;
  if (typeof id !== 'string') return 'the provenance names no builder (runDetails.builder.id)';
  const escaped = repository.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  // <server>/<owner>/<name>/.github/workflows/<file>@<ref>: the caller's workflow that ran the build.
  if (!new RegExp(`^https?://[^/]+/${escaped}/\\.github/workflows/[^@/]+@.+$`, 'i').test(id))
    return `the provenance's builder is ${id}, not a workflow of ${repository}`;
  return undefined;
}

export interface VerifiedSignature {
  source: 'bundle' | 'legacy';
  predicateType: string;
  referrerDigest?: string;
  /** The platform manifest the attestation is about, when it is not the top-level digest. */
  platform?: string;
  signer: { subjectAlternativeName?: string; issuer?: string; publicKeyHint?: string };
}

export interface VerifyImageResult {
  name: string;
  digest: string;
  manifests: { digest: string; platform?: string; signatures: VerifiedSignature[] }[];
  /**
   * Valid bundles whose predicate is not the plain signature one: on the top-level digest, and (when a required
   * type is not there) on the platform manifests of an index, with their `platform`.
   */
  attestations: VerifiedSignature[];
  /** Bundles that were found but did not verify, with the reason (kept for the report). */
  rejected: { digest: string; referrerDigest?: string; reason: string; code: string }[];
}

/** A bundle or legacy layer that did not verify, as the report keeps it: where, what, and the error's code. */
function rejection(
  digest: string,
  e: unknown,
  referrerDigest?: string,
  prefix = '',
): VerifyImageResult['rejected'][number] {
  return {
    digest,
    ...(referrerDigest ? { referrerDigest } : {}),
    reason: `${prefix}${(e as Error).message}`,
    code: (e as { code?: string }).code ?? 'UNKNOWN',
  };
}

/**
 * `cosign verify` for one image: bundles found by the referrers API or tag schema must verify against
 * the trusted root and policy and name this digest; with no bundles at all, cosign ≤ 2.5 `.sig` layers
 * are checked instead. Like cosign v3, any valid bundle counts as a signature, whatever its predicate.
 */
export async function verifyImage(options: VerifyImageOptions): Promise<VerifyImageResult> {
  const { registry, image } = options;
  const name = `${image.registry}/${image.repository}`;
  const { digest, fetched } = await resolveImage(registry, image);
  const targets = signingTargets(fetched, options.recursive ?? false);
  const result: VerifyImageResult = { name, digest, manifests: [], attestations: [], rejected: [] };

  for (const [i, target] of targets.entries()) {
    const d = target.descriptor.digest;
    const signatures: VerifiedSignature[] = [];
    const bundles = await findBundles(registry, image.repository, d);
    for (const found of bundles) {
      try {
        const v = verifyBundle(found.bundle, d, options);
        const sig: VerifiedSignature = {
          source: 'bundle',
          predicateType: v.predicateType,
          referrerDigest: found.referrerDigest,
          signer: v.signer,
        };
        const builderProblem =
          v.predicateType === SLSA_PROVENANCE_V1 && options.provenanceBuilderRepository
            ? provenanceBuilderProblem(v.statement.predicate, options.provenanceBuilderRepository)
            : undefined;
        if (builderProblem) {
          result.rejected.push({
            digest: d,
            referrerDigest: found.referrerDigest,
            reason: builderProblem,
            code: 'PROVENANCE_MISMATCH',
          });
          continue;
        }
        signatures.push(sig);
        if (i === 0 && v.predicateType !== COSIGN_SIGN_PREDICATE) result.attestations.push(sig);
      } catch (e) {
        result.rejected.push(rejection(d, e, found.referrerDigest));
      }
    }
    if (bundles.length === 0) {
      for (const legacy of await findLegacySignatures(registry, image.repository, d)) {
        try {
          const signer = verifyLegacySignature(legacy.payload, legacy.annotations, d, options);
          signatures.push({ source: 'legacy', predicateType: 'cosign container image signature', signer });
        } catch (e) {
          result.rejected.push(rejection(d, e));
        }
      }
    }
    // cosign ≤ 2.5 (and cosign v3 with --new-bundle-format=false) keeps attestations under `sha256-<hex>.att`;
    // like signatures, they are read only when the digest has no bundle at all.
    if (i === 0 && bundles.length === 0) {
      for (const legacy of await findLegacyAttestations(registry, image.repository, d)) {
        try {
          const v = verifyDsseBundle(
            legacyAttestationBundle(legacy.envelope, legacy.annotations),
            d,
            options,
          );
          result.attestations.push({ source: 'legacy', predicateType: v.predicateType, signer: v.signer });
        } catch (e) {
          result.rejected.push(rejection(d, e, undefined, 'legacy attestation: '));
        }
      }
    }
    result.manifests.push({ digest: d, platform: target.platform, signatures });
    if (signatures.length === 0) {
      const why = result.rejected.filter((r) => r.digest === d);
      const detail = why.length ? `; ${why.length} rejected: ${why.map((r) => r.reason).join(' | ')}` : '';
      throw Object.assign(
        new VerifyError(
          why.length ? (why[0]!.code as never) : 'NO_SIGNATURES',
          `no valid signature for ${name}@${d}${target.platform ? ` (${target.platform})` : ''}${detail}`,
        ),
        { result },
      );
    }
  }
  const required = (options.requirePredicateTypes ?? []).filter((t) => t !== COSIGN_SIGN_PREDICATE);
  const onTop = (type: string) => result.attestations.some((a) => a.predicateType === type && !a.platform);
  // Per-platform attestations (each platform's SBOM on its own manifest, as supply-chain.yml attests them):
  // a type missing on the index is satisfied only when every platform manifest has a valid one.
  const platforms = signingTargets(fetched, true).slice(1);
  if (required.some((t) => !onTop(t)) && platforms.length > 0) {
    for (const child of platforms) {
      const d = child.descriptor.digest;
      const seen = result.manifests.find((m) => m.digest === d);
      if (seen) {
        for (const sig of seen.signatures)
          if (sig.predicateType !== COSIGN_SIGN_PREDICATE)
            result.attestations.push({ ...sig, platform: child.platform ?? d });
        continue;
      }
      for (const found of await findBundles(registry, image.repository, d)) {
        try {
          const v = verifyBundle(found.bundle, d, options);
          if (v.predicateType === COSIGN_SIGN_PREDICATE) continue;
          result.attestations.push({
            source: 'bundle',
            predicateType: v.predicateType,
            referrerDigest: found.referrerDigest,
            signer: v.signer,
            platform: child.platform ?? d,
          });
        } catch (e) {
          result.rejected.push(rejection(d, e, found.referrerDigest));
        }
      }
    }
  }
  for (const type of required) {
    if (onTop(type)) continue;
    const without = platforms
      .map((c) => c.platform ?? c.descriptor.digest)
      .filter((p) => !result.attestations.some((a) => a.predicateType === type && a.platform === p));
    if (platforms.length > 0 && without.length === 0) continue;
    const refused = result.rejected.filter(
      (r) => r.code === 'PROVENANCE_MISMATCH' && type === SLSA_PROVENANCE_V1,
    );
    const detail =
      (platforms.length > 0 ? ` (neither on the index nor on ${without.join(', ')})` : '') +
      (refused.length ? `; refused: ${refused.map((r) => r.reason).join(' | ')}` : '');
    throw Object.assign(
      new VerifyError('MISSING_ATTESTATION', `no valid ${type} attestation for ${name}@${digest}${detail}`),
      { result },
    );
  }
  return result;
}

/**
 * A cosign ≤ 2.5 `.sig` layer: simple-signing payload for this digest, signature by the key or by the
 * annotated certificate (chained to the trusted root, SET checked against the Rekor key).
 */
export function verifyLegacySignature(
  payload: Buffer,
  annotations: Record<string, string>,
  digest: string,
  options: VerifyOptions,
): VerifiedSignature['signer'] {
  let doc: { critical?: { image?: { 'docker-manifest-digest'?: string } } };
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new VerifyError('BUNDLE_INVALID', 'legacy signature payload is not JSON');
  }
  const signed = doc.critical?.image?.['docker-manifest-digest'];
  if (signed !== digest)
    throw new VerifyError(
      'SUBJECT_MISMATCH',
      `legacy signature is for ${signed ?? 'nothing'}, not ${digest}`,
    );
  const signature = Buffer.from(annotations[ANNOTATION_SIGNATURE] ?? '', 'base64');
  const certPem = annotations[ANNOTATION_CERTIFICATE];
  const isKey = options.policy.kind === 'key';
  if (isKey === Boolean(certPem)) {
    throw new VerifyError(
      isKey ? 'PUBLIC_KEY_MISMATCH' : 'IDENTITY_MISMATCH',
      `legacy signature is ${certPem ? 'certificate' : 'key'}-based`,
    );
  }
  const bundle: Bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: legacyVerificationMaterial(annotations),
    content: {
      $case: 'messageSignature',
      messageSignature: {
        messageDigest: {
          algorithm: HashAlgorithm.SHA2_256,
          digest: createHash('sha256').update(payload).digest(),
        },
        signature,
      },
    },
  };
  const verifier = verifierFor(options);
  const entity = signedEntity(bundle, options, payload);
  let signer;
  try {
    signer = verifier.verify(entity);
  } catch (e) {
    throw new VerifyError('SIGNATURE_INVALID', `legacy signature: ${(e as Error).message}`, { cause: e });
  }
  if (options.policy.kind === 'certificate') {
    validateCertificatePolicy(options.policy);
    checkCertificatePolicy(options.policy, pemToDer(certPem!));
    return {
      subjectAlternativeName: signer.identity?.subjectAlternativeName,
      issuer: signer.identity?.extensions?.issuer,
    };
  }
  return {};
}

/**
 * What the annotations of a cosign ≤ 2.5 `.sig`/`.att` layer hold, as a bundle's verification material: the
 * certificate (or nothing, for a key), the Rekor SET as a tlog entry with an inclusion promise, the RFC 3161 timestamp.
 */
function legacyVerificationMaterial(annotations: Record<string, string>): Bundle['verificationMaterial'] {
  const certPem = annotations[ANNOTATION_CERTIFICATE];
  const tsa = annotations[ANNOTATION_RFC3161];
  const rfc3161Timestamps = tsa
    ? [
        {
          signedTimestamp: Buffer.from(
            (JSON.parse(tsa) as { SignedRFC3161Timestamp: string }).SignedRFC3161Timestamp,
            'base64',
          ),
        },
      ]
    : [];
  return {
    content: certPem
      ? { $case: 'certificate', certificate: { rawBytes: pemToDer(certPem) } }
      : { $case: 'publicKey', publicKey: { hint: '' } },
    tlogEntries: legacyTlogEntries(annotations[ANNOTATION_SET_BUNDLE]),
    timestampVerificationData: { rfc3161Timestamps },
  };
}

/** A cosign ≤ 2.5 `.att` layer (a DSSE envelope and its annotations) as the bundle it would be in v3's format. */
export function legacyAttestationBundle(envelopeBytes: Buffer, annotations: Record<string, string>): Bundle {
  let envelope: { payload?: string; payloadType?: string; signatures?: { sig?: string; keyid?: string }[] };
  try {
    envelope = JSON.parse(envelopeBytes.toString('utf8')) as typeof envelope;
  } catch {
    throw new VerifyError('BUNDLE_INVALID', 'legacy attestation layer is not a DSSE envelope (not JSON)');
  }
  if (
    typeof envelope.payload !== 'string' ||
    typeof envelope.payloadType !== 'string' ||
    !envelope.signatures
  ) {
    throw new VerifyError('BUNDLE_INVALID', 'legacy attestation layer is not a DSSE envelope');
  }
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: legacyVerificationMaterial(annotations),
    content: {
      $case: 'dsseEnvelope',
      dsseEnvelope: {
        payload: Buffer.from(envelope.payload, 'base64'),
        payloadType: envelope.payloadType,
        signatures: envelope.signatures.map((s) => ({
          sig: Buffer.from(s.sig ?? '', 'base64'),
          keyid: s.keyid ?? '',
        })),
      },
    },
  };
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** cosign's RekorBundle annotation → a bundle tlog entry with an inclusion promise. */
function legacyTlogEntries(annotation: string | undefined): TransparencyLogEntry[] {
  if (!annotation) return [];
  const set = JSON.parse(annotation) as {
    SignedEntryTimestamp: string;
    Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
  };
  const body = Buffer.from(set.Payload.body, 'base64');
  const parsed = JSON.parse(body.toString('utf8')) as { kind: string; apiVersion: string };
  return [
    {
      logIndex: String(set.Payload.logIndex),
      logId: { keyId: Buffer.from(set.Payload.logID, 'hex') },
      kindVersion: { kind: parsed.kind, version: parsed.apiVersion },
      integratedTime: String(set.Payload.integratedTime),
      inclusionPromise: { signedEntryTimestamp: Buffer.from(set.SignedEntryTimestamp, 'base64') },
      inclusionProof: undefined,
      canonicalizedBody: body,
    },
  ];
}
