import { sign as cryptoSign } from 'node:crypto';
import { ConfigurationError, getErrorMessage, type Logger, silentLogger } from '@deliverkit/action-kit';
import { pem, X509Certificate } from '@sigstore/core';
import {
  bundleToJSON,
  envelopeToJSON,
  type SerializedBundle,
  type TransparencyLogEntry,
} from '@sigstore/bundle';
import {
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type IdentityProvider,
  type Signer,
  type Witness,
} from '@sigstore/sign';
import { SignError } from './errors';
import {
  ANNOTATION_CERTIFICATE,
  ANNOTATION_CHAIN,
  ANNOTATION_RFC3161,
  ANNOTATION_SET_BUNDLE,
  ANNOTATION_SIGNATURE,
} from './layout';
import type { SigstoreInstance } from './instance';
import type { SigningKey } from './keys';
import { IN_TOTO_PAYLOAD_TYPE, type Statement } from './statement';

export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export type SigningIdentity =
  { kind: 'keyless'; identityProvider: IdentityProvider } | { kind: 'key'; key: SigningKey };

export interface StatementSignerOptions {
  identity: SigningIdentity;
  instance: SigstoreInstance;
  /** Attempts after the first for each Sigstore call (5xx, 408, 429, network errors). Default 2. */
  retries?: number;
  /** Per-request timeout for Sigstore services. Default 15 s. */
  timeoutMs?: number;
  logger?: Logger;
}

/** A signed statement, ready to store: the bundle JSON and who signed it. */
export interface SignedStatement {
  bundle: SerializedBundle;
  /** Canonical bytes stored in the registry (the bundle as JSON). */
  bytes: Buffer;
  predicateType: string;
  /** Keyless only: the Fulcio certificate's identity. */
  certificateIdentity?: { subjectAlternativeName?: string; issuer?: string };
  certificatePem?: string;
  /** The raw DSSE signature, for the legacy `.sig` annotation. */
  signature: Buffer;
  payload: Buffer;
  tlogEntries: number;
  timestamps: number;
  /** For cosign ≤ 2.5's `.att` tag: the DSSE envelope JSON and its layer annotations. */
  legacyAttestation: { envelope: Buffer; annotations: Record<string, string> };
}

/** Signs in-toto statements as DSSE bundles v0.3, the format `cosign sign` v3 writes. */
export class StatementSigner {
  private readonly builder: DSSEBundleBuilder;
  private readonly legacyBuilder: MessageSignatureBundleBuilder;
  private readonly logger: Logger;
  /** The last chain Fulcio returned (leaf first), for the legacy `chain` annotation. */
  private lastChain: string[] = [];

