import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@deliverkit/action-kit';
import { loadSigningKey } from '../../packages/sign/src/keys';
import { generateCosignKeyPair } from './key-pair';
import { NO_INSTANCE, parseSigstoreInstance } from '../../packages/sign/src/instance';
import { githubIdentityProvider } from '../../packages/sign/src/identity';
import { StatementSigner } from '../../packages/sign/src/signer';
import { buildSignatureStatement, COSIGN_SIGN_PREDICATE } from '../../packages/sign/src/statement';
import { verifyBundle } from '../../packages/sign/src/verify';
import {
  fakeIdentityToken,
  GITHUB_ISSUER,
  startMockSigstore,
  staticIdentityProvider,
  type MockSigstore,
} from '@deliverkit/testing-sigstore';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER = `sha256:${'cd'.repeat(32)}`;
const SUBJECT = { name: '127.0.0.1:5000/acme/app', digest: DIGEST };
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';

let sigstore: MockSigstore;
beforeAll(async () => {
  sigstore = await startMockSigstore();
});
afterAll(() => sigstore?.stop());

function keylessSigner(token = fakeIdentityToken()) {
  return new StatementSigner({
    identity: { kind: 'keyless', identityProvider: staticIdentityProvider(token, () => {}) },
    instance: parseSigstoreInstance(sigstore.sigstoreSpec),
    retries: 1,
  });
}

