// crane, oras and regctl (the tool belt's, built from tools/go/registry) read what multiarch-build, cosign-sign and
// multi-registry-push write, on a registry with the OCI 1.1 referrers API (olareg) and on one without (distribution
// 2.8.2, where referrers live in the `sha256-<hex>` tag schema); and our copy engine carries, digest-identical,
// images whose referrers were attached by `oras attach` and `cosign attest`.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestbed,
  pushBaseImage,
  runAction,
  runCommand,
  startRegistry,
  stopAll,
  toolPath,
  type ActionRun,
  type BeltTool,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

let work: string;
let plain: RegistryHandle;
let olareg: RegistryHandle;
let mirror: RegistryHandle;

/** Runs a peer with a private HOME (no credentials, no caches from this machine) and returns stdout. */
async function peer(tool: BeltTool, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await runCommand(toolPath(tool), args, {
    env: { PATH: process.env.PATH, HOME: work, ...env },
    cwd: work,
    timeoutMs: 120_000,
  });
  return stdout.toString('utf8');
}

const crane = (...args: string[]) => peer('crane', [...args, '--insecure']);
const regctl = (...args: string[]) => peer('regctl', args);
const oras = (...args: string[]) => peer('oras', [...args, '--plain-http']);

async function action(name: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const run: ActionRun = await runAction(name, inputs, { env, timeoutMs: 600_000, cwd: work });
  expect(run.exitCode, `${name}\n${run.stdout}${run.stderr}`).toBe(0);
  return run;
}

/** What every peer must agree on for one image in one repository. */
async function expectPeersRead(
  registry: RegistryHandle,
  repo: string,
  index: string,
  platforms: string[],
  referrers: Map<string, string[]>,
): Promise<void> {
  const ref = (digest: string) => `${registry.host}/${repo}@${digest}`;
  // The index, byte for byte, from each client.
  for (const raw of [
    await crane('manifest', ref(index)),
    await oras('manifest', 'fetch', ref(index)),
    await regctl('manifest', 'get', '--format', 'raw-body', ref(index)),
  ]) {
    expect(sha256(raw)).toBe(index);
    expect((JSON.parse(raw) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest)).toEqual(
      platforms,
    );
  }
  for (const digest of platforms) {
    expect(sha256(await crane('manifest', ref(digest)))).toBe(digest);
    expect(sha256(await regctl('manifest', 'get', '--format', 'raw-body', ref(digest)))).toBe(digest);
    // Every blob is there and hashes to its digest (crane downloads and checks each one).
    await crane('validate', '--remote', ref(digest));
  }
  // Referrers: oras through the API or the tag schema as the registry allows; regctl decides by itself.
  const spec = registry.kind === 'olareg' ? 'v1.1-referrers-api' : 'v1.1-referrers-tag';
  for (const [subject, expected] of referrers) {
    const discovered = JSON.parse(
      await oras('discover', '--distribution-spec', spec, '--format', 'json', ref(subject)),
    ) as { referrers?: { digest: string }[]; manifests?: { digest: string }[] };
    const orasDigests = (discovered.referrers ?? discovered.manifests ?? []).map((d) => d.digest).sort();
    expect(orasDigests, `oras discover ${ref(subject)}`).toEqual([...expected].sort());
    const listed = JSON.parse(await regctl('artifact', 'list', '--format', '{{json .}}', ref(subject))) as {
      descriptors?: { digest: string }[];
    };
    expect(
      (listed.descriptors ?? []).map((d) => d.digest).sort(),
      `regctl artifact list ${ref(subject)}`,
    ).toEqual([...expected].sort());
    if (registry.kind !== 'olareg') {
      // crane reads the tag-schema index like any manifest.
      const tagIndex = JSON.parse(
        await crane('manifest', `${registry.host}/${repo}:sha256-${subject.slice(7)}`),
      ) as {
        manifests: { digest: string }[];
      };
      expect(tagIndex.manifests.map((m) => m.digest).sort()).toEqual([...expected].sort());
    }
  }
}

beforeAll(async () => {
  await ensureTestbed({ docker: false });
  work = await mkdtemp(path.join(os.tmpdir(), 'registry-peers-'));
  [plain, olareg, mirror] = await Promise.all([
    startRegistry('plain'),
    startRegistry('olareg'),
    startRegistry('plain'),
  ]);
  // regctl keeps per-registry settings in $HOME/.regctl: these registries speak plain HTTP.
  for (const registry of [plain, olareg, mirror])
    await regctl('registry', 'set', '--tls', 'disabled', registry.host);
});

afterAll(stopAll);

