// The local Fulcio must issue what the real one issues for a GitHub Actions token, or the claim checks of cosign
// (and of our verifier) are tested against a fiction. Expected values follow fulcio pkg/identity/github.
import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fakeIdentityToken,
  fulcioExtensions,
  githubClaims,
  GITHUB_ISSUER,
  startMockSigstore,
  type MockSigstore,
} from '@deliverkit/testing-sigstore';

let sigstore: MockSigstore;
beforeAll(async () => {
  sigstore = await startMockSigstore();
});
afterAll(() => sigstore?.stop());

/** Asks the mock Fulcio for a certificate the way cosign does (token as bearer) or sigstore-js does (in the body). */
async function requestCertificate(token: string, via: 'bearer' | 'body'): Promise<Response> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const body = {
    ...(via === 'body' ? { credentials: { oidcIdentityToken: token } } : {}),
    publicKeyRequest: {
      publicKey: { algorithm: 'ECDSA', content: pem },
      proofOfPossession: sign('sha256', Buffer.from('sub'), privateKey).toString('base64'),
    },
  };
  return fetch(`${sigstore.fulcioURL}/api/v2/signingCert`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(via === 'bearer' ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function leafOf(res: Response): Promise<{ san: string; extensions: Record<string, string> }> {
  const json = (await res.json()) as { signedCertificateEmbeddedSct: { chain: { certificates: string[] } } };
  const pem = json.signedCertificateEmbeddedSct.chain.certificates[0]!;
  return { san: new X509Certificate(pem).subjectAltName ?? '', extensions: fulcioExtensions(pem) };
}

describe('the local Fulcio, given a GitHub Actions token', () => {
  const claims = githubClaims({
    // A reusable workflow run: the signer workflow lives in another repository than the one that ran it.
    job_workflow_ref: 'deliverkit/deliverkit/.github/workflows/supply-chain.yml@refs/tags/v1.0.0',
    job_workflow_sha: 'b'.repeat(40),
  });

  it.each(['bearer', 'body'] as const)(
    'issues the SAN and every GitHub extension (token as %s)',
    async (via) => {
      const res = await requestCertificate(fakeIdentityToken(claims), via);
      expect(res.status).toBe(200);
      const cert = await leafOf(res);
      expect(cert.san).toBe(
        'URI:https://github.com/deliverkit/deliverkit/.github/workflows/supply-chain.yml@refs/tags/v1.0.0',
      );
      const expected: Record<string, string> = {
        '1.3.6.1.4.1.57264.1.1': GITHUB_ISSUER,
        '1.3.6.1.4.1.57264.1.2': 'push',
        '1.3.6.1.4.1.57264.1.3': claims.sha as string,
        '1.3.6.1.4.1.57264.1.4': 'release',
        '1.3.6.1.4.1.57264.1.5': 'acme/app',
        '1.3.6.1.4.1.57264.1.6': 'refs/heads/main',
        '1.3.6.1.4.1.57264.1.8': GITHUB_ISSUER,
        '1.3.6.1.4.1.57264.1.9':
          'https://github.com/deliverkit/deliverkit/.github/workflows/supply-chain.yml@refs/tags/v1.0.0',
        '1.3.6.1.4.1.57264.1.10': 'b'.repeat(40),
        '1.3.6.1.4.1.57264.1.11': 'github-hosted',
        '1.3.6.1.4.1.57264.1.12': 'https://github.com/acme/app',
        '1.3.6.1.4.1.57264.1.13': claims.sha as string,
        '1.3.6.1.4.1.57264.1.14': 'refs/heads/main',
        '1.3.6.1.4.1.57264.1.15': '700100',
        '1.3.6.1.4.1.57264.1.16': 'https://github.com/acme',
        '1.3.6.1.4.1.57264.1.17': '700',
        '1.3.6.1.4.1.57264.1.18': 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
        '1.3.6.1.4.1.57264.1.19': claims.workflow_sha as string,
        '1.3.6.1.4.1.57264.1.20': 'push',
        '1.3.6.1.4.1.57264.1.21': 'https://github.com/acme/app/actions/runs/4242/attempts/1',
        '1.3.6.1.4.1.57264.1.22': 'private',
      };
      expect(cert.extensions).toEqual(expected);
    },
  );

  it('takes each claim from the token it is given', async () => {
    const res = await requestCertificate(
      fakeIdentityToken({
        repository: 'evil/fork',
        event_name: 'pull_request_target',
        ref: 'refs/pull/1/merge',
      }),
      'bearer',
    );
    const cert = await leafOf(res);
    expect(cert.extensions['1.3.6.1.4.1.57264.1.12']).toBe('https://github.com/evil/fork');
    expect(cert.extensions['1.3.6.1.4.1.57264.1.20']).toBe('pull_request_target');
    expect(cert.extensions['1.3.6.1.4.1.57264.1.14']).toBe('refs/pull/1/merge');
  });

  it('refuses a GitHub token without a claim Fulcio needs, naming it', async () => {
    const res = await requestCertificate(
      fakeIdentityToken({ job_workflow_ref: undefined, run_attempt: '' }),
      'bearer',
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('token missing claims: job_workflow_ref, run_attempt');
  });
});
