import { X509Certificate } from '@sigstore/core';
import { ConfigurationError } from '@deliverkit/action-kit';
import { VerifyError } from './errors';

/**
 * Who may have signed, for a Fulcio certificate. The SAN alone does not say who ran a signing workflow: for a
 * reusable workflow it names the reusable workflow, so every repository that calls it (or copies it) gets the
 * same SAN. The GitHub claims Fulcio copies from the OIDC token into the certificate do: the source repository
 * that ran the job, its ref and commit, the signer workflow and its commit, the trigger. Each claim given must
 * match exactly; the issuer is always required and exact.
 */
export interface CertificatePolicy {
  kind: 'certificate';
  /** Exact OIDC issuer (1.3.6.1.4.1.57264.1.8, else .1), e.g. https://token.actions.githubusercontent.com. */
  issuer: string;
  /** Exact SAN. */
  identity?: string;
  /** SAN regular expression; must be anchored (`^…$`), as an unanchored pattern matches inside any SAN. */
  identityRegExp?: string;
  claims?: GitHubClaimPolicy;
}

/** Each field checks one certificate extension; see GITHUB_CLAIMS for the OID and the peer flag it mirrors. */
export interface GitHubClaimPolicy {
  /** `OWNER/REPO` or its URL: 1.12 must be `https://github.com/OWNER/REPO`. */
  sourceRepository?: string;
  /** 1.14, e.g. `refs/heads/main`. */
  sourceRef?: string;
  /** 1.13: the commit the signed artifact was built from. */
  sourceDigest?: string;
  /** `OWNER/REPO/.github/workflows/FILE.yml` (any ref) or with `@REF` (that ref): 1.9, the workflow that signed. */
  signerWorkflow?: string;
  /** 1.10 must be one of these commits of the signer workflow. */
  signerDigests?: string[];
  /** 1.20 (else 1.2): the event that triggered the run, e.g. `push`. */
  trigger?: string;
}

export type GitHubClaim = keyof GitHubClaimPolicy;

/** The claim table the README documents: policy field → action input → OID → the peer flag it mirrors. */
export const GITHUB_CLAIMS: Record<
  GitHubClaim,
  { input: string; oid: string; legacyOid?: string; cosign?: string; gh?: string }
> = {
  sourceRepository: {
    input: 'source-repository',
    oid: '1.3.6.1.4.1.57264.1.12',
    legacyOid: '1.3.6.1.4.1.57264.1.5',
    cosign: '--certificate-github-workflow-repository (1.5)',
    gh: '--repo / --owner (1.12)',
  },
  sourceRef: {
    input: 'source-ref',
    oid: '1.3.6.1.4.1.57264.1.14',
    legacyOid: '1.3.6.1.4.1.57264.1.6',
    cosign: '--certificate-github-workflow-ref (1.6)',
    gh: '--source-ref',
  },
  sourceDigest: {
    input: 'source-digest',
    oid: '1.3.6.1.4.1.57264.1.13',
    legacyOid: '1.3.6.1.4.1.57264.1.3',
    cosign: '--certificate-github-workflow-sha (1.3)',
    gh: '--source-digest',
  },
  signerWorkflow: { input: 'signer-workflow', oid: '1.3.6.1.4.1.57264.1.9', gh: '--signer-workflow' },
  signerDigests: { input: 'signer-digests', oid: '1.3.6.1.4.1.57264.1.10', gh: '--signer-digest' },
  trigger: {
    input: 'trigger',
    oid: '1.3.6.1.4.1.57264.1.20',
    legacyOid: '1.3.6.1.4.1.57264.1.2',
    cosign: '--certificate-github-workflow-trigger (1.2)',
  },
};

const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const GITHUB = 'https://github.com';

/**
 * Refuses a policy that would let strangers through: no issuer, an unanchored or invalid SAN pattern, nothing that
 * binds the signer (neither a SAN nor a signer workflow), an empty signer-digest list. `inputOf` names the input a
 * field came from, for the error.
 */
export function validateCertificatePolicy(
  policy: CertificatePolicy,
  inputOf: (field: string) => string = (f) => f,
): void {
  if (!policy.issuer) {
    throw new ConfigurationError(
      'INVALID_CONFIGURATION',
      `${inputOf('issuer')} is required to verify a certificate: the exact OIDC issuer (https://token.actions.githubusercontent.com for GitHub Actions)`,
    );
  }
  if (policy.identityRegExp !== undefined) {
    const pattern = policy.identityRegExp;
    if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) {
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        `${inputOf('identityRegExp')} must be anchored with ^ and $ (an unanchored pattern also matches a stranger's identity that contains it), got "${pattern}"`,
      );
    }
    try {
      new RegExp(pattern);
    } catch (e) {
      throw new ConfigurationError(
        'INVALID_CONFIGURATION',
        `${inputOf('identityRegExp')} is not a valid regular expression: ${(e as Error).message}`,
      );
    }
  }
  if (
    policy.identity === undefined &&
    policy.identityRegExp === undefined &&
    !policy.claims?.signerWorkflow
  ) {
    throw new ConfigurationError(
      'INVALID_CONFIGURATION',
      `name the signer: ${inputOf('identity')}, ${inputOf('identityRegExp')} or ${inputOf('signerWorkflow')}`,
    );
  }
  if (policy.claims?.signerDigests !== undefined && policy.claims.signerDigests.length === 0) {
    throw new ConfigurationError('INVALID_CONFIGURATION', `${inputOf('signerDigests')} is empty`);
  }
}

