import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registries } from '../../packages/oci/src/index';
import { StaticCredentials } from '../../packages/oci/src/auth';
import { type RegistryClient } from '../../packages/oci/src/client';
import { loadSigningKey } from '../../packages/sign/src/keys';
import { generateCosignKeyPair } from './key-pair';
import { NO_INSTANCE, parseSigstoreInstance } from '../../packages/sign/src/instance';
import { StatementSigner } from '../../packages/sign/src/signer';
import { signImage, type SignatureRegistry } from '../../packages/sign/src/store';
import { verifyImage } from '../../packages/sign/src/verify-image';
import {
  COSIGN_SIGN_PREDICATE,
  CYCLONEDX_PREDICATE,
  SLSA_PROVENANCE_V1_PREDICATE,
  SPDX_PREDICATE,
} from '../../packages/sign/src/statement';
import {
  fakeIdentityToken,
  GITHUB_ISSUER,
  startMockSigstore,
  staticIdentityProvider,
  type MockSigstore,
} from '@deliverkit/testing-sigstore';
import {
  ensureTestbed,
  pushBaseImage,
  skopeoInspectRaw,
  startRegistry,
  stopAll,
  viaProxy,
  type BaseImage,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

let sigstore: MockSigstore;
let plain: RegistryHandle;
let base: BaseImage;
let registries: Registries;

function clientFor(r: RegistryHandle): RegistryClient {
  const regs = new Registries({
    credentials: new StaticCredentials(
      r.username ? { [r.host]: { username: r.username, password: r.password } } : {},
    ),
    hosts: { [r.host]: r.insecure ? { insecure: true } : { ca: r.caPem } },
  });
  return regs.client(r.host);
}

function keyless() {
  return new StatementSigner({
    identity: { kind: 'keyless', identityProvider: staticIdentityProvider(fakeIdentityToken(), () => {}) },
    instance: parseSigstoreInstance(sigstore.sigstoreSpec),
  });
}

const sbom = {
  spdxVersion: 'SPDX-2.3',
  SPDXID: 'SPDXRef-DOCUMENT',
  dataLicense: 'CC0-1.0',
  name: 'app',
  documentNamespace: 'https://example.com/spdx/app-1',
  creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: deliverkit'] },
  packages: [],
};
const cdx = { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] };
const provenance = {
  buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1', externalParameters: {} },
  runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
};

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  sigstore = await startMockSigstore();
  plain = await startRegistry('plain');
  base = await pushBaseImage(plain, 'acme/app', 'v1');
  registries = new Registries({ hosts: { [plain.host]: { insecure: true } } });
});
afterAll(async () => {
  registries?.close();
  await sigstore?.stop();
  await stopAll();
});

