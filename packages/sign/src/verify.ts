import { createPublicKey, type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  toSignedEntity,
  toTrustMaterial,
  Verifier,
  type SignedEntity,
  type TrustMaterial,
} from '@sigstore/verify';
import { certificateIdentityOf, BUNDLE_V03_MEDIA_TYPE } from './signer';
import { VerifyError, type VerifyErrorCode } from './errors';
import { IN_TOTO_PAYLOAD_TYPE, type Statement } from './statement';
import { loadPublicKey } from './keys';
import { checkCertificatePolicy, validateCertificatePolicy, type CertificatePolicy } from './policy';

/** Who may have signed: a Fulcio certificate's issuer, identity and GitHub claims, or a public key. */
export type IdentityPolicy = CertificatePolicy | { kind: 'key'; publicKeyPem: string };

export interface VerifyOptions {
  policy: IdentityPolicy;
  /** trusted_root.json contents (Sigstore TrustedRoot). Optional for key-based policies with no witnesses. */
  trustedRoot?: unknown;
  /** Minimum transparency-log entries. Default: 1 for certificates, 0 for keys. */
  tlogThreshold?: number;
  /** Minimum SCTs in the certificate. Default 1. */
  ctlogThreshold?: number;
  /** Minimum verified timestamps (tlog integrated time or RFC 3161). Default: 1 for certificates, 0 for keys. */
  timestampThreshold?: number;
  /** `cosign verify --insecure-ignore-tlog`: tlog entries are neither required nor checked. */
  ignoreTlog?: boolean;
}

export interface VerifiedStatement {
  statement: Statement;
  predicateType: string;
  signer: { subjectAlternativeName?: string; issuer?: string; publicKeyHint?: string };
  tlogEntries: number;
  timestamps: number;
}

/**
 * Verifies one Sigstore bundle the way `cosign verify` v3 does for an image: bundle ≥ v0.3 with a DSSE
 * envelope, signature and key material against the trusted root and thresholds, the signer against the
 * identity policy, and an in-toto statement whose subject includes `digest`.
 */
export function verifyBundle(bundleJSON: unknown, digest: string, options: VerifyOptions): VerifiedStatement {
  return verifyDsseBundle(parseBundle(bundleJSON), digest, options);
}

/** verifyBundle for a bundle already parsed (or assembled from cosign ≤ 2.5's `.att` layer). */
export function verifyDsseBundle(bundle: Bundle, digest: string, options: VerifyOptions): VerifiedStatement {
  const isKeyPolicy = options.policy.kind === 'key';
  const verifier = verifierFor(options);

  const keyCase = bundle.verificationMaterial.content.$case;
  if (isKeyPolicy && keyCase !== 'publicKey') {
    throw new VerifyError(
      'PUBLIC_KEY_MISMATCH',
      'the bundle is signed with a certificate, but a public key was required',
    );
  }
  if (!isKeyPolicy && keyCase === 'publicKey') {
    throw new VerifyError(
      'IDENTITY_MISMATCH',
      'the bundle is signed with a key, but a certificate identity was required',
    );
  }

  const entity = signedEntity(bundle, options);
  let signer;
  try {
    signer = verifier.verify(entity);
  } catch (e) {
    throw translateVerificationError(e);
  }
  if (options.policy.kind === 'certificate') {
    validateCertificatePolicy(options.policy);
    checkCertificatePolicy(options.policy, leafCertificate(bundle));
  }

  const statement = parseStatement(bundle);
  const [algorithm, hex] = digest.split(':');
  if (!statement.subject.some((s) => algorithm && s.digest?.[algorithm] === hex)) {
    const got = statement.subject
      .map((s) => Object.entries(s.digest ?? {}).map(([a, h]) => `${a}:${h}`))
      .flat();
    throw new VerifyError(
      'SUBJECT_MISMATCH',
      `the signed statement is for ${got.join(', ') || 'no digest'}, not ${digest}`,
    );
  }
  return {
    statement,
    predicateType: statement.predicateType,
    signer: {
      subjectAlternativeName: signer.identity?.subjectAlternativeName,
      issuer: signer.identity?.extensions?.issuer,
      publicKeyHint: keyCase === 'publicKey' ? bundle.verificationMaterial.content.publicKey.hint : undefined,
    },
    tlogEntries: entity.tlogEntries.length,
    timestamps: entity.timestamps.length,
  };
}

export function parseBundle(json: unknown): Bundle {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (e) {
    throw new VerifyError('BUNDLE_INVALID', `not a valid Sigstore bundle: ${(e as Error).message}`, {
      cause: e,
    });
  }
  // cosign v3 refuses v0.1/v0.2 bundles for images; so do we.
  if (
    bundle.mediaType !== BUNDLE_V03_MEDIA_TYPE &&
    !bundle.mediaType.startsWith('application/vnd.dev.sigstore.bundle+json;version=0.')
  ) {
    throw new VerifyError('BUNDLE_INVALID', `bundle media type ${bundle.mediaType} is older than v0.3`);
  }
  if (bundle.mediaType.endsWith('version=0.1') || bundle.mediaType.endsWith('version=0.2')) {
    throw new VerifyError('BUNDLE_INVALID', `bundle media type ${bundle.mediaType} is older than v0.3`);
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new VerifyError('BUNDLE_INVALID', 'the bundle holds a message signature, not a DSSE envelope');
  }
  return bundle;
}