/** The Fulcio extensions of a certificate as text (legacy ones are raw bytes, the others a DER UTF8String). */
export function certificateExtension(cert: X509Certificate, oid: string): string | undefined {
  const ext = cert.extension(oid);
  if (!ext) return undefined;
  const legacy = /^1\.3\.6\.1\.4\.1\.57264\.1\.[1-6]$/.test(oid);
  return legacy ? ext.value.toString('utf8') : ext.valueObj.subs?.[0]?.value.toString('utf8');
}

export function certificateIssuer(cert: X509Certificate): string | undefined {
  return certificateExtension(cert, OID_ISSUER_V2) ?? certificateExtension(cert, OID_ISSUER_V1);
}

/** `OWNER/REPO` or a URL → the URL Fulcio writes into 1.12. */
export function repositoryURL(repository: string): string {
  return /^https?:\/\//.test(repository) ? repository.replace(/\/+$/, '') : `${GITHUB}/${repository}`;
}

/**
 * Checks a verified certificate against the policy: issuer, SAN, then each GitHub claim given. The error names
 * the claim (its input and OID), what the certificate says and what was expected.
 */
export function checkCertificatePolicy(policy: CertificatePolicy, certificate: Buffer | Uint8Array): void {
  const cert = X509Certificate.parse(Buffer.from(certificate));
  const san = cert.subjectAltName;
  const issuer = certificateIssuer(cert);
  if (issuer !== policy.issuer) {
    throw new VerifyError(
      'IDENTITY_MISMATCH',
      `certificate OIDC issuer is ${issuer ?? 'missing'}, expected ${policy.issuer}`,
    );
  }
  if (policy.identity !== undefined && san !== policy.identity) {
    throw new VerifyError(
      'IDENTITY_MISMATCH',
      `certificate identity is ${san ?? 'missing'}, expected ${policy.identity}`,
    );
  }
  if (
    policy.identityRegExp !== undefined &&
    !(san !== undefined && new RegExp(policy.identityRegExp).test(san))
  ) {
    throw new VerifyError(
      'IDENTITY_MISMATCH',
      `certificate identity ${san ?? 'missing'} does not match /${policy.identityRegExp}/`,
    );
  }
  const claims = policy.claims ?? {};
  const read = (claim: GitHubClaim): string | undefined => {
    const { oid, legacyOid } = GITHUB_CLAIMS[claim];
    return (
      certificateExtension(cert, oid) ??
      (claim === 'trigger' && legacyOid ? certificateExtension(cert, legacyOid) : undefined)
    );
  };
  const mismatch = (claim: GitHubClaim, got: string | undefined, expected: string): VerifyError =>
    new VerifyError(
      'CLAIM_MISMATCH',
      `certificate claim ${GITHUB_CLAIMS[claim].input} (${GITHUB_CLAIMS[claim].oid}) is ${got ?? 'missing'}, expected ${expected}`,
    );
  const exact = (claim: GitHubClaim, expected: string | undefined) => {
    if (expected === undefined) return;
    const got = read(claim);
    if (got !== expected) throw mismatch(claim, got, expected);
  };
  if (claims.sourceRepository !== undefined)
    exact('sourceRepository', repositoryURL(claims.sourceRepository));
  exact('sourceRef', claims.sourceRef);
  exact('sourceDigest', claims.sourceDigest);
  exact('trigger', claims.trigger);
  if (claims.signerWorkflow !== undefined) {
    const got = read('signerWorkflow');
    const wanted = claims.signerWorkflow.startsWith(`${GITHUB}/`)
      ? claims.signerWorkflow
      : `${GITHUB}/${claims.signerWorkflow}`;
    // Without @REF any ref of that workflow file is accepted; with it, exactly that ref.
    const ok = wanted.includes('@') ? got === wanted : got?.startsWith(`${wanted}@`) === true;
    if (!ok) throw mismatch('signerWorkflow', got, wanted.includes('@') ? wanted : `${wanted}@<any ref>`);
  }
  if (claims.signerDigests !== undefined) {
    const got = read('signerDigests');
    if (got === undefined || !claims.signerDigests.includes(got)) {
      throw mismatch('signerDigests', got, `one of ${claims.signerDigests.join(', ')}`);
    }
  }
}