describe('keyless, recursive, both formats, with attestations, on distribution 2.8.2 (no referrers API)', () => {
  let result: Awaited<ReturnType<typeof signImage>>;
  let client: RegistryClient;
  beforeAll(async () => {
    client = registries.client(plain.host);
    result = await signImage({
      registry: client,
      image: { registry: plain.host, repository: 'acme/app', tag: 'v1' },
      signer: keyless(),
      format: 'both',
      recursive: true,
      attestations: [
        { predicateType: SPDX_PREDICATE, predicate: sbom },
        { predicateType: CYCLONEDX_PREDICATE, predicate: cdx },
        { predicateType: SLSA_PROVENANCE_V1_PREDICATE, predicate: provenance },
      ],
    });
  });

  it('resolves the tag once and signs the index and every platform manifest', () => {
    expect(result.digest).toBe(base.indexDigest);
    expect(result.resolvedFromTag).toBe('v1');
    expect(result.manifests.map((m) => m.digest).sort()).toEqual(
      [base.indexDigest, ...base.platforms.map((p) => p.digest)].sort(),
    );
    expect(
      result.manifests
        .map((m) => m.platform)
        .filter(Boolean)
        .sort(),
    ).toEqual(['linux/amd64', 'linux/arm64']);
    expect(result.identity).toEqual({ subjectAlternativeName: IDENTITY, issuer: GITHUB_ISSUER });
    expect(result.manifests[0]!.bundles.map((b) => b.predicateType)).toEqual([
      COSIGN_SIGN_PREDICATE,
      SPDX_PREDICATE,
      CYCLONEDX_PREDICATE,
      SLSA_PROVENANCE_V1_PREDICATE,
    ]);
  });

  it('stores each bundle as cosign v3 does: artifact manifest + sha256-<hex> tag-schema index', async () => {
    const hex = base.indexDigest.slice('sha256:'.length);
    const index = JSON.parse((await skopeoInspectRaw(plain, `acme/app:sha256-${hex}`)).toString());
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests).toHaveLength(4);
    for (const d of index.manifests) {
      expect(d.artifactType).toBe(BUNDLE_TYPE);
      expect(d.annotations['dev.sigstore.bundle.content']).toBe('dsse-envelope');
    }
    const sig = result.manifests[0]!.bundles[0]!;
    const manifest = JSON.parse((await skopeoInspectRaw(plain, `acme/app@${sig.referrerDigest}`)).toString());
    expect(manifest).toMatchObject({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: BUNDLE_TYPE,
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        size: 2,
      },
      subject: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: base.indexDigest },
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE,
      },
    });
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe(BUNDLE_TYPE);
    const bundle = JSON.parse((await client.fetchBlob('acme/app', manifest.layers[0])).toString());
    expect(bundle.mediaType).toBe(BUNDLE_TYPE);
    expect(bundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json');
  });

  it('writes the legacy .sig image with the media types and annotations cosign ≤ 2.5 reads', async () => {
    for (const m of result.manifests) {
      const hex = m.digest.slice('sha256:'.length);
      expect(m.legacySignatureTag).toBe(`sha256-${hex}.sig`);
      const sigManifest = JSON.parse(
        (await skopeoInspectRaw(plain, `acme/app:sha256-${hex}.sig`)).toString(),
      );
      expect(sigManifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(sigManifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
      expect(sigManifest.layers).toHaveLength(1);
      const layer = sigManifest.layers[0];
      expect(layer.mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
      expect(Object.keys(layer.annotations).sort()).toEqual([
        'dev.cosignproject.cosign/signature',
        'dev.sigstore.cosign/bundle',
        'dev.sigstore.cosign/certificate',
        'dev.sigstore.cosign/chain',
        'dev.sigstore.cosign/rfc3161timestamp',
      ]);
      expect(layer.annotations['dev.sigstore.cosign/certificate']).toMatch(/^-----BEGIN CERTIFICATE-----/);
      const set = JSON.parse(layer.annotations['dev.sigstore.cosign/bundle']);
      expect(Object.keys(set.Payload).sort()).toEqual(['body', 'integratedTime', 'logID', 'logIndex']);
      const payload = JSON.parse((await client.fetchBlob('acme/app', layer)).toString());
      expect(payload).toEqual({
        critical: {
          identity: { 'docker-reference': `${plain.host}/acme/app` },
          image: { 'docker-manifest-digest': m.digest },
          type: 'cosign container image signature',
        },
        optional: null,
      });
    }
    const att = JSON.parse(
      (await skopeoInspectRaw(plain, `acme/app:${result.manifests[0]!.legacyAttestationTag}`)).toString(),
    );
    expect(att.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual(
      Array(3).fill('application/vnd.dsse.envelope.v1+json'),
    );
    expect(
      att.layers.map((l: { annotations: Record<string, string> }) => l.annotations.predicateType),
    ).toEqual([SPDX_PREDICATE, CYCLONEDX_PREDICATE, SLSA_PROVENANCE_V1_PREDICATE]);
  });

  it('verifies by identity and issuer, recursively, with the required attestations', async () => {
    const v = await verifyImage({
      registry: client,
      image: { registry: plain.host, repository: 'acme/app', digest: base.indexDigest },
      trustedRoot: sigstore.trustedRoot,
      policy: { kind: 'certificate', identity: IDENTITY, issuer: GITHUB_ISSUER },
      recursive: true,
      requirePredicateTypes: [SPDX_PREDICATE, CYCLONEDX_PREDICATE, SLSA_PROVENANCE_V1_PREDICATE],
    });
    expect(v.manifests).toHaveLength(3);
    for (const m of v.manifests) expect(m.signatures.length).toBeGreaterThan(0);
    expect(v.attestations.map((a) => a.predicateType).sort()).toEqual(
      [CYCLONEDX_PREDICATE, SLSA_PROVENANCE_V1_PREDICATE, SPDX_PREDICATE].sort(),
    );
    expect(v.rejected).toEqual([]);
  });

  it('rejects another identity and a missing attestation type', async () => {
    const image = { registry: plain.host, repository: 'acme/app', digest: base.indexDigest };
    await expect(
      verifyImage({
        registry: client,
        image,
        trustedRoot: sigstore.trustedRoot,
        policy: {
          kind: 'certificate',
          identity: 'https://github.com/evil/x/.github/workflows/a.yml@refs/heads/main',
          issuer: GITHUB_ISSUER,
        },
      }),
    ).rejects.toMatchObject({ code: 'IDENTITY_MISMATCH' });
    await expect(
      verifyImage({
        registry: client,
        image,
        trustedRoot: sigstore.trustedRoot,
        policy: { kind: 'certificate', identity: IDENTITY, issuer: GITHUB_ISSUER },
        requirePredicateTypes: ['https://example.com/vuln/v1'],
      }),
    ).rejects.toMatchObject({ code: 'MISSING_ATTESTATION' });
  });
});

describe('on a registry with the OCI 1.1 referrers API (olareg)', () => {
  it('attaches bundles the registry indexes itself (no sha256- tag) and verifies them through the API', async () => {
    const olareg = await startRegistry('olareg', { proxy: true });
    // Through the fault proxy (a pass-through here) to count what the verifier asks the registry.
    const api = viaProxy(olareg);
    await pushBaseImage(api, 'acme/api', 'v1');
    const regs = new Registries({ hosts: { [api.host]: { insecure: true } } });
    const client = regs.client(api.host);
    const signed = await signImage({
      registry: client,
      image: { registry: api.host, repository: 'acme/api', tag: 'v1' },
      signer: keyless(),
      attestations: [{ predicateType: SPDX_PREDICATE, predicate: sbom }],
    });
    const found = await client.getReferrers('acme/api', signed.digest);
    expect(found.via).toBe('api');
    expect(found.descriptors).toHaveLength(2);
    expect(found.descriptors.every((d) => d.artifactType === BUNDLE_TYPE)).toBe(true);
    const tags = await regs.client(olareg.host).listTags('acme/api');
    expect(tags.filter((t) => /^sha256-[a-f0-9]{64}$/.test(t))).toEqual([]);
    const referrersRequests = () => olareg.proxy!.hits.filter((h) => h.path.includes('/referrers/')).length;
    const before = referrersRequests();
    const v = await verifyImage({
      registry: client,
      image: { registry: api.host, repository: 'acme/api', digest: signed.digest },
      trustedRoot: sigstore.trustedRoot,
      policy: { kind: 'certificate', identity: IDENTITY, issuer: GITHUB_ISSUER },
      requirePredicateTypes: [SPDX_PREDICATE],
    });
    expect(referrersRequests()).toBeGreaterThan(before);
    expect(v.manifests[0]!.signatures[0]).toMatchObject({ signer: { subjectAlternativeName: IDENTITY } });
    regs.close();
    await olareg.stop();
  });
});

describe('legacy only', () => {
  it('is found and verified through the .sig tag when there are no bundles (cosign v3 fallback)', async () => {
    const client = registries.client(plain.host);
    await pushBaseImage(plain, 'acme/legacy', 'v1');
    const signed = await signImage({
      registry: client,
      image: { registry: plain.host, repository: 'acme/legacy', tag: 'v1' },
      signer: keyless(),
      format: 'legacy',
    });
    expect(signed.manifests[0]!.bundles).toEqual([]);
    const v = await verifyImage({
      registry: client,
      image: { registry: plain.host, repository: 'acme/legacy', digest: signed.digest },
      trustedRoot: sigstore.trustedRoot,
      policy: {
        kind: 'certificate',
        identityRegExp: '^https://github\\.com/acme/.+$',
        issuer: GITHUB_ISSUER,
      },
    });
    expect(v.manifests[0]!.signatures[0]).toMatchObject({
      source: 'legacy',
      signer: { subjectAlternativeName: IDENTITY },
    });
    await expect(
      verifyImage({
        registry: client,
        image: { registry: plain.host, repository: 'acme/legacy', digest: signed.digest },
        trustedRoot: sigstore.trustedRoot,
        policy: { kind: 'certificate', identity: 'https://github.com/evil/x', issuer: GITHUB_ISSUER },
      }),
    ).rejects.toMatchObject({ code: 'IDENTITY_MISMATCH' });
  });
});

describe('key-based on an HTTPS registry with basic auth', () => {
  it('signs with a cosign.key and verifies with cosign.pub, no transparency log', async () => {
    const basic = await startRegistry('basic');
    await pushBaseImage(basic, 'acme/keyed', 'v1');
    const client = clientFor(basic);
    const pair = await generateCosignKeyPair('pw');
    const signer = new StatementSigner({
      identity: { kind: 'key', key: await loadSigningKey(pair.privateKeyPem, 'pw') },
      instance: NO_INSTANCE,
    });
    const signed = await signImage({
      registry: client,
      image: { registry: basic.host, repository: 'acme/keyed', tag: 'v1' },
      signer,
      recursive: true,
    });
    expect(signed.manifests).toHaveLength(3);
    const image = { registry: basic.host, repository: 'acme/keyed', digest: signed.digest };
    const v = await verifyImage({
      registry: client,
      image,
      policy: { kind: 'key', publicKeyPem: pair.publicKeyPem },
      recursive: true,
    });
    expect(v.manifests.every((m) => m.signatures.length === 1)).toBe(true);
    const other = await generateCosignKeyPair('x');
    await expect(
      verifyImage({ registry: client, image, policy: { kind: 'key', publicKeyPem: other.publicKeyPem } }),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });
});

describe('bad input', () => {
  it('reports an image that does not exist', async () => {
    await expect(
      signImage({
        registry: registries.client(plain.host),
        image: { registry: plain.host, repository: 'acme/nope', tag: 'v1' },
        signer: keyless(),
      }),
    ).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
  });

  it('keeps the signature bound to the resolved digest when the tag moves during signing', async () => {
    const client = registries.client(plain.host);
    const img = await pushBaseImage(plain, 'acme/moving', 'v1');
    const amd64 = img.platforms.find((p) => p.platform === 'linux/amd64')!.digest;
    let moved = false;
    // After the tag is resolved, a concurrent push points it at the amd64 manifest (a real PUT).
    const racing: SignatureRegistry = Object.assign(Object.create(client) as RegistryClient, {
      async getManifestIfExists(repo: string, ref: string) {
        const got = await client.getManifestIfExists(repo, ref);
        if (ref === 'v1' && !moved) {
          moved = true;
          const m = await client.getManifest(repo, amd64);
          await client.putManifest(repo, 'v1', m.bytes, m.descriptor.mediaType);
        }
        return got;
      },
    });
    const signed = await signImage({
      registry: racing,
      image: { registry: plain.host, repository: 'acme/moving', tag: 'v1' },
      signer: keyless(),
    });
    expect(moved).toBe(true);
    expect(signed.digest).toBe(img.indexDigest);
    expect((await client.getManifest('acme/moving', 'v1')).descriptor.digest).toBe(amd64);
    const policy = { kind: 'certificate' as const, identity: IDENTITY, issuer: GITHUB_ISSUER };
    const ok = await verifyImage({
      registry: client,
      image: { registry: plain.host, repository: 'acme/moving', digest: img.indexDigest },
      trustedRoot: sigstore.trustedRoot,
      policy,
    });
    expect(ok.digest).toBe(img.indexDigest);
    await expect(
      verifyImage({
        registry: client,
        image: { registry: plain.host, repository: 'acme/moving', tag: 'v1' },
        trustedRoot: sigstore.trustedRoot,
        policy,
      }),
    ).rejects.toMatchObject({ code: 'NO_SIGNATURES' });
  });
});