describe('crane, oras and regctl read what multiarch-build, cosign-sign and multi-registry-push write', () => {
  it('index, each platform and every referrer, at the source and at both destinations', async () => {
    await pushBaseImage(plain, 'base', 'latest');
    const context = path.join(work, 'context');
    await runCommand('mkdir', ['-p', context]);
    await writeFile(path.join(context, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nCOPY hello.txt /hello.txt\n');
    await writeFile(path.join(context, 'hello.txt'), 'hello from deliverkit\n');
    const storage = path.join(work, 'storage.conf');
    await writeFile(
      storage,
      `[storage]\ndriver = "vfs"\nrunroot = "${work}/run"\ngraphroot = "${work}/root"\n`,
    );
    const built = await action(
      'multiarch-build',
      {
        context,
        images: `${plain.host}/peers/app`,
        tags: 'type=raw,value=v1',
        'build-args': `BASE=${plain.host}/base:latest`,
        builder: 'buildah',
        cache: 'none',
        push: 'true',
        platforms: 'linux/amd64,linux/arm64',
        'insecure-registries': plain.host,
      },
      { CONTAINERS_STORAGE_CONF: storage, BUILDAH_ISOLATION: 'chroot', GITHUB_SHA: 'a'.repeat(40) },
    );
    const index = built.outputs.digest!;
    const platforms = Object.values(JSON.parse(built.outputs['platform-digests']!) as Record<string, string>);
    expect(platforms, built.outputs.json).toHaveLength(2);

    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const sbom = path.join(work, 'bom.json');
    await writeFile(
      sbom,
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] }),
    );
    const signed = await action('cosign-sign', {
      image: `${plain.host}/peers/app@${index}`,
      key: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      sigstore: 'none',
      recursive: 'true',
      attestations: `type=cyclonedx,path=${sbom}`,
    });
    const bundles = JSON.parse(signed.outputs.bundles!) as Record<string, { referrerDigest: string }[]>;
    const referrers = new Map(
      Object.entries(bundles).map(([d, list]) => [d, list.map((b) => b.referrerDigest)]),
    );
    expect(referrers.get(index), signed.outputs.bundles).toHaveLength(2);

    await action('multi-registry-push', {
      source: `${plain.host}/peers/app@${index}`,
      destinations: `${olareg.host}/promoted/app:v1\n${mirror.host}/promoted/app:v1`,
    });

    await expectPeersRead(plain, 'peers/app', index, platforms, referrers);
    await expectPeersRead(olareg, 'promoted/app', index, platforms, referrers);
    await expectPeersRead(mirror, 'promoted/app', index, platforms, referrers);
    // The tag points at the same digest everywhere, as each peer resolves it.
    for (const registry of [olareg, mirror]) {
      expect((await crane('digest', `${registry.host}/promoted/app:v1`)).trim()).toBe(index);
      expect((await regctl('image', 'digest', `${registry.host}/promoted/app:v1`)).trim()).toBe(index);
    }
  });
});

describe('the copy engine carries referrers that oras and cosign attached', () => {
  it('digest-identical, with every referrer discoverable at each destination', async () => {
    const base = await pushBaseImage(plain, 'attached/app', 'v1');
    const source = `${plain.host}/attached/app@${base.indexDigest}`;
    const note = path.join(work, 'scan.json');
    await writeFile(note, JSON.stringify({ scanner: 'example', findings: [] }));
    // oras attach writes an OCI 1.1 artifact manifest with a subject (tag schema on distribution 2.8.2).
    await peer('oras', [
      'attach',
      '--plain-http',
      '--distribution-spec',
      'v1.1-referrers-tag',
      '--artifact-type',
      'application/vnd.example.scan+json',
      source,
      `${path.basename(note)}:application/json`,
    ]);
    const keyDir = await mkdtemp(path.join(work, 'cosign-'));
    const cosignEnv = { COSIGN_PASSWORD: 'peers' };
    await runCommand(toolPath('cosign'), ['generate-key-pair'], {
      cwd: keyDir,
      env: { PATH: process.env.PATH, HOME: work, ...cosignEnv },
    });
    const sbom = path.join(work, 'attest.cdx.json');
    await writeFile(
      sbom,
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] }),
    );
    await peer(
      'cosign',
      [
        'attest',
        '--allow-http-registry=true',
        `--key=${path.join(keyDir, 'cosign.key')}`,
        '--tlog-upload=false',
        '--use-signing-config=false',
        '--type=cyclonedx',
        `--predicate=${sbom}`,
        '--yes',
        source,
      ],
      cosignEnv,
    );
    const attached = JSON.parse(
      await oras('discover', '--distribution-spec', 'v1.1-referrers-tag', '--format', 'json', source),
    ) as { referrers?: { digest: string }[]; manifests?: { digest: string }[] };
    const expected = (attached.referrers ?? attached.manifests ?? []).map((d) => d.digest).sort();
    expect(expected).toHaveLength(2);

    await action('multi-registry-push', {
      source,
      destinations: `${olareg.host}/attached/app:v1\n${mirror.host}/attached/app:v1`,
    });
    for (const registry of [olareg, mirror]) {
      const dest = `${registry.host}/attached/app@${base.indexDigest}`;
      expect(sha256(await crane('manifest', dest))).toBe(base.indexDigest);
      const spec = registry.kind === 'olareg' ? 'v1.1-referrers-api' : 'v1.1-referrers-tag';
      const found = JSON.parse(
        await oras('discover', '--distribution-spec', spec, '--format', 'json', dest),
      ) as {
        referrers?: { digest: string }[];
        manifests?: { digest: string }[];
      };
      expect((found.referrers ?? found.manifests ?? []).map((d) => d.digest).sort()).toEqual(expected);
      // Each referrer is byte-identical: the same digest fetched at the destination hashes to itself.
      for (const digest of expected) {
        expect(sha256(await crane('manifest', `${registry.host}/attached/app@${digest}`))).toBe(digest);
      }
      // And cosign still verifies its attestation there.
      await peer(
        'cosign',
        [
          'verify-attestation',
          '--allow-http-registry=true',
          `--key=${path.join(keyDir, 'cosign.pub')}`,
          '--insecure-ignore-tlog=true',
          '--type=cyclonedx',
          dest,
        ],
        cosignEnv,
      );
    }
  });
});
