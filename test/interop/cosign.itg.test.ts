// cosign (v3, built from its Go module by scripts/tools.sh) judges what cosign-sign writes, and cosign-sign's
// verify gate judges what cosign writes: both directions, key-based and keyless, bundle and legacy formats, on a
// registry with the OCI 1.1 referrers API (olareg) and on one without (distribution 2.8.2, the tag schema).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fakeIdentityToken,
  githubClaims,
  GITHUB_ISSUER,
  startMockSigstore,
  startOidcTokenEndpoint,
  type MockSigstore,
} from '@deliverkit/testing-sigstore';
import {
  ensureTestbed,
  pushBaseImage,
  runAction,
  runCommand,
  startRegistry,
  stopAll,
  TestbedCommandError,
  toolPath,
  type ActionRun,
  type BaseImage,
  type RegistryHandle,
  type RegistryKind,
} from '@deliverkit/testing-testbed';

const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const CLAIMS = githubClaims();

let work: string;
let sigstore: MockSigstore;
let oidc: Awaited<ReturnType<typeof startOidcTokenEndpoint>>;
let trustedRootFile: string;
const registries: Partial<Record<RegistryKind, RegistryHandle>> = {};
let repoCounter = 0;

interface CosignResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real cosign with a private HOME (no docker config, no TUF cache) and never a shell. */
async function cosign(args: string[], env: Record<string, string> = {}): Promise<CosignResult> {
  try {
    const { stdout, stderr } = await runCommand(toolPath('cosign'), args, {
      env: { PATH: process.env.PATH, HOME: work, TUF_ROOT: path.join(work, 'tuf'), ...env },
      cwd: work,
      timeoutMs: 120_000,
    });
    return { code: 0, stdout: stdout.toString('utf8'), stderr };
  } catch (e) {
    if (e instanceof TestbedCommandError) return { code: e.exitCode ?? -1, stdout: '', stderr: e.stderr };
    throw e;
  }
}

