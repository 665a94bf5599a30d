// Sign + attach (key-based, no Sigstore services) and verify for the two-platform test image with
// `recursive`, against a loopback distribution 2.8.2 registry. Reports median latency and registry round
// trips per operation, and the target (verify ≤ 300 ms per image).
//
// Peer: cosign cannot run here (no binary can be fetched) and Debian's skopeo has sigstore signing and
// verification compiled out ("Debian-local change: sigstore disabled"). So the peer is skopeo doing the
// registry reads a verifier cannot avoid (image index, the sha256-<hex> referrers index, each referrer
// manifest): ratio = ours / skopeo for the same objects — our overhead over a Go client's bare reads.
//
//   bash scripts/testbed.sh && npx tsx bench/sign.bench.ts [runs]
import { Registries, type RegistryClient } from '../packages/oci/src/index';
import { generateCosignKeyPair, loadSigningKey } from '../packages/sign/src/keys';
import { NO_INSTANCE } from '../packages/sign/src/instance';
import { StatementSigner } from '../packages/sign/src/signer';
import { signImage, type SignatureRegistry } from '../packages/sign/src/store';
import { verifyImage } from '../packages/sign/src/verify-image';
import { runCommand } from '../test/support/exec';
import { pushBaseImage, skopeoRegistryFlags } from '../test/support/images';
import { startRegistry, stopAll } from '../test/support/registry';

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
  const pair = await generateCosignKeyPair('bench');
  const signer = new StatementSigner({
    identity: { kind: 'key', key: await loadSigningKey(pair.privateKeyPem, 'bench') },
    instance: NO_INSTANCE,
  });
  const policy = { kind: 'key' as const, publicKeyPem: pair.publicKeyPem };
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

    const refs = [
      `${repo}@${base.indexDigest}`,
      ...signed.manifests.map((m) => `${repo}:sha256-${m.digest.slice(7)}`),
      ...signed.manifests.flatMap((m) => m.bundles.map((b) => `${repo}@${b.referrerDigest}`)),
    ];
    t = performance.now();
    for (const ref of refs) {
      await runCommand('skopeo', [
        'inspect',
        '--raw',
        ...skopeoRegistryFlags(reg),
        `docker://${reg.host}/${ref}`,
      ]);
    }
    peer.push(performance.now() - t);
  }
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`runs: ${runs} (two-platform image, recursive: index + 2 manifests, key-based, bundle format)`);
  console.log(`sign+attach   median ${fmt(median(sign))}   registry ops ${signTrips}`);
  console.log(
    `verify        median ${fmt(median(verify))}   registry ops ${verifyTrips}   target ≤ 300 ms: ${median(verify) <= 300 ? 'met' : 'MISSED'}`,
  );
  console.log(`peer skopeo inspect --raw of the same ${3 + 3 + 3} objects  median ${fmt(median(peer))}`);
  console.log(
    `ratio verify/peer ${(median(verify) / median(peer)).toFixed(2)}   ratio sign/peer ${(median(sign) / median(peer)).toFixed(2)}`,
  );
  registries.close();
  await stopAll();
}

await main();