function parseStatement(bundle: Bundle): Statement {
  if (bundle.content.$case !== 'dsseEnvelope') throw new VerifyError('BUNDLE_INVALID', 'no DSSE envelope');
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new VerifyError(
      'BUNDLE_INVALID',
      `DSSE payload type is ${env.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`,
    );
  }
  let statement: Statement;
  try {
    statement = JSON.parse(Buffer.from(env.payload).toString('utf8')) as Statement;
  } catch (e) {
    throw new VerifyError('BUNDLE_INVALID', 'the DSSE payload is not JSON', { cause: e });
  }
  if (!statement || !Array.isArray(statement.subject) || typeof statement.predicateType !== 'string') {
    throw new VerifyError('BUNDLE_INVALID', 'the DSSE payload is not an in-toto statement');
  }
  return statement;
}

/**
 * A Verifier over the trust material and thresholds of `options`, with cosign's defaults: a key needs no log entry
 * or timestamp, a certificate one of each; `ignoreTlog` requires no log entry.
 */
export function verifierFor(options: VerifyOptions): Verifier {
  const isKey = options.policy.kind === 'key';
  return new Verifier(trustMaterialFor(options), {
    tlogThreshold: options.ignoreTlog ? 0 : (options.tlogThreshold ?? (isKey ? 0 : 1)),
    ctlogThreshold: options.ctlogThreshold ?? 1,
    timestampThreshold: options.timestampThreshold ?? (isKey ? 0 : 1),
  });
}

/**
 * What a Verifier checks of a bundle (`data`: the signed bytes of a message signature). With `ignoreTlog`
 * (`cosign verify --insecure-ignore-tlog`) the log entries and the timestamps they give are dropped, not checked.
 */
export function signedEntity(
  bundle: Bundle,
  options: Pick<VerifyOptions, 'ignoreTlog'>,
  data?: Buffer,
): SignedEntity {
  const entity = toSignedEntity(bundle, data);
  if (!options.ignoreTlog) return entity;
  return {
    ...entity,
    tlogEntries: [],
    timestamps: entity.timestamps.filter((t) => t.$case !== 'transparency-log'),
  };
}

export function trustMaterialFor(options: Pick<VerifyOptions, 'trustedRoot' | 'policy'>): TrustMaterial {
  const root = TrustedRoot.fromJSON(
    options.trustedRoot ?? { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' },
  );
  const policy = options.policy;
  if (policy.kind !== 'key') return toTrustMaterial(root);
  // Like `cosign verify --key`: the given key is the key, whatever hint the bundle carries.
  const key: KeyObject = loadPublicKey(policy.publicKeyPem);
  return toTrustMaterial(root, () => ({
    publicKey: createPublicKey(key.export({ format: 'pem', type: 'spki' })),
    validFor: () => true,
  }));
}

/** The signing certificate of a bundle (v0.3: `certificate`; older: the first of `x509CertificateChain`). */
function leafCertificate(bundle: Bundle): Buffer {
  const content = bundle.verificationMaterial.content;
  if (content.$case === 'certificate') return Buffer.from(content.certificate.rawBytes);
  if (content.$case === 'x509CertificateChain' && content.x509CertificateChain.certificates[0]) {
    return Buffer.from(content.x509CertificateChain.certificates[0].rawBytes);
  }
  throw new VerifyError('CERTIFICATE_INVALID', 'the bundle carries no signing certificate');
}

function translateVerificationError(e: unknown): VerifyError {
  const code = (e as { code?: string }).code ?? '';
  const message = (e as Error).message ?? String(e);
  const map: Record<string, VerifyErrorCode> = {
    SIGNATURE_ERROR: 'SIGNATURE_INVALID',
    CERTIFICATE_ERROR: 'CERTIFICATE_INVALID',
    TLOG_ERROR: 'TLOG_INVALID',
    TLOG_BODY_ERROR: 'TLOG_INVALID',
    TLOG_INCLUSION_PROOF_ERROR: 'TLOG_INVALID',
    TLOG_INCLUSION_PROMISE_ERROR: 'TLOG_INVALID',
    TLOG_MISSING_INCLUSION_ERROR: 'TLOG_INVALID',
    TIMESTAMP_ERROR: 'TIMESTAMP_INVALID',
    PUBLIC_KEY_ERROR: 'PUBLIC_KEY_MISMATCH',
    UNTRUSTED_SIGNER_ERROR: 'IDENTITY_MISMATCH',
  };
  return new VerifyError(map[code] ?? 'SIGNATURE_INVALID', `verification failed: ${message}`, { cause: e });
}

export { certificateIdentityOf };
