// The sign package's entries the cosign-sign action calls: signAndAttest and verifyImageGate, against a real
// registry (distribution 2.8.2 from the test bed), key-based so no Sigstore instance is needed. What the action
// relies on: the report (record sections, verify commands, signers) and user mistakes coming back as
// InputError / ConfigurationError that name the caller's input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, InputError } from '../../packages/action-kit/src/index';
import { Registries } from '../../packages/oci/src/index';
import {
  signAndAttest,
  type SignRequest,
  verifyImageGate,
  type VerifyRequest,
} from '../../packages/sign/src/index';
import { NO_INSTANCE } from '../../packages/sign/src/instance';
import { generateCosignKeyPair } from './key-pair';
import { SPDX_PREDICATE } from '../../packages/sign/src/statement';
import {
  ensureTestbed,
  pushBaseImage,
  startRegistry,
  stopAll,
  type BaseImage,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

let plain: RegistryHandle;
let base: BaseImage;
let registries: Registries;
let pair: { privateKeyPem: string; publicKeyPem: string };
let work: string;
let sbomPath: string;

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  plain = await startRegistry('plain');
  base = await pushBaseImage(plain, 'acme/gate', 'v1');
  registries = new Registries({ hosts: { [plain.host]: { insecure: true } } });
  pair = await generateCosignKeyPair('pw');
  work = mkdtempSync(path.join(tmpdir(), 'image-gate-'));
  sbomPath = path.join(work, 'sbom.spdx.json');
  writeFileSync(
    sbomPath,
    JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', packages: [] }),
  );
});
afterAll(async () => {
  registries?.close();
  rmSync(work, { recursive: true, force: true });
  await stopAll();
});

function signRequest(overrides: Partial<SignRequest> = {}): SignRequest {
  return {
    registry: registries.client(plain.host),
    image: { registry: plain.host, repository: 'acme/gate', tag: 'v1' },
    identity: { kind: 'key', pem: pair.privateKeyPem, password: 'pw' },
    instance: NO_INSTANCE,
    format: 'bundle',
    recursive: false,
    attestations: [],
    dryRun: false,
    ...overrides,
  };
}

function verifyRequest(overrides: Partial<VerifyRequest> = {}): VerifyRequest {
  return {
    registry: registries.client(plain.host),
    image: { registry: plain.host, repository: 'acme/gate', digest: base.indexDigest },
    recursive: false,
    policy: { kind: 'key', publicKeyPem: pair.publicKeyPem },
    trust: { kind: 'file', path: 'unused', trustedRoot: {} },
    trustGiven: false,
    requirePredicateTypes: [],
    ...overrides,
  };
}

describe('when an image is signed with a key and an SBOM attached', () => {
  it('reports the record section, the verify commands, and passes the gate naming the key', async () => {
    const signed = await signAndAttest(
      signRequest({
        attestations: [{ type: 'spdx', path: sbomPath, source: `type=spdx,path=${sbomPath}` }],
      }),
    );
    expect(signed.digest).toBe(base.indexDigest);
    expect(signed.resolvedFromTag).toBe('v1');
    expect(signed.record).toMatchObject({ format: 'bundle', dryRun: false });
    expect(signed.record.manifests[0]!.bundles.map((b) => b.predicateType)).toContain(SPDX_PREDICATE);
    expect(signed.verifyCommands[0]).toMatch(/^cosign verify --key=cosign\.pub --insecure-ignore-tlog=true /);
    expect(signed.verifyCommands[1]).toMatch(/^cosign verify-attestation --type=spdxjson /);

    const verified = await verifyImageGate(verifyRequest({ requirePredicateTypes: [SPDX_PREDICATE] }));
    expect(verified.signers).toHaveLength(1);
    expect(verified.trustSource).toBeUndefined();
    expect(verified.record).toMatchObject({ verified: true, rejected: 0, attestations: [SPDX_PREDICATE] });
  });
});

describe('when the user gave something wrong', () => {
  it('names the password input when the password does not decrypt the key', async () => {
    const e = await signAndAttest(
      signRequest({
        identity: { kind: 'key', pem: pair.privateKeyPem, password: 'wrong' },
        inputNames: { keyPassword: 'signing-key-password', key: 'signing-key' },
      }),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({
      input: 'signing-key-password',
      code: 'INPUT_INVALID',
      cause: { code: 'KEY_DECRYPT_FAILED' },
    });
  });

  it('names the image input when the image does not exist', async () => {
    const e = await signAndAttest(
      signRequest({ image: { registry: plain.host, repository: 'acme/absent', tag: 'v1' } }),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ input: 'image', cause: { code: 'IMAGE_NOT_FOUND' } });
  });

  it('names the attestations input when a predicate file cannot be read, before anything is signed', async () => {
    const e = await signAndAttest(
      signRequest({
        image: { registry: plain.host, repository: 'acme/absent', tag: 'v1' },
        attestations: [
          { type: 'spdx', path: path.join(work, 'missing.json'), source: 'type=spdx,path=missing.json' },
        ],
        inputNames: { attestations: 'predicates' },
      }),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ input: 'predicates' });
  });

  it('blocks an image signed by another key as a configuration error with the verify code', async () => {
    const other = await generateCosignKeyPair('x');
    const e = await verifyImageGate(
      verifyRequest({ policy: { kind: 'key', publicKeyPem: other.publicKeyPem } }),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigurationError);
    expect(e).toMatchObject({ code: 'INVALID_CONFIGURATION', cause: { code: 'SIGNATURE_INVALID' } });
  });
});
