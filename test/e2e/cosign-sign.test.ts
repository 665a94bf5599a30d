import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCosignKeyPair } from '../sign/key-pair';
import {
  GITHUB_ISSUER,
  startMockSigstore,
  startMockTuf,
  startOidcTokenEndpoint,
  type MockSigstore,
} from '@deliverkit/testing-sigstore';
import {
  ensureTestbed,
  pushBaseImage,
  repoRoot,
  runAction as runBundledAction,
  skopeoInspectRaw,
  startRegistry,
  stopAll,
  type BaseImage,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

const bundle = path.join(repoRoot, 'dist', 'cosign-sign', 'index.js');
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';

interface RunResult {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs the bundled action the way the runner does: INPUT_* env in, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files out. */
async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<RunResult> {
  const runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'cosign-sign-e2e-'));
  const run = await runBundledAction('cosign-sign', inputs, { env, bundle, runnerTemp, cwd: runnerTemp });
  return { code: run.exitCode, stdout: run.stdout + run.stderr, outputs: run.outputs, summary: run.summary };
}

let sigstore: MockSigstore;
let oidc: Awaited<ReturnType<typeof startOidcTokenEndpoint>>;
let registry: RegistryHandle;
let base: BaseImage;
let trustedRootFile: string;

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  sigstore = await startMockSigstore();
  oidc = await startOidcTokenEndpoint();
  registry = await startRegistry('plain');
  base = await pushBaseImage(registry, 'acme/app', 'v1');
  trustedRootFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'trust-')), 'trusted_root.json');
  await writeFile(trustedRootFile, JSON.stringify(sigstore.trustedRoot));
});
afterAll(async () => {
  await oidc?.stop();
  await sigstore?.stop();
  await stopAll();
});

describe('cosign-sign (bundled dist) keyless through GitHub OIDC', () => {
  let signed: RunResult;
  beforeAll(async () => {
    const sbom = path.join(await mkdtemp(path.join(os.tmpdir(), 'sbom-')), 'bom.json');
    await writeFile(
      sbom,
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] }),
    );
    signed = await runAction(
      {
        image: `${registry.host}/acme/app:v1`,
        recursive: 'true',
        'signature-format': 'both',
        sigstore: sigstore.sigstoreSpec,
        attestations: `type=cyclonedx,path=${sbom}`,
      },
      oidc.env,
    );
  });

  it('signs the resolved digest and reports outputs', () => {
    expect(signed.code, signed.stdout).toBe(0);
    expect(oidc.audiences).toContain('sigstore');
    expect(signed.outputs.digest).toBe(base.indexDigest);
    expect(signed.outputs['signed-digests']!.split('\n').sort()).toEqual(
      [base.indexDigest, ...base.platforms.map((p) => p.digest)].sort(),
    );
    const bundles = JSON.parse(signed.outputs.bundles!);
    expect(bundles[base.indexDigest].map((b: { predicateType: string }) => b.predicateType)).toEqual([
      'https://sigstore.dev/cosign/sign/v1',
      'https://cyclonedx.org/bom',
    ]);
    expect(signed.outputs['verify-commands']).toContain(
      `cosign verify --certificate-identity=${IDENTITY} --certificate-oidc-issuer=${GITHUB_ISSUER} --trusted-root=trusted_root.json ${registry.host}/acme/app@${base.indexDigest}`,
    );
    expect(signed.outputs['verify-commands']).toContain('cosign verify-attestation --type=cyclonedx');
    const json = JSON.parse(signed.outputs.json!);
    expect(json['image-record'].signatures.identity).toEqual({
      subjectAlternativeName: IDENTITY,
      issuer: GITHUB_ISSUER,
    });
    expect(signed.summary).toContain('Signed');
    expect(signed.summary).toContain(IDENTITY);
    expect(signed.summary).toContain('resolved to');
  });

  it('wrote the referrers tag index and the legacy .sig tag', async () => {
    const hex = base.indexDigest.slice(7);
    const index = JSON.parse((await skopeoInspectRaw(registry, `acme/app:sha256-${hex}`)).toString());
    expect(index.manifests).toHaveLength(2);
    const sig = JSON.parse((await skopeoInspectRaw(registry, `acme/app:sha256-${hex}.sig`)).toString());
    expect(sig.layers[0].mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
  });

  it('passes the verify gate with the right identity and required attestation', async () => {
    const verified = await runAction({
      image: `${registry.host}/acme/app@${base.indexDigest}`,
      mode: 'verify',
      recursive: 'true',
      'certificate-identity': IDENTITY,
      'certificate-oidc-issuer': GITHUB_ISSUER,
      'trusted-root': trustedRootFile,
      'require-attestations': 'cyclonedx',
    });
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.outputs.verified).toBe('true');
    expect(JSON.parse(verified.outputs.attestations!)).toEqual(['https://cyclonedx.org/bom']);
    expect(verified.summary).toContain('Verified');
  });

  it('fails the verify gate for another identity', async () => {
    const rejected = await runAction({
      image: `${registry.host}/acme/app@${base.indexDigest}`,
      mode: 'verify',
      'certificate-identity': 'https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main',
      'certificate-oidc-issuer': GITHUB_ISSUER,
      'trusted-root': trustedRootFile,
    });
    expect(rejected.code).not.toBe(0);
    expect(rejected.stdout).toMatch(/::error::Verification failed \(IDENTITY_MISMATCH\)/);
  });
});

