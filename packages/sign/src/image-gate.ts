import { readFileSync } from 'node:fs';
import { ConfigurationError, InputError, type Logger, silentLogger } from '@deliverkit/action-kit';
import type { AttestationSpec } from './attestation-spec';
import { cosignVerifyCommands } from './commands';
import { SignError, VerifyError } from './errors';
import { githubIdentityProvider } from './identity';
import type { SigstoreInstance } from './instance';
import { loadSigningKey } from './keys';
import type { CertificatePolicy } from './policy';
import { StatementSigner } from './signer';
import { parsePredicate } from './statement';
import {
  type AttestationInput,
  type ImageTarget,
  type SignatureFormat,
  type SignatureRegistry,
  type SignedManifest,
  signImage,
  type SignImageResult,
} from './store';
import { loadTrustedRoot, type TrustSource } from './trust';
import { verifyImage, type VerifyImageResult } from './verify-image';

/** The caller's names for what the user gave, so that an error says which input to fix. */
export interface SignInputNames {
  image: string;
  key: string;
  keyPassword: string;
  attestations: string;
  sigstore: string;
}

const DEFAULT_NAMES: SignInputNames = {
  image: 'image',
  key: 'key',
  keyPassword: 'key-password',
  attestations: 'attestations',
  sigstore: 'sigstore',
};

/** Sign (and attest) one image: who signs, with which instance, what is attached, and the user's input names. */
export interface SignRequest {
  registry: SignatureRegistry;
  image: ImageTarget;
  /** keyless: GitHub OIDC (the caller's `getIDToken` and secret masking); key: PEM text and its password. */
  identity:
    | {
        kind: 'keyless';
        getIDToken: (audience: string) => Promise<string>;
        onSecret: (secret: string) => void;
        /** The runner lets this job request an OIDC token (`permissions: id-token: write`). */
        canRequestToken: boolean;
      }
    | { kind: 'key'; pem: string; password: string | undefined };
  /** `chosenBy` says why an automatic choice fell on this instance (for the error when it refuses). */
  instance: SigstoreInstance & { chosenBy?: string };
  format: SignatureFormat;
  recursive: boolean;
  /** Predicate files to read and attach; read here so a bad file is refused before anything is signed. */
  attestations: AttestationSpec[];
  dryRun: boolean;
  logger?: Logger;
  inputNames?: Partial<SignInputNames>;
}

export interface SignReport extends SignImageResult {
  /** The `cosign verify` / `verify-attestation` lines that check what was written. */
  verifyCommands: string[];
  /** What was signed, as the image record's `signatures` section keeps it (undefined fields drop out in JSON). */
  record: {
    format: SignatureFormat;
    dryRun: boolean;
    identity: SignImageResult['identity'];
    manifests: SignedManifest[];
  };
}

/** Signs an image as cosign v3 would and says how to verify it; user mistakes come back naming the input. */
export async function signAndAttest(request: SignRequest): Promise<SignReport> {
  const names = { ...DEFAULT_NAMES, ...request.inputNames };
  const logger = request.logger ?? silentLogger;
  try {
    const { identity } = request;
    const signer = new StatementSigner({
      identity:
        identity.kind === 'keyless'
          ? { kind: 'keyless', identityProvider: githubIdentityProvider(identity) }
          : { kind: 'key', key: await loadSigningKey(identity.pem, identity.password) },
      instance: request.instance,
      logger,
    });
    const attestations = request.attestations.map((a) => readAttestation(a, names.attestations));
    const result = await signImage({ ...request, signer, attestations, logger });
    const keyBased = identity.kind === 'key';
    const custom = request.instance.name === 'github' || request.instance.name === 'custom';
    const verifyCommands = cosignVerifyCommands({
      image: `${result.name}@${result.digest}`,
      identity: result.identity,
      publicKeyPath: keyBased ? 'cosign.pub' : undefined,
      noTlog: result.tlogEntries === 0,
      trustedRootPath: custom ? 'trusted_root.json' : undefined,
      predicateTypes: attestations.map((a) => a.predicateType),
    });
    return {
      ...result,
      verifyCommands,
      record: {
        format: request.format,
        dryRun: request.dryRun,
        identity: result.identity,
        manifests: result.manifests,
      },
    };
  } catch (e) {
    throw userFacing(e, request.instance, names);
  }
}

function readAttestation(spec: AttestationSpec, input: string): AttestationInput {
  let text: string;
  try {
    text = readFileSync(spec.path, 'utf8');
  } catch (e) {
    throw new InputError(input, `Cannot read ${spec.path} (from "${spec.source}"): ${(e as Error).message}`);
  }
  return {
    ...parsePredicate(spec.type, text, spec.predicateType),
    source: spec.source,
    platform: spec.platform,
  };
}

/** Check one image against a policy: the gate before a deploy. */
export interface VerifyRequest {
  registry: SignatureRegistry;
  image: ImageTarget;
  recursive: boolean;
  policy: { kind: 'key'; publicKeyPem: string } | CertificatePolicy;
  trust: TrustSource;
  /** The user named a trust source: load it even for a key policy (to check the log entries they asked for). */
  trustGiven: boolean;
  requirePredicateTypes: string[];
  logger?: Logger;
  /** The caller's name for the TUF offline fallback switch, for the warning when it was used. */
  offlineFallbackInput?: string;
  inputNames?: Partial<SignInputNames>;
}

