// Sign + attach (key-based, no Sigstore services) and verify for the two-platform test image with
// `recursive`, against a loopback distribution 2.8.2 registry. Reports median latency and registry round
// trips per operation, and the target (verify ≤ 300 ms per image).
//
// Peer: cosign v3 (the tool belt's, built from tools/go/cosign) doing the same work in the same run, with the same
// key (made by `cosign generate-key-pair`): `cosign sign --recursive` of the index, and `cosign verify` of the index
// and each platform manifest (cosign has no recursive verify). Ratios are ours / cosign; cosign's figures include
// its process start, which is what a workflow step running cosign pays too.
//
//   bash scripts/testbed.sh && npx tsx bench/sign.bench.ts [runs]
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registries } from '../packages/oci/src/index';
import { type RegistryClient } from '../packages/oci/src/client';
import { loadSigningKey } from '../packages/sign/src/keys';
import { NO_INSTANCE } from '../packages/sign/src/instance';
import { StatementSigner } from '../packages/sign/src/signer';
import { signImage, type SignatureRegistry } from '../packages/sign/src/store';
import { verifyImage } from '../packages/sign/src/verify-image';
import { pushBaseImage, runCommand, startRegistry, stopAll, toolPath } from '@deliverkit/testing-testbed';

const runs = Number(process.argv[2] ?? 15);

function counting(client: RegistryClient): {
  registry: SignatureRegistry;
  calls: () => number;
  reset: () => void;
} {
  let n = 0;
  const methods = [
    'getManifest',
    'getManifestIfExists',
    'putManifest',
    'pushBlob',
    'fetchBlob',
    'getReferrers',
    'pushReferrer',
  ] as const;
  // Logical registry operations; pushBlob is HEAD (+ POST + PUT when missing), pushReferrer is PUT (+ tag index GET + PUT).
  const registry = Object.fromEntries(
    methods.map((m) => [
      m,
      (...args: unknown[]) => (n++, (client[m] as (...a: unknown[]) => unknown).apply(client, args)),
    ]),
  ) as unknown as SignatureRegistry;
  return { registry, calls: () => n, reset: () => (n = 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const reg = await startRegistry('plain');
  const registries = new Registries({ hosts: { [reg.host]: { insecure: true } } });
  const client = registries.client(reg.host);
  const cosign = toolPath('cosign');
  const keyDir = await mkdtemp(path.join(os.tmpdir(), 'sign-bench-'));
  const cosignEnv = { PATH: process.env.PATH, HOME: keyDir, COSIGN_PASSWORD: 'bench' };
  await runCommand(cosign, ['generate-key-pair'], { cwd: keyDir, env: cosignEnv });
  const keyFile = path.join(keyDir, 'cosign.key');
  const pubFile = path.join(keyDir, 'cosign.pub');
  const signer = new StatementSigner({
    identity: { kind: 'key', key: await loadSigningKey(await readFile(keyFile, 'utf8'), 'bench') },
    instance: NO_INSTANCE,
  });
  const policy = { kind: 'key' as const, publicKeyPem: await readFile(pubFile, 'utf8') };
  const http = ['--allow-http-registry=true', '--allow-insecure-registry=true'];
  const peerSign: number[] = [];
  const sign: number[] = [];
  const verify: number[] = [];
  const peer: number[] = [];
  let signTrips = 0;
  let verifyTrips = 0;
  for (let i = 0; i < runs; i++) {
    const repo = `bench/app${i}`;
    const base = await pushBaseImage(reg, repo, 'v1');
    const c = counting(client);
    let t = performance.now();
    const signed = await signImage({
      registry: c.registry,
      image: { registry: reg.host, repository: repo, digest: base.indexDigest },
      signer,
      recursive: true,
    });
    sign.push(performance.now() - t);
    signTrips = c.calls();
    c.reset();
    t = performance.now();
    await verifyImage({
      registry: c.registry,
      image: { registry: reg.host, repository: repo, digest: base.indexDigest },
      policy,
      recursive: true,
    });
    verify.push(performance.now() - t);
    verifyTrips = c.calls();

    // The peer: the same image, fresh repository, same key.
    const theirs = await pushBaseImage(reg, `${repo}-cosign`, 'v1');
    const ref = (digest: string) => `${reg.host}/${repo}-cosign@${digest}`;
    t = performance.now();
    await runCommand(
      cosign,
      [
        'sign',
        ...http,
        `--key=${keyFile}`,
        '--tlog-upload=false',
        '--use-signing-config=false',
        '--recursive',
        '--yes',
        ref(theirs.indexDigest),
      ],
      { env: cosignEnv },
    );
    peerSign.push(performance.now() - t);
    t = performance.now();
    for (const digest of [theirs.indexDigest, ...theirs.platforms.map((p) => p.digest)]) {
      await runCommand(
        cosign,
        ['verify', ...http, `--key=${pubFile}`, '--insecure-ignore-tlog=true', ref(digest)],
        {
          env: cosignEnv,
        },
      );
    }
    peer.push(performance.now() - t);
    if (signed.manifests.length !== 3)
      throw new Error(`expected 3 signed manifests, got ${signed.manifests.length}`);
  }
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`runs: ${runs} (two-platform image, recursive: index + 2 manifests, key-based, bundle format)`);
  console.log(`sign+attach   median ${fmt(median(sign))}   registry ops ${signTrips}`);
  console.log(
    `verify        median ${fmt(median(verify))}   registry ops ${verifyTrips}   target ≤ 300 ms: ${median(verify) <= 300 ? 'met' : 'MISSED'}`,
  );
  console.log(`cosign sign --recursive   median ${fmt(median(peerSign))}`);
  console.log(`cosign verify ×3 (index + 2 platforms)   median ${fmt(median(peer))}`);
  console.log(
    `ratio sign ours/cosign ${(median(sign) / median(peerSign)).toFixed(2)}   ratio verify ours/cosign ${(median(verify) / median(peer)).toFixed(2)}`,
  );
  registries.close();
  await stopAll();
}

await main();