describe('keyless signing against a local Sigstore', () => {
  it('writes a DSSE bundle v0.3 with certificate, tlog entry and timestamp that verifies by identity', async () => {
    const signed = await keylessSigner().sign(buildSignatureStatement(SUBJECT));
    const b = signed.bundle;
    expect(b.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(b.dsseEnvelope?.payloadType).toBe('application/vnd.in-toto+json');
    expect(b.verificationMaterial.certificate?.rawBytes).toBeTruthy();
    expect(b.verificationMaterial.x509CertificateChain).toBeUndefined();
    expect(b.verificationMaterial.tlogEntries).toHaveLength(1);
    expect(b.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
    expect(signed.certificateIdentity).toEqual({ subjectAlternativeName: IDENTITY, issuer: GITHUB_ISSUER });

    const statement = JSON.parse(Buffer.from(b.dsseEnvelope!.payload, 'base64').toString());
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: SUBJECT.name, digest: { sha256: 'ab'.repeat(32) } }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {},
    });

    const verified = verifyBundle(b, DIGEST, {
      trustedRoot: sigstore.trustedRoot,
      policy: { kind: 'certificate', identity: IDENTITY, issuer: GITHUB_ISSUER },
      timestampThreshold: 2,
    });
    expect(verified.signer).toMatchObject({ subjectAlternativeName: IDENTITY, issuer: GITHUB_ISSUER });
    expect(verified.predicateType).toBe(COSIGN_SIGN_PREDICATE);
  });

  describe('when the bundle does not match the policy', () => {
    let bundle: unknown;
    beforeAll(async () => {
      bundle = (await keylessSigner().sign(buildSignatureStatement(SUBJECT))).bundle;
    });
    const trusted = () => ({ trustedRoot: sigstore.trustedRoot });

    it('rejects another identity', () => {
      expect(() =>
        verifyBundle(bundle, DIGEST, {
          ...trusted(),
          policy: { kind: 'certificate', identity: 'https://github.com/evil/x', issuer: GITHUB_ISSUER },
        }),
      ).toThrow(expect.objectContaining({ code: 'IDENTITY_MISMATCH' }));
    });
    it('rejects another issuer', () => {
      expect(() =>
        verifyBundle(bundle, DIGEST, {
          ...trusted(),
          policy: { kind: 'certificate', identity: IDENTITY, issuer: 'https://accounts.google.com' },
        }),
      ).toThrow(expect.objectContaining({ code: 'IDENTITY_MISMATCH' }));
    });
    it('accepts a matching identity regexp and rejects a non-matching one', () => {
      const ok = verifyBundle(bundle, DIGEST, {
        ...trusted(),
        policy: {
          kind: 'certificate',
          identityRegExp: '^https://github\\.com/acme/.+$',
          issuer: GITHUB_ISSUER,
        },
      });
      expect(ok.signer.subjectAlternativeName).toBe(IDENTITY);
      expect(() =>
        verifyBundle(bundle, DIGEST, {
          ...trusted(),
          policy: {
            kind: 'certificate',
            identityRegExp: '^https://github\\.com/other/.+$',
            issuer: GITHUB_ISSUER,
          },
        }),
      ).toThrow(expect.objectContaining({ code: 'IDENTITY_MISMATCH' }));
    });
    it('rejects a signature for another digest', () => {
      expect(() =>
        verifyBundle(bundle, OTHER, {
          ...trusted(),
          policy: { kind: 'certificate', identity: IDENTITY, issuer: GITHUB_ISSUER },
        }),
      ).toThrow(expect.objectContaining({ code: 'SUBJECT_MISMATCH' }));
    });
    it('rejects a tampered payload', () => {
      const tampered = structuredClone(bundle) as { dsseEnvelope: { payload: string } };
      const st = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString());
      st.subject[0].digest.sha256 = 'cd'.repeat(32);
      tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString('base64');
      expect(() =>
        verifyBundle(tampered, OTHER, {
          ...trusted(),
          policy: { kind: 'certificate', identity: IDENTITY, issuer: GITHUB_ISSUER },
        }),
      ).toThrow(expect.objectContaining({ code: expect.stringMatching(/SIGNATURE_INVALID|TLOG_INVALID/) }));
    });
    it('rejects a certificate from a CA the trusted root does not hold', async () => {
      const other = await startMockSigstore();
      try {
        expect(() =>
          verifyBundle(bundle, DIGEST, {
            trustedRoot: other.trustedRoot,
            policy: { kind: 'certificate', identity: IDENTITY, issuer: GITHUB_ISSUER },
          }),
        ).toThrow(
          expect.objectContaining({
            code: expect.stringMatching(/CERTIFICATE_INVALID|TIMESTAMP_INVALID|TLOG_INVALID/),
          }),
        );
      } finally {
        await other.stop();
      }
    });
    it('requires a public key policy to meet a key-signed bundle', () => {
      expect(() =>
        verifyBundle(bundle, DIGEST, {
          ...trusted(),
          policy: {
            kind: 'key',
            publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
              .publicKey.export({ format: 'pem', type: 'spki' })
              .toString(),
          },
        }),
      ).toThrow(expect.objectContaining({ code: 'PUBLIC_KEY_MISMATCH' }));
    });
  });

  describe('when Fulcio is unreachable or failing', () => {
    it('retries a 503 then succeeds', async () => {
      const before = sigstore.requests.fulcio;
      sigstore.failNext('fulcio', 1, 503);
      await keylessSigner().sign(buildSignatureStatement(SUBJECT));
      expect(sigstore.requests.fulcio - before).toBe(2);
    });
    it('gives up after the bounded retries with a clear error', async () => {
      const before = sigstore.requests.fulcio;
      sigstore.failNext('fulcio', 5, 503);
      const err = await keylessSigner()
        .sign(buildSignatureStatement(SUBJECT))
        .catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'CERTIFICATE_REQUEST_FAILED' });
      expect((err as Error).message).toContain(sigstore.fulcioURL);
      expect(sigstore.requests.fulcio - before).toBe(2);
      sigstore.failNext('fulcio', 0);
    });
    it('fails fast when nothing listens at the Fulcio URL', async () => {
      const signer = new StatementSigner({
        identity: {
          kind: 'keyless',
          identityProvider: staticIdentityProvider(fakeIdentityToken(), () => {}),
        },
        instance: parseSigstoreInstance('fulcio=http://127.0.0.1:9'),
        retries: 1,
        timeoutMs: 2000,
      });
      const started = Date.now();
      await expect(signer.sign(buildSignatureStatement(SUBJECT))).rejects.toMatchObject({
        code: 'CERTIFICATE_REQUEST_FAILED',
      });
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  it('reports a missing id-token permission as a ConfigurationError naming it', async () => {
    const signer = new StatementSigner({
      identity: {
        kind: 'keyless',
        identityProvider: githubIdentityProvider({
          canRequestToken: false,
          getIDToken: () => Promise.reject(new Error('not called')),
          onSecret: () => {},
        }),
      },
      instance: parseSigstoreInstance(sigstore.sigstoreSpec),
    });
    const err = await signer.sign(buildSignatureStatement(SUBJECT)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err).toMatchObject({ code: 'MISSING_PERMISSION' });
    expect((err as Error).message).toContain('id-token: write');
  });
});