export interface VerifyReport extends VerifyImageResult {
  /** Each signer once: the certificate SAN, else the key hint. */
  signers: string[];
  /** Where the trusted root came from, when one was loaded. */
  trustSource?: string;
  /** What was verified, as the image record's `verification` section keeps it (undefined fields drop out in JSON). */
  record: {
    verified: true;
    signers: string[];
    attestations: string[];
    manifests: { digest: string; platform?: string; predicateTypes: string[] }[];
    rejected: number;
  };
}

/** Verifies an image; a failed check is a ConfigurationError (the deploy is blocked), with the VerifyError as cause. */
export async function verifyImageGate(request: VerifyRequest): Promise<VerifyReport> {
  const logger = request.logger ?? silentLogger;
  const { policy } = request;
  try {
    // A key policy needs a trusted root only to check log entries and timestamps the user asked for.
    const trust =
      policy.kind === 'key' && !request.trustGiven ? undefined : await loadTrustedRoot(request.trust, logger);
    if (trust?.offline) {
      logger.warning(
        `Verifying with a trusted root that was not updated (${trust.source}): the TUF mirror could not be reached and ${request.offlineFallbackInput ?? 'tuf-offline-fallback'} is on`,
      );
    }
    const result = await verifyImage({
      registry: request.registry,
      image: request.image,
      recursive: request.recursive,
      policy,
      requirePredicateTypes: request.requirePredicateTypes,
      trustedRoot: trust?.trustedRoot,
      // The provenance must come from a build in the repository the signature is bound to.
      provenanceBuilderRepository: policy.kind === 'key' ? undefined : policy.claims?.sourceRepository,
    });
    const signers = [
      ...new Set(result.manifests.flatMap((m) => m.signatures.map((x) => signerName(x.signer)))),
    ];
    const predicateTypes = (sigs: { predicateType: string }[]) => [
      ...new Set(sigs.map((x) => x.predicateType)),
    ];
    const record: VerifyReport['record'] = {
      verified: true,
      signers,
      attestations: predicateTypes(result.attestations),
      manifests: result.manifests.map((m) => ({
        digest: m.digest,
        platform: m.platform,
        predicateTypes: predicateTypes(m.signatures),
      })),
      rejected: result.rejected.length,
    };
    return { ...result, signers, trustSource: trust?.source, record };
  } catch (e) {
    if (e instanceof VerifyError)
      throw new ConfigurationError('INVALID_CONFIGURATION', `Verification failed (${e.code}): ${e.message}`, {
        cause: e,
      });
    throw userFacing(e, undefined, { ...DEFAULT_NAMES, ...request.inputNames });
  }
}

/** How a signer is shown: the certificate's SAN, else the key's hint. */
export function signerName(signer: { subjectAlternativeName?: string; publicKeyHint?: string }): string {
  return signer.subjectAlternativeName ?? signer.publicKeyHint ?? 'key';
}

/** Domain failures are the user's to act on, not internal errors: give them the input they concern. */
function userFacing(
  e: unknown,
  instance: (SigstoreInstance & { chosenBy?: string }) | undefined,
  names: SignInputNames,
): unknown {
  if (!(e instanceof SignError)) return e;
  const witnessFailed = ['CERTIFICATE_REQUEST_FAILED', 'TIMESTAMP_FAILED', 'TLOG_FAILED'];
  if (witnessFailed.includes(e.code) && instance?.name === 'github' && instance.chosenBy) {
    // Never fall back to the public log on our own: that would publish a private repository's names.
    return new ConfigurationError(
      'INVALID_CONFIGURATION',
      `GitHub's Sigstore instance, chosen because ${instance.chosenBy}, did not sign: ${e.message}. ` +
        `It serves private repositories of GitHub Enterprise Cloud organisations. To sign with the public-good instance instead — which publishes this repository's name and the image digest in the public transparency log — set \`${names.sigstore}: public-good\`; or sign with a \`${names.key}\` and \`${names.sigstore}: none\``,
      { cause: e },
    );
  }
  const input = (name: string, message: string) =>
    new InputError(name, message, 'INPUT_INVALID', { cause: e });
  switch (e.code) {
    case 'KEY_DECRYPT_FAILED':
      return input(names.keyPassword, `Input "${names.keyPassword}" does not decrypt \`${names.key}\``);
    case 'KEY_INVALID':
    case 'KEY_UNSUPPORTED':
      return input(names.key, `Input "${names.key}": ${e.message}`);
    case 'IMAGE_NOT_FOUND':
      return input(names.image, e.message);
    case 'PREDICATE_INVALID':
    case 'PREDICATE_TOO_LARGE':
      return input(names.attestations, e.message);
    case 'SIGNING_FAILED':
      return e;
    default:
      return new ConfigurationError('INVALID_CONFIGURATION', e.message, { cause: e });
  }
}
