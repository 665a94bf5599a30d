// The deploy gate's certificate policy, against certificates the local Fulcio issues for GitHub tokens with the
// claims of each scenario. The attack it must stop: a reusable workflow's SAN is the same for every repository
// that calls it, so a signature made by anyone's run of supply-chain.yml carries "our" SAN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSigstoreInstance } from '../../packages/sign/src/instance';
import { validateCertificatePolicy, type CertificatePolicy } from '../../packages/sign/src/policy';
import { StatementSigner } from '../../packages/sign/src/signer';
import { buildSignatureStatement } from '../../packages/sign/src/statement';
import { verifyBundle } from '../../packages/sign/src/verify';
import {
  fakeIdentityToken,
  GITHUB_ISSUER,
  startMockSigstore,
  staticIdentityProvider,
  type MockSigstore,
} from '@deliverkit/testing-sigstore';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const TOOLKIT_WORKFLOW = 'deliverkit/deliverkit/.github/workflows/supply-chain.yml';
const TOOLKIT_SHA = 'c'.repeat(40);
/** A run of acme/app on main that called the toolkit's reusable supply-chain.yml at v1.0.0. */
const OURS = {
  repository: 'acme/app',
  repository_owner: 'acme',
  ref: 'refs/heads/main',
  event_name: 'push',
  job_workflow_ref: `${TOOLKIT_WORKFLOW}@refs/tags/v1.0.0`,
  job_workflow_sha: TOOLKIT_SHA,
};
const SAN = `https://github.com/${TOOLKIT_WORKFLOW}@refs/tags/v1.0.0`;

let sigstore: MockSigstore;
beforeAll(async () => {
  sigstore = await startMockSigstore();
});
afterAll(() => sigstore?.stop());

async function signedBy(claims: Record<string, unknown>): Promise<unknown> {
  const signer = new StatementSigner({
    identity: {
      kind: 'keyless',
      identityProvider: staticIdentityProvider(fakeIdentityToken(claims), () => {}),
    },
    instance: parseSigstoreInstance(sigstore.sigstoreSpec),
    retries: 1,
  });
  return (await signer.sign(buildSignatureStatement({ name: 'ghcr.io/acme/app', digest: DIGEST }))).bundle;
}

const gate: CertificatePolicy = {
  kind: 'certificate',
  issuer: GITHUB_ISSUER,
  claims: {
    signerWorkflow: TOOLKIT_WORKFLOW,
    signerDigests: [TOOLKIT_SHA],
    sourceRepository: 'acme/app',
    sourceRef: 'refs/heads/main',
    trigger: 'push',
  },
};

const verify = (bundle: unknown, policy: CertificatePolicy) =>
  verifyBundle(bundle, DIGEST, { trustedRoot: sigstore.trustedRoot, policy });

describe('a gate bound to the caller, the signer workflow and its commit', () => {
  it("passes the caller's own signature", async () => {
    const ok = verify(await signedBy(OURS), gate);
    expect(ok.signer.subjectAlternativeName).toBe(SAN);
  });

  it.each([
    [
      'another repository calling the same reusable workflow',
      { repository: 'evil/app' },
      /source-repository \(1\.3\.6\.1\.4\.1\.57264\.1\.12\) is https:\/\/github\.com\/evil\/app, expected https:\/\/github\.com\/acme\/app/,
    ],
    [
      'a build of another branch',
      { ref: 'refs/heads/feature' },
      /source-ref .* is refs\/heads\/feature, expected refs\/heads\/main/,
    ],
    [
      'a fork of the toolkit',
      { job_workflow_ref: 'evil/deliverkit/.github/workflows/supply-chain.yml@refs/tags/v1.0.0' },
      /signer-workflow .* is https:\/\/github\.com\/evil\/deliverkit\//,
    ],
    [
      'the toolkit at a commit not allowed',
      { job_workflow_sha: 'd'.repeat(40) },
      /signer-digests .* is d{40}, expected one of c{40}/,
    ],
    [
      'another trigger',
      { event_name: 'pull_request_target' },
      /trigger .* is pull_request_target, expected push/,
    ],
  ])('refuses %s, naming the claim', async (_what, claims, message) => {
    const bundle = await signedBy({ ...OURS, ...claims });
    // The SAN alone would let most of these through: that is the hole the claims close.
    expect(() => verify(bundle, gate)).toThrow(
      expect.objectContaining({ code: 'CLAIM_MISMATCH', message: expect.stringMatching(message) }),
    );
  });

  it('refuses another issuer, whatever the claims', async () => {
    const bundle = await signedBy({ ...OURS, iss: 'https://token.example.com' });
    expect(() => verify(bundle, gate)).toThrow(
      expect.objectContaining({
        code: 'IDENTITY_MISMATCH',
        message: expect.stringContaining('issuer is https://token.example.com'),
      }),
    );
  });

  it('accepts a pinned signer ref only for that ref', async () => {
    const pinned = {
      ...gate,
      claims: { ...gate.claims, signerWorkflow: `${TOOLKIT_WORKFLOW}@refs/tags/v1.0.0` },
    };
    expect(verify(await signedBy(OURS), pinned).signer.subjectAlternativeName).toBe(SAN);
    const other = await signedBy({ ...OURS, job_workflow_ref: `${TOOLKIT_WORKFLOW}@refs/tags/v0.9.0` });
    expect(() => verify(other, pinned)).toThrow(expect.objectContaining({ code: 'CLAIM_MISMATCH' }));
  });
});

describe('policies that would let strangers through are refused', () => {
  it.each([
    ['no issuer', { kind: 'certificate', issuer: '', identity: SAN }, /issuer is required/],
    [
      'an unanchored pattern',
      { kind: 'certificate', issuer: GITHUB_ISSUER, identityRegExp: 'github\\.com/acme/' },
      /must be anchored/,
    ],
    [
      'a pattern anchored only at the start',
      { kind: 'certificate', issuer: GITHUB_ISSUER, identityRegExp: '^https://github\\.com/acme/' },
      /must be anchored/,
    ],
    [
      'nothing that names the signer',
      { kind: 'certificate', issuer: GITHUB_ISSUER, claims: { sourceRepository: 'acme/app' } },
      /name the signer/,
    ],
    [
      'an empty list of signer digests',
      { kind: 'certificate', issuer: GITHUB_ISSUER, identity: SAN, claims: { signerDigests: [] } },
      /empty/,
    ],
  ] as const)('%s', (_what, policy, message) => {
    expect(() => validateCertificatePolicy(policy as CertificatePolicy)).toThrow(message);
  });
});