/** cosign must succeed; the failure message carries its stderr. */
async function cosignOk(args: string[], env: Record<string, string> = {}): Promise<CosignResult> {
  const result = await cosign(args, env);
  expect(result.code, `cosign ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

const REGISTRY_FLAGS = ['--allow-http-registry=true', '--allow-insecure-registry=true'];

async function signAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const run = await runAction('cosign-sign', inputs, { env, timeoutMs: 180_000 });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  return run;
}

async function verifyAction(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction('cosign-sign', { mode: 'verify', ...inputs }, { timeoutMs: 180_000 });
}

/** A fresh repository holding the two-platform base image, so each case starts with no signatures. */
async function freshImage(registry: RegistryHandle): Promise<{ ref: string; base: BaseImage; repo: string }> {
  const repo = `interop/app${++repoCounter}`;
  const base = await pushBaseImage(registry, repo, 'v1');
  return { ref: `${registry.host}/${repo}@${base.indexDigest}`, base, repo };
}

async function writeJson(name: string, value: unknown): Promise<string> {
  const file = path.join(work, name);
  await writeFile(file, JSON.stringify(value));
  return file;
}

let predicates: { spdx: string; cyclonedx: string; provenance: string };

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  toolPath('cosign');
  work = await mkdtemp(path.join(os.tmpdir(), 'cosign-interop-'));
  sigstore = await startMockSigstore();
  oidc = await startOidcTokenEndpoint();
  trustedRootFile = await writeJson('trusted_root.json', sigstore.trustedRoot);
  registries.plain = await startRegistry('plain');
  registries.olareg = await startRegistry('olareg');
  predicates = {
    spdx: await writeJson('sbom.spdx.json', {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'interop',
      dataLicense: 'CC0-1.0',
      documentNamespace: 'https://deliverkit.dev/spdx/interop',
      creationInfo: { created: '2026-12-07T00:00:00Z', creators: ['Tool: deliverkit'] },
      packages: [],
    }),
    cyclonedx: await writeJson('bom.cdx.json', {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      components: [],
    }),
    provenance: await writeJson('provenance.json', {
      buildDefinition: {
        buildType: 'https://deliverkit.dev/buildtypes/multiarch/v1',
        externalParameters: {},
      },
      runDetails: { builder: { id: IDENTITY } },
    }),
  };
});

afterAll(async () => {
  await oidc?.stop();
  await sigstore?.stop();
  await stopAll();
});

const ATTESTATIONS = () =>
  [
    `type=spdx,path=${predicates.spdx}`,
    `type=cyclonedx,path=${predicates.cyclonedx}`,
    `type=slsaprovenance1,path=${predicates.provenance}`,
  ].join('\n');

const ATTESTATION_TYPES = ['spdxjson', 'cyclonedx', 'slsaprovenance1'] as const;

describe.each(['olareg', 'plain'] as const)(
  'cosign verifies what cosign-sign writes (%s registry)',
  (kind) => {
    const registry = () => registries[kind]!;

    describe.each(['bundle', 'legacy', 'both'] as const)('key-based, signature-format %s', (format) => {
      it('with our PEM key and with a cosign.key from cosign generate-key-pair', async () => {
        const ours = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
        const oursPub = path.join(work, `ours-${kind}-${format}.pub`);
        await writeFile(oursPub, ours.publicKey.export({ format: 'pem', type: 'spki' }));
        const keyDir = await mkdtemp(path.join(work, 'keys-'));
        await runCommand(toolPath('cosign'), ['generate-key-pair'], {
          cwd: keyDir,
          env: { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: 'interop-password' },
        });
        const keys: { key: string; pub: string; env: Record<string, string> }[] = [
          { key: ours.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), pub: oursPub, env: {} },
          {
            key: await readFile(path.join(keyDir, 'cosign.key'), 'utf8'),
            pub: path.join(keyDir, 'cosign.pub'),
            env: { COSIGN_PASSWORD: 'interop-password' },
          },
        ];
        for (const { key, pub, env } of keys) {
          const { ref, base, repo } = await freshImage(registry());
          await signAction(
            {
              image: ref,
              key,
              sigstore: 'none',
              recursive: 'true',
              'signature-format': format,
              attestations: ATTESTATIONS(),
            },
            env,
          );
          const legacyFlag = format === 'legacy' ? ['--new-bundle-format=false'] : [];
          for (const digest of [base.indexDigest, ...base.platforms.map((p) => p.digest)]) {
            await cosignOk([
              'verify',
              ...REGISTRY_FLAGS,
              ...legacyFlag,
              `--key=${pub}`,
              '--insecure-ignore-tlog=true',
              `${registry().host}/${repo}@${digest}`,
            ]);
          }
          for (const type of ATTESTATION_TYPES) {
            await cosignOk([
              'verify-attestation',
              ...REGISTRY_FLAGS,
              ...legacyFlag,
              `--type=${type}`,
              `--key=${pub}`,
              '--insecure-ignore-tlog=true',
              ref,
            ]);
          }
          // The judge can fail: another key does not verify.
          const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
          const strangerPub = path.join(work, 'stranger.pub');
          await writeFile(strangerPub, stranger.publicKey.export({ format: 'pem', type: 'spki' }));
          const rejected = await cosign([
            'verify',
            ...REGISTRY_FLAGS,
            ...legacyFlag,
            `--key=${strangerPub}`,
            '--insecure-ignore-tlog=true',
            ref,
          ]);
          expect(rejected.code).not.toBe(0);
        }
      });
    });

    it('keyless through the local Sigstore: identity, issuer and the GitHub workflow claims', async () => {
      const { ref, base, repo } = await freshImage(registry());
      await signAction(
        {
          image: ref,
          sigstore: sigstore.sigstoreSpec,
          recursive: 'true',
          'signature-format': 'both',
          attestations: ATTESTATIONS(),
        },
        oidc.env,
      );
      const claimFlags = [
        `--certificate-identity=${IDENTITY}`,
        `--certificate-oidc-issuer=${GITHUB_ISSUER}`,
        `--certificate-github-workflow-trigger=${CLAIMS.event_name as string}`,
        `--certificate-github-workflow-sha=${CLAIMS.sha as string}`,
        `--certificate-github-workflow-name=${CLAIMS.workflow as string}`,
        `--certificate-github-workflow-repository=${CLAIMS.repository as string}`,
        `--certificate-github-workflow-ref=${CLAIMS.ref as string}`,
      ];
      for (const digest of [base.indexDigest, ...base.platforms.map((p) => p.digest)]) {
        await cosignOk([
          'verify',
          ...REGISTRY_FLAGS,
          `--trusted-root=${trustedRootFile}`,
          ...claimFlags,
          `${registry().host}/${repo}@${digest}`,
        ]);
      }
      for (const type of ATTESTATION_TYPES) {
        await cosignOk([
          'verify-attestation',
          ...REGISTRY_FLAGS,
          `--trusted-root=${trustedRootFile}`,
          ...claimFlags,
          `--type=${type}`,
          ref,
        ]);
      }
      // The legacy .sig and .att layers (signature-format both) verify too, when cosign is told to read them.
      await cosignOk([
        'verify',
        ...REGISTRY_FLAGS,
        '--new-bundle-format=false',
        `--trusted-root=${trustedRootFile}`,
        ...claimFlags,
        ref,
      ]);
      for (const type of ATTESTATION_TYPES) {
        await cosignOk([
          'verify-attestation',
          ...REGISTRY_FLAGS,
          '--new-bundle-format=false',
          `--trusted-root=${trustedRootFile}`,
          ...claimFlags,
          `--type=${type}`,
          ref,
        ]);
      }
      // Each claim is really checked: a wrong value for any one of them fails.
      for (const flag of claimFlags) {
        const wrong = flag.replace(/=(.*)$/, '=$1-other');
        const rejected = await cosign([
          'verify',
          ...REGISTRY_FLAGS,
          `--trusted-root=${trustedRootFile}`,
          ...claimFlags.filter((f) => f !== flag),
          wrong,
          ref,
        ]);
        expect(rejected.code, `cosign accepted ${wrong}`).not.toBe(0);
      }
    });
  },
);

describe('cosign verifies at every destination after multi-registry-push', () => {
  it('keyless signatures and attestations copied by digest to olareg and a second distribution', async () => {
    const source = registries.plain!;
    const { ref, base, repo } = await freshImage(source);
    await signAction(
      {
        image: ref,
        sigstore: sigstore.sigstoreSpec,
        recursive: 'true',
        'signature-format': 'both',
        attestations: ATTESTATIONS(),
      },
      oidc.env,
    );
    const second = await startRegistry('plain');
    const destinations = [registries.olareg!, second];
    const push = await runAction(
      'multi-registry-push',
      {
        source: ref,
        destinations: destinations.map((d) => `${d.host}/promoted/app:v1`).join('\n'),
        'registry-auths': JSON.stringify(destinations.map((d) => ({ registry: d.host, insecure: true }))),
      },
      { timeoutMs: 180_000 },
    );
    expect(push.exitCode, push.stdout + push.stderr).toBe(0);
    expect(push.outputs.digest).toBe(base.indexDigest);

    const identity = [
      `--trusted-root=${trustedRootFile}`,
      `--certificate-identity=${IDENTITY}`,
      `--certificate-oidc-issuer=${GITHUB_ISSUER}`,
      `--certificate-github-workflow-repository=${CLAIMS.repository as string}`,
    ];
    for (const destination of destinations) {
      const copied = `${destination.host}/promoted/app`;
      for (const digest of [base.indexDigest, ...base.platforms.map((p) => p.digest)]) {
        await cosignOk(['verify', ...REGISTRY_FLAGS, ...identity, `${copied}@${digest}`]);
      }
      // The legacy .sig tag came along too: cosign finds it when told to look only there.
      await cosignOk([
        'verify',
        ...REGISTRY_FLAGS,
        ...identity,
        '--new-bundle-format=false',
        `${copied}@${base.indexDigest}`,
      ]);
      for (const type of ATTESTATION_TYPES) {
        await cosignOk([
          'verify-attestation',
          ...REGISTRY_FLAGS,
          ...identity,
          `--type=${type}`,
          `${copied}@${base.indexDigest}`,
        ]);
      }
    }
    expect(repo).toBeTruthy();
  });
});

describe('cosign-sign verifies what cosign writes', () => {
  const registry = () => registries.olareg!;

  it('key-based: cosign sign and attest (bundle and legacy .sig) pass mode: verify; another key does not', async () => {
    const keyDir = await mkdtemp(path.join(work, 'cosign-keys-'));
    const env = { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: 'reverse-password' };
    await runCommand(toolPath('cosign'), ['generate-key-pair'], { cwd: keyDir, env });
    const key = path.join(keyDir, 'cosign.key');
    const pub = path.join(keyDir, 'cosign.pub');
    for (const bundleFormat of [true, false]) {
      for (const target of [registries.olareg!, registries.plain!]) {
        const { ref } = await freshImage(target);
        const common = [
          ...REGISTRY_FLAGS,
          `--key=${key}`,
          '--tlog-upload=false',
          '--use-signing-config=false',
          `--new-bundle-format=${bundleFormat}`,
          '--yes',
        ];
        await cosignOk(['sign', ...common, ref], { COSIGN_PASSWORD: 'reverse-password' });
        await cosignOk(
          ['attest', ...common, '--type=cyclonedx', `--predicate=${predicates.cyclonedx}`, ref],
          {
            COSIGN_PASSWORD: 'reverse-password',
          },
        );
        const gate = await verifyAction({
          image: ref,
          'public-key': pub,
          'require-attestations': 'cyclonedx',
        });
        expect(gate.exitCode, gate.stdout + gate.stderr).toBe(0);
        expect(gate.outputs.verified).toBe('true');

        const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
        const strangerPub = await writeJson('stranger-reverse.pub', '');
        await writeFile(strangerPub, stranger.publicKey.export({ format: 'pem', type: 'spki' }));
        const rejected = await verifyAction({ image: ref, 'public-key': strangerPub });
        expect(rejected.exitCode).not.toBe(0);
        expect(rejected.stdout).toMatch(/::error::Verification failed/);
      }
    }
  });

  it.each([
    ['new bundle format', true],
    ['legacy .sig/.att', false],
  ] as const)(
    'keyless (%s): cosign sign and attest through the local Sigstore pass mode: verify; another identity does not',
    async (_label, bundleFormat) => {
      const { ref } = await freshImage(registry());
      // cosign reads the identity token from SIGSTORE_ID_TOKEN, as on a runner with a token from elsewhere.
      const tokenEnv = { SIGSTORE_ID_TOKEN: fakeIdentityToken() };
      const keyless = [
        ...REGISTRY_FLAGS,
        `--fulcio-url=${sigstore.fulcioURL}`,
        `--rekor-url=${sigstore.rekorURL}`,
        `--timestamp-server-url=${sigstore.tsaURL}/api/v1/timestamp`,
        `--trusted-root=${trustedRootFile}`,
        '--use-signing-config=false',
        `--new-bundle-format=${bundleFormat}`,
        '--yes',
      ];
      await cosignOk(['sign', ...keyless, ref], tokenEnv);
      await cosignOk(
        ['attest', ...keyless, '--type=spdxjson', `--predicate=${predicates.spdx}`, ref],
        tokenEnv,
      );

      const claims = {
        'source-repository': 'acme/app',
        'source-ref': 'refs/heads/main',
        'source-digest': CLAIMS.sha as string,
        'signer-workflow': 'acme/app/.github/workflows/release.yml',
        'signer-digests': CLAIMS.job_workflow_sha as string,
        trigger: 'push',
      };
      const gate = await verifyAction({
        image: ref,
        'certificate-identity': IDENTITY,
        'certificate-oidc-issuer': GITHUB_ISSUER,
        ...claims,
        'trusted-root': trustedRootFile,
        'require-attestations': 'spdx',
      });
      expect(gate.exitCode, gate.stdout + gate.stderr).toBe(0);
      expect(gate.outputs.verified).toBe('true');

      // Same SAN, another caller: the certificate's source repository claim refuses it.
      const foreignCaller = await verifyAction({
        image: ref,
        'certificate-identity': IDENTITY,
        'certificate-oidc-issuer': GITHUB_ISSUER,
        ...claims,
        'source-repository': 'evil/fork',
        'trusted-root': trustedRootFile,
      });
      expect(foreignCaller.exitCode).not.toBe(0);
      expect(foreignCaller.stdout).toMatch(/CLAIM_MISMATCH.*source-repository/);

      const stranger = await verifyAction({
        image: ref,
        'certificate-identity': 'https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main',
        'certificate-oidc-issuer': GITHUB_ISSUER,
        'trusted-root': trustedRootFile,
      });
      expect(stranger.exitCode).not.toBe(0);
      expect(stranger.stdout).toMatch(/IDENTITY_MISMATCH/);
    },
  );
});