describe('cosign-sign (bundled dist) failures', () => {
  it('names id-token: write when the job has no OIDC permission', async () => {
    const r = await runAction({
      image: `${registry.host}/acme/app@${base.indexDigest}`,
      sigstore: sigstore.sigstoreSpec,
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('id-token: write');
    expect(r.stdout).not.toContain('Internal error');
  });

  it('signs with a cosign.key and never prints the wrong password', async () => {
    const pair = await generateCosignKeyPair('good-password-1');
    const image = `${registry.host}/acme/app@${base.indexDigest}`;
    const bad = await runAction({
      image,
      key: pair.privateKeyPem,
      'key-password': 'wrong-password-xyz',
      sigstore: 'none',
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toContain('key-password');
    expect(bad.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain('wrong-password-xyz');

    const good = await runAction(
      { image, key: pair.privateKeyPem, sigstore: 'none' },
      { COSIGN_PASSWORD: 'good-password-1' },
    );
    expect(good.code, good.stdout).toBe(0);
    expect(good.outputs['verify-commands']).toContain(
      `cosign verify --key=cosign.pub --insecure-ignore-tlog=true ${image}`,
    );
    const keyFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'pub-')), 'cosign.pub');
    await writeFile(keyFile, pair.publicKeyPem);
    const gate = await runAction({ image, mode: 'verify', 'public-key': keyFile });
    expect(gate.code, gate.stdout).toBe(0);
  });

  it.each([
    [
      'an unanchored identity pattern',
      { 'certificate-identity-regexp': 'github\\.com/acme/', 'certificate-oidc-issuer': GITHUB_ISSUER },
      /`certificate-identity-regexp` must be anchored/,
    ],
    ['no issuer', { 'certificate-identity': IDENTITY }, /`certificate-oidc-issuer` is required/],
    [
      'an issuer pattern',
      { 'certificate-identity': IDENTITY, 'certificate-oidc-issuer-regexp': '.*' },
      /certificate-oidc-issuer-regexp.*no longer accepted/,
    ],
  ])('refuses a verify policy with %s before reading the registry', async (_what, policy, message) => {
    const r = await runAction({
      image: `${registry.host}/acme/app@${base.indexDigest}`,
      mode: 'verify',
      'trusted-root': trustedRootFile,
      ...policy,
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(message);
  });

  it('refuses a signature whose source repository is not the one required, naming the claim', async () => {
    const r = await runAction({
      image: `${registry.host}/acme/app@${base.indexDigest}`,
      mode: 'verify',
      'certificate-identity': IDENTITY,
      'certificate-oidc-issuer': GITHUB_ISSUER,
      'source-repository': 'acme/other',
      'trusted-root': trustedRootFile,
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(
      /Verification failed \(CLAIM_MISMATCH\).*source-repository \(1\.3\.6\.1\.4\.1\.57264\.1\.12\) is https:\/\/github\.com\/acme\/app, expected https:\/\/github\.com\/acme\/other/,
    );
  });

  it('verifies with the trusted root from a TUF mirror instead of a file', async () => {
    const tuf = await startMockTuf({ 'trusted_root.json': JSON.stringify(sigstore.trustedRoot) });
    try {
      const r = await runAction(
        {
          image: `${registry.host}/acme/app@${base.indexDigest}`,
          mode: 'verify',
          'certificate-identity': IDENTITY,
          'certificate-oidc-issuer': GITHUB_ISSUER,
          'tuf-mirror': tuf.url,
          'tuf-root': tuf.rootPath,
        },
        { RUNNER_TOOL_CACHE: await mkdtemp(path.join(os.tmpdir(), 'toolcache-')) },
      );
      expect(r.code, r.stdout).toBe(0);
      expect(r.summary).toContain(`Trusted root: TUF ${tuf.url}`);
      expect(tuf.requests).toContain('/targets/trusted_root.json');
    } finally {
      await tuf.stop();
    }
  });

  it('fails closed when the public-good TUF mirror cannot be reached, naming the opt-in', async () => {
    // No trusted-root, no tuf-mirror: the default is the public-good TUF repository, which this machine cannot reach.
    const r = await runAction(
      {
        image: `${registry.host}/acme/app@${base.indexDigest}`,
        mode: 'verify',
        'certificate-identity': IDENTITY,
        'certificate-oidc-issuer': GITHUB_ISSUER,
      },
      { RUNNER_TOOL_CACHE: await mkdtemp(path.join(os.tmpdir(), 'toolcache-')) },
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/::error::.*tuf-repo-cdn\.sigstore\.dev.*tuf-offline-fallback/);
  });

  it('with tuf-offline-fallback uses the public-good root built into the bundle, warns, and still judges', async () => {
    const r = await runAction(
      {
        image: `${registry.host}/acme/app@${base.indexDigest}`,
        mode: 'verify',
        'certificate-identity': IDENTITY,
        'certificate-oidc-issuer': GITHUB_ISSUER,
        'tuf-offline-fallback': 'true',
      },
      { RUNNER_TOOL_CACHE: await mkdtemp(path.join(os.tmpdir(), 'toolcache-')) },
    );
    expect(r.stdout).toMatch(/::warning::Verifying with a trusted root that was not updated/);
    // The local CA is not in the public-good root: the signature must not pass.
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(
      /Verification failed \((CERTIFICATE_INVALID|TLOG_INVALID|TIMESTAMP_INVALID|SIGNATURE_INVALID)\)/,
    );
  });

  it("signs a private repository's image with GitHub's instance by default, and never falls back to the public log", async () => {
    const eventFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'event-')), 'event.json');
    await writeFile(
      eventFile,
      JSON.stringify({ repository: { full_name: 'acme/app', private: true, visibility: 'private' } }),
    );
    const r = await runAction(
      { image: `${registry.host}/acme/app@${base.indexDigest}` },
      { ...oidc.env, GITHUB_EVENT_PATH: eventFile },
    );
    // fulcio.githubapp.com cannot be reached from here: the step must fail, saying why and what the choice is.
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(
      /::error::GitHub's Sigstore instance, chosen because the repository is private, did not sign/,
    );
    expect(r.stdout).toMatch(/set `sigstore: public-good`/);
    expect(r.stdout).toMatch(/fulcio\.githubapp\.com/);
    expect(r.stdout).not.toMatch(/rekor\.sigstore\.dev|fulcio\.sigstore\.dev/);
  });

  it("refuses to verify a private repository's signatures against the public-good root, saying what to give", async () => {
    const eventFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'event-')), 'event.json');
    await writeFile(
      eventFile,
      JSON.stringify({ repository: { full_name: 'acme/app', visibility: 'private' } }),
    );
    const verify = {
      image: `${registry.host}/acme/app@${base.indexDigest}`,
      mode: 'verify',
      'certificate-identity': 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
      'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com',
    };
    const r = await runAction(verify, { GITHUB_EVENT_PATH: eventFile });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(
      /::error::Verifying signatures from GitHub's Sigstore instance \(`sigstore: auto`: the repository is private\) needs GitHub's trusted root/,
    );
    expect(r.stdout).toMatch(/`tuf-mirror: https:\/\/tuf-repo\.github\.com`/);
    // Nothing was asked of the registry or a TUF mirror: the refusal comes from the inputs.
    expect(r.stdout).not.toMatch(/tuf-repo-cdn\.sigstore\.dev/);
    // Given a root, the same verify goes past the inputs and judges the image (unsigned: refused for that).
    const unsigned = await pushBaseImage(registry, 'acme/unsigned-private', 'v1');
    const given = await runAction(
      {
        ...verify,
        image: `${registry.host}/acme/unsigned-private@${unsigned.indexDigest}`,
        'trusted-root': trustedRootFile,
      },
      { GITHUB_EVENT_PATH: eventFile },
    );
    expect(given.code).not.toBe(0);
    expect(given.stdout).not.toMatch(/needs GitHub's trusted root/);
    expect(given.stdout).toMatch(/NO_SIGNATURES|no signature/i);
  });

  it('reports an image that does not exist against the image input', async () => {
    const r = await runAction(
      { image: `${registry.host}/acme/missing:v1`, sigstore: sigstore.sigstoreSpec },
      oidc.env,
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/::error::.*acme\/missing:v1 does not exist/);
  });

  it('dry-run resolves and pushes nothing', async () => {
    const img = await pushBaseImage(registry, 'acme/dry', 'v1');
    const r = await runAction(
      { image: `${registry.host}/acme/dry:v1`, 'dry-run': 'true', sigstore: sigstore.sigstoreSpec },
      oidc.env,
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.digest).toBe(img.indexDigest);
    await expect(skopeoInspectRaw(registry, `acme/dry:sha256-${img.indexDigest.slice(7)}`)).rejects.toThrow();
  });
});