  constructor(private readonly options: StatementSignerOptions) {
    this.logger = options.logger ?? silentLogger;
    const fetchOptions = {
      retry: { retries: options.retries ?? 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
      timeout: options.timeoutMs ?? 15_000,
    };
    const { instance, identity } = options;
    let signer: Signer;
    if (identity.kind === 'keyless') {
      if (!instance.fulcioURL) {
        throw new ConfigurationError(
          'INVALID_CONFIGURATION',
          'keyless signing needs a Fulcio URL in `sigstore`',
        );
      }
      const fulcio = new FulcioSigner({
        fulcioBaseURL: instance.fulcioURL,
        identityProvider: identity.identityProvider,
        ...fetchOptions,
      });
      this.captureChain(fulcio);
      signer = fulcio;
    } else {
      signer = keySigner(identity.key);
    }
    const witnesses: Witness[] = [];
    if (instance.rekorURL) {
      witnesses.push(
        new RekorWitness({
          rekorBaseURL: instance.rekorURL,
          entryType: instance.rekorEntryType ?? 'dsse',
          fetchOnConflict: true,
          ...fetchOptions,
        }),
      );
    }
    if (instance.tsaURL) witnesses.push(new TSAWitness({ tsaBaseURL: instance.tsaURL, ...fetchOptions }));
    // certificateChain: false → bundle v0.3 with a single leaf certificate, as cosign v3 writes.
    this.builder = new DSSEBundleBuilder({ signer, witnesses, certificateChain: false });
    // Only for cosign ≤ 2.5's `.sig` layer, which needs a plain signature over the simple-signing payload
    // and a hashedrekord entry; the bundle it builds is taken apart into annotations, never stored.
    this.legacyBuilder = new MessageSignatureBundleBuilder({ signer, witnesses });
  }

  /**
   * FulcioSigner keeps only the leaf of the chain Fulcio returns; cosign's legacy `chain` annotation wants
   * the rest. The CA client is a private field of sigstore-js 4.1: when it is not there the chain is
   * simply omitted (cosign verifies against its trusted root either way).
   */
  private captureChain(fulcio: FulcioSigner): void {
    const ca = (
      fulcio as unknown as { ca?: { createSigningCertificate?: (...a: unknown[]) => Promise<string[]> } }
    ).ca;
    const original = ca?.createSigningCertificate?.bind(ca);
    if (!ca || !original) return;
    ca.createSigningCertificate = async (...args: unknown[]) => {
      const chain = await original(...args);
      this.lastChain = chain;
      return chain;
    };
  }

  /** Signs cosign ≤ 2.5's simple-signing payload; returns the `.sig` layer annotations. */
  async signLegacyPayload(payload: Buffer): Promise<Record<string, string>> {
    if (this.options.identity.kind === 'keyless') await this.options.identity.identityProvider.getToken();
    let bundle;
    try {
      bundle = await this.legacyBuilder.create({ data: payload });
    } catch (e) {
      throw this.translate(e);
    }
    if (bundle.content.$case !== 'messageSignature')
      throw new SignError('SIGNING_FAILED', 'expected a message signature');
    const annotations: Record<string, string> = {
      [ANNOTATION_SIGNATURE]: Buffer.from(bundle.content.messageSignature.signature).toString('base64'),
    };
    const vm = bundle.verificationMaterial;
    const leaf =
      vm.content.$case === 'x509CertificateChain'
        ? vm.content.x509CertificateChain.certificates[0]?.rawBytes
        : vm.content.$case === 'certificate'
          ? vm.content.certificate.rawBytes
          : undefined;
    if (leaf) {
      annotations[ANNOTATION_CERTIFICATE] = pem.fromDER(Buffer.from(leaf));
      const rest = this.lastChain.slice(1).map((c) => (c.endsWith('\n') ? c : `${c}\n`));
      if (rest.length) annotations[ANNOTATION_CHAIN] = rest.join('');
    }
    Object.assign(
      annotations,
      legacyWitnessAnnotations(vm.tlogEntries, vm.timestampVerificationData?.rfc3161Timestamps ?? []),
    );
    return annotations;
  }

  /** The leaf certificate chain (PEM, without the leaf) from the most recent Fulcio call. */
  get certificateChainPem(): string | undefined {
    const rest = this.lastChain.slice(1);
    return rest.length ? rest.map((c) => (c.endsWith('\n') ? c : `${c}\n`)).join('') : undefined;
  }

  async sign(statement: Statement): Promise<SignedStatement> {
    const payload = Buffer.from(JSON.stringify(statement), 'utf8');
    if (this.options.identity.kind === 'keyless') {
      // Ask for the token first so a missing `id-token: write` surfaces as itself, not wrapped by sigstore-js.
      await this.options.identity.identityProvider.getToken();
    }
    this.logger.debug(
      `StatementSigner.sign: ${statement.predicateType} for ${statement.subject[0]?.name ?? '?'}`,
    );
    let bundle;
    try {
      bundle = await this.builder.create({ data: payload, type: IN_TOTO_PAYLOAD_TYPE });
    } catch (e) {
      throw this.translate(e);
    }
    const content = bundle.verificationMaterial.content;
    // See keySigner: the hint goes into the verification material only, as cosign writes it.
    if (content.$case === 'publicKey' && this.options.identity.kind === 'key') {
      content.publicKey.hint = this.options.identity.key.hint;
    }
    const json = bundleToJSON(bundle);
    let certificatePem: string | undefined;
    let certificateIdentity: SignedStatement['certificateIdentity'];
    if (content.$case === 'certificate') {
      const der = Buffer.from(content.certificate.rawBytes);
      const cert = X509Certificate.parse(der);
      certificatePem = pem.fromDER(der);
      certificateIdentity = certificateIdentityOf(cert);
    }
    const sig = bundle.content.dsseEnvelope.signatures[0]?.sig ?? Buffer.alloc(0);
    const vm = bundle.verificationMaterial;
    const attAnnotations: Record<string, string> = {
      [ANNOTATION_SIGNATURE]: '',
      predicateType: statement.predicateType,
      ...(certificatePem ? { [ANNOTATION_CERTIFICATE]: certificatePem } : {}),
      ...(certificatePem && this.certificateChainPem ? { [ANNOTATION_CHAIN]: this.certificateChainPem } : {}),
      ...legacyWitnessAnnotations(vm.tlogEntries, vm.timestampVerificationData?.rfc3161Timestamps ?? []),
    };
    return {
      legacyAttestation: {
        envelope: Buffer.from(JSON.stringify(envelopeToJSON(bundle.content.dsseEnvelope))),
        annotations: attAnnotations,
      },
      bundle: json,
      bytes: Buffer.from(JSON.stringify(json), 'utf8'),
      predicateType: statement.predicateType,
      certificatePem,
      certificateIdentity,
      signature: Buffer.from(sig),
      payload,
      tlogEntries: bundle.verificationMaterial.tlogEntries.length,
      timestamps: bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0,
    };
  }

  private translate(e: unknown): Error {
    if (e instanceof ConfigurationError || e instanceof SignError) return e;
    const code = (e as { code?: string }).code;
    const cause = (e as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    const { instance } = this.options;
    switch (code) {
      case 'CA_CREATE_SIGNING_CERTIFICATE_ERROR':
        return new SignError(
          'CERTIFICATE_REQUEST_FAILED',
          `Fulcio at ${instance.fulcioURL} did not issue a signing certificate${detail}`,
          { cause: e },
        );
      case 'IDENTITY_TOKEN_READ_ERROR':
      case 'IDENTITY_TOKEN_PARSE_ERROR':
        // sigstore-js puts the raw token into the parse error's message: never pass it on.
        return new SignError('IDENTITY_TOKEN_FAILED', 'the OIDC identity token could not be read or parsed');
      case 'TLOG_CREATE_ENTRY_ERROR':
      case 'TLOG_FETCH_ENTRY_ERROR':
        return new SignError(
          'TLOG_FAILED',
          `Rekor at ${instance.rekorURL} did not record the signature${detail}`,
          {
            cause: e,
          },
        );
      case 'TSA_CREATE_TIMESTAMP_ERROR':
        return new SignError(
          'TIMESTAMP_FAILED',
          `the timestamp authority at ${instance.tsaURL} failed${detail}`,
          {
            cause: e,
          },
        );
      default:
        return new SignError('SIGNING_FAILED', getErrorMessage(e), { cause: e });
    }
  }
}

/**
 * A @sigstore/sign Signer over a local key: ECDSA P-256 / SHA-256, DER signature. The hint is left empty here:
 * @sigstore/bundle copies it into the DSSE signature's `keyid`, and cosign (go-securesystemslib) skips a signature
 * whose keyid is not its own SSH-style fingerprint of the key, so `cosign verify --key` finds no valid signature.
 * cosign writes an empty keyid and the hint only in the verification material; StatementSigner.sign does the same.
 */
export function keySigner(key: SigningKey): Signer {
  return {
    sign: async (data: Buffer) => ({
      signature: cryptoSign('sha256', data, key.privateKey),
      key: { $case: 'publicKey', publicKey: key.publicKeyPem, hint: '' },
    }),
  };
}

const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

export function certificateIdentityOf(cert: X509Certificate): {
  subjectAlternativeName?: string;
  issuer?: string;
} {
  let issuer: string | undefined;
  const v2 = cert.extension(OID_ISSUER_V2);
  if (v2) issuer = v2.valueObj.subs?.[0]?.value.toString('ascii');
  else issuer = cert.extension(OID_ISSUER_V1)?.value.toString('ascii');
  return { subjectAlternativeName: cert.subjectAltName, issuer };
}

/**
 * cosign's legacy `bundle` annotation (a Rekor SET: cosign's `RekorBundle` JSON) and RFC 3161 annotation,
 * from a bundle's witness material.
 */
export function legacyWitnessAnnotations(
  tlogEntries: TransparencyLogEntry[],
  timestamps: { signedTimestamp: Buffer }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const entry = tlogEntries[0];
  if (entry?.inclusionPromise) {
    out[ANNOTATION_SET_BUNDLE] = JSON.stringify({
      SignedEntryTimestamp: Buffer.from(entry.inclusionPromise.signedEntryTimestamp).toString('base64'),
      Payload: {
        body: Buffer.from(entry.canonicalizedBody).toString('base64'),
        integratedTime: Number(entry.integratedTime),
        logIndex: Number(entry.logIndex),
        logID: Buffer.from(entry.logId?.keyId ?? Buffer.alloc(0)).toString('hex'),
      },
    });
  }
  const ts = timestamps[0];
  if (ts) {
    out[ANNOTATION_RFC3161] = JSON.stringify({
      SignedRFC3161Timestamp: Buffer.from(ts.signedTimestamp).toString('base64'),
    });
  }
  return out;
}