describe('key-based signing', () => {
  it('without witnesses: verifies with the public key like cosign --insecure-ignore-tlog', async () => {
    const pair = await generateCosignKeyPair('pw');
    const key = await loadSigningKey(pair.privateKeyPem, 'pw');
    const signed = await new StatementSigner({ identity: { kind: 'key', key }, instance: NO_INSTANCE }).sign(
      buildSignatureStatement(SUBJECT),
    );
    expect(signed.bundle.verificationMaterial.publicKey).toEqual({ hint: key.hint });
    // cosign (go-securesystemslib) skips a DSSE signature whose keyid is not its own fingerprint of the key.
    expect(signed.bundle.dsseEnvelope?.signatures[0]?.keyid ?? '').toBe('');
    expect(signed.bundle.verificationMaterial.tlogEntries ?? []).toEqual([]);

    const ok = verifyBundle(signed.bundle, DIGEST, {
      policy: { kind: 'key', publicKeyPem: pair.publicKeyPem },
    });
    expect(ok.signer.publicKeyHint).toBe(key.hint);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    expect(() =>
      verifyBundle(signed.bundle, DIGEST, { policy: { kind: 'key', publicKeyPem: stranger } }),
    ).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
    expect(() =>
      verifyBundle(signed.bundle, DIGEST, {
        policy: { kind: 'key', publicKeyPem: pair.publicKeyPem },
        tlogThreshold: 1,
      }),
    ).toThrow(expect.objectContaining({ code: 'TLOG_INVALID' }));
  });

  it('with the local Rekor: the entry verifies against the trusted root', async () => {
    const key = await loadSigningKey(
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    );
    const signed = await new StatementSigner({
      identity: { kind: 'key', key },
      instance: parseSigstoreInstance(sigstore.sigstoreSpec),
    }).sign(buildSignatureStatement(SUBJECT));
    expect(signed.tlogEntries).toBe(1);
    const ok = verifyBundle(signed.bundle, DIGEST, {
      trustedRoot: sigstore.trustedRoot,
      policy: { kind: 'key', publicKeyPem: key.publicKeyPem },
      tlogThreshold: 1,
    });
    expect(ok.tlogEntries).toBe(1);
  });
});

describe('githubIdentityProvider', () => {
  it('asks the runner once per run and hands the token to onSecret before anyone sees it', async () => {
    const asked: string[] = [];
    const masked: string[] = [];
    const provider = githubIdentityProvider({
      canRequestToken: true,
      getIDToken: async (audience) => {
        asked.push(audience);
        expect(masked).toEqual([]);
        return 'header.payload.signature';
      },
      onSecret: (secret) => masked.push(secret),
    });
    expect(await provider.getToken()).toBe('header.payload.signature');
    expect(await provider.getToken()).toBe('header.payload.signature');
    expect(asked).toEqual(['sigstore']);
    expect(masked).toEqual(['header.payload.signature']);
  });
});
