// The local pipeline behind `npm run demo`: build → SBOM → sign + attest → verify → push to three
// registries → verify at each → blue-green deploy to a local Kubernetes cluster (a real control plane and node,
// testing/testbed/src/kube-cluster.ts), a second build deployed to the other colour; or, with --no-cluster, the deploy's
// dry-run plan. Each step runs a bundled action through GitHub's env contract; the report at the end lists each
// step's duration and key outputs, and .demo/report.md / report.html hold every step summary.
//
//   npm run demo                 # local cluster; stopped at the end
//   npm run demo -- --keep       # …left running (until Ctrl-C), to look at with .demo/kubeconfig
//   npm run demo -- --no-cluster # no cluster: the dry-run plan (KUBECONFIG set: deploys to that cluster instead)
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  containersEnv,
  pushBaseImage,
  repoRoot,
  runAction,
  runCommand,
  skopeoInspectRaw,
  startClusterLoad,
  startKubeCluster,
  startRegistry,
  stopAll,
  type ActionRun,
  type KubeCluster,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { ensureGoToolchainImage, storageDriver } from './lib/go-toolchain';

const usage = 'usage: npm run demo [-- --no-cluster | --keep]';
const args = process.argv.slice(2);
for (const a of args) {
  if (a !== '--no-cluster' && a !== '--keep') {
    console.error(`demo: unknown argument ${JSON.stringify(a)}\n${usage}`);
    process.exit(2);
  }
}
const noCluster = args.includes('--no-cluster');
const keep = args.includes('--keep');
if (noCluster && keep) {
  console.error(`demo: --keep keeps the local cluster, which --no-cluster does not start\n${usage}`);
  process.exit(2);
}

const out = path.join(repoRoot, '.demo');
mkdirSync(out, { recursive: true });

interface StepResult {
  name: string;
  action: string;
  status: 'ok' | 'failed' | 'skipped';
  seconds: number;
  facts: string[];
  summary: string;
}
const results: StepResult[] = [];

function bundleExists(action: string): boolean {
  return existsSync(path.join(repoRoot, 'dist', action, 'index.js'));
}

/** Runs one bundled action; a failure ends the pipeline with its error lines. */
async function step(
  name: string,
  action: string,
  inputs: Record<string, string | undefined>,
  facts: (run: ActionRun) => string[],
  env: Record<string, string | undefined> = {},
): Promise<ActionRun | undefined> {
  if (!bundleExists(action)) {
    results.push({
      name,
      action,
      status: 'skipped',
      seconds: 0,
      facts: [`dist/${action} is not built`],
      summary: '',
    });
    console.log(`- ${name}: skipped (dist/${action}/index.js does not exist)`);
    return undefined;
  }
  process.stdout.write(`- ${name} (${action}) … `);
  const run = await runAction(action, inputs, {
    env: { ...githubContext, ...env },
    cwd: repoRoot,
    runnerTemp: path.join(out, 'runner-temp'),
  });
  const seconds = run.durationMs / 1000;
  if (run.exitCode !== 0) {
    const errors = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => l.startsWith('::error::'));
    console.log(`failed after ${seconds.toFixed(1)}s`);
    for (const e of errors) console.log(`    ${e.replace('::error::', '')}`);
    results.push({ name, action, status: 'failed', seconds, facts: errors, summary: run.summary });
    throw new Error(`step "${name}" failed`);
  }
  const lines = facts(run);
  console.log(`ok in ${seconds.toFixed(1)}s`);
  for (const l of lines) console.log(`    ${l}`);
  results.push({ name, action, status: 'ok', seconds, facts: lines, summary: run.summary });
  return run;
}

const headCommit = (() => {
  const [sha, epoch] = execFileSync('git', ['log', '-1', '--format=%H %ct'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .trim()
    .split(' ');
  return { sha: sha!, epoch: epoch! };
})();

// What a runner would set for a push to main of a repository called acme/hello.
const githubContext: Record<string, string> = {
  GITHUB_REPOSITORY: 'acme/hello',
  GITHUB_REPOSITORY_OWNER: 'acme',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_REF_TYPE: 'branch',
  GITHUB_SHA: headCommit.sha,
  // Rebuilding the same commit clamps timestamps to the commit time (see multiarch-build's README).
  SOURCE_DATE_EPOCH: headCommit.epoch,
  GITHUB_RUN_ID: String(Date.now()),
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW: 'ci-cd',
  GITHUB_WORKFLOW_REF: 'acme/hello/.github/workflows/ci-cd.yml@refs/heads/main',
  GITHUB_ACTOR: 'demo',
  GITHUB_WORKSPACE: repoRoot,
  GITHUB_EVENT_PATH: '',
};

function auths(...registries: RegistryHandle[]): string {
  return JSON.stringify(
    registries.map((r) =>
      r.insecure
        ? { registry: r.host, insecure: true }
        : { registry: r.host, username: r.username, password: r.password, ca: r.caPem },
    ),
  );
}

interface PlatformSbom {
  packages: number;
  byEcosystem?: Record<string, number>;
  files: Record<string, { path: string }>;
}
function sbomsOf(run: ActionRun): Record<string, PlatformSbom> {
  return JSON.parse(run.outputs.sboms ?? '{}') as Record<string, PlatformSbom>;
}

function writeReport(): void {
  const md: string[] = ['# deliverkit local pipeline', ''];
  md.push('| step | action | status | seconds |', '| --- | --- | --- | --- |');
  for (const r of results) md.push(`| ${r.name} | ${r.action} | ${r.status} | ${r.seconds.toFixed(1)} |`);
  md.push('');
  for (const r of results) {
    md.push(`## ${r.name}`, '', ...r.facts.map((f) => `- ${f}`), '', r.summary, '');
  }
  const markdown = md.join('\n');
  writeFileSync(path.join(out, 'report.md'), markdown);
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  writeFileSync(
    path.join(out, 'report.html'),
    `<!doctype html><meta charset="utf-8"><title>deliverkit local pipeline</title><pre style="white-space:pre-wrap">${escape(markdown)}</pre>`,
  );
}

let cluster: KubeCluster | undefined;
const kubeconfigFile = path.join(out, 'kubeconfig');

/**
 * Makes an image of the build registry available to the local node under the name the manifests use: an OCI
 * archive of the whole index (skopeo, digests unchanged) imported into the node's containerd and named
 * `name@digest`, the way the real-cluster tests give the node their images (nothing is pulled).
 */
async function importIntoNode(
  k: KubeCluster,
  source: RegistryHandle,
  repository: string,
  digest: string,
  name: string,
): Promise<void> {
  const archive = path.join(out, 'images', `${digest.slice(7, 19)}.tar`);
  mkdirSync(path.dirname(archive), { recursive: true });
  rmSync(archive, { force: true });
  // prettier-ignore
  await runCommand('skopeo', [
    'copy', '--quiet', '--all', '--preserve-digests', '--src-tls-verify=false',
    `docker://${source.host}/${repository}@${digest}`, `oci-archive:${archive}:${name}:demo`,
  ], { timeoutMs: 300_000 });
  await k.importImage({ repository: name, tag: 'demo', digest, archive, version: 'demo', behaviour: 'ok' });
}

interface TimelineStep {
  step: string;
  status: string;
  durationMs: number;
  detail?: string;
}

/** The deploy's own timeline (from its `result` output), one line per step. */
function timelineOf(run: ActionRun): string[] {
  const result = JSON.parse(run.outputs.result || '{}') as { clusters?: { timeline: TimelineStep[] }[] };
  return (result.clusters?.[0]?.timeline ?? []).map(
    (t) =>
      `  ${t.status === 'ok' ? '✓' : t.status === 'skipped' ? '–' : '✗'} ${t.step.padEnd(26)} ${(t.durationMs / 1000).toFixed(1).padStart(5)}s  ${t.detail ?? ''}`,
  );
}

/**
 * The local cluster (a real control plane and node), the built digest deployed blue-green to the staging overlay,
 * a second build deployed to the other colour under traffic, and both deploys' timelines.
 */
async function deployToLocalCluster(
  registries: Record<'local' | 'dockerhub' | 'gcr' | 'ghcr', RegistryHandle>,
  golang: string,
  digest: string,
): Promise<void> {
  console.log(
    '\nstarting the local Kubernetes cluster: etcd, kube-apiserver, kube-controller-manager, kube-scheduler v1.36.3 and a real node (kubelet, containerd, kube-proxy) in a network namespace …',
  );
  const t0 = Date.now();
  cluster = await startKubeCluster({ node: true });
  const k = cluster;
  writeFileSync(kubeconfigFile, k.kubeconfig, { mode: 0o600 });
  const kubectl = path.relative(repoRoot, path.join(repoRoot, '.tools', 'bin', 'kubectl'));
  const look = `${kubectl} --kubeconfig ${path.relative(repoRoot, kubeconfigFile)}`;
  console.log(`    up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${k.server} (${k.version.gitVersion})`);
  console.log(`    look while it runs: ${look} -n hello-staging get deploy,svc,pods -o wide`);
  results.push({
    name: 'start the local cluster',
    action: '(test bed)',
    status: 'ok',
    seconds: (Date.now() - t0) / 1000,
    facts: [`${k.server} ${k.version.gitVersion}`, `kubeconfig ${path.relative(repoRoot, kubeconfigFile)}`],
    summary: '',
  });

  // The manifests name the image at the GHCR stand-in, where the pipeline pushed and verified it.
  const name = `${registries.ghcr.host}/acme/hello`;
  await importIntoNode(k, registries.local, 'acme/hello', digest, name);
  // The environment's namespace (restricted Pod Security warnings, baseline enforced) is the cluster owner's.
  await k.kubectl([
    'apply',
    '-f',
    path.join(repoRoot, 'examples/hello/deploy/overlays/staging/namespace.yaml'),
  ]);

  const version = headCommit.sha.slice(0, 7);
  const deployInputs = (ref: string, v: string) => ({
    'kustomize-dir': 'examples/hello/deploy/overlays/staging',
    images: `ghcr.io/acme/hello=${ref}`,
    app: 'hello',
    namespace: 'hello-staging',
    kubeconfig: k.kubeconfig,
    'smoke-checks': `- path: /healthz\n- path: /version\n  expect-body: '"version":"${v}"'\n`,
    'verify-window': '5s',
    timeout: '5m',
  });
  const facts = (r: ActionRun) => [
    `active colour ${r.outputs['active-color']} (was ${r.outputs['previous-color'] || 'none'}), digest ${r.outputs['image-digest']}`,
    ...(r.outputs['scale-down-after']
      ? [`${r.outputs['previous-color']} kept warm until ${r.outputs['scale-down-after']}`]
      : []),
    ...timelineOf(r),
  ];
  await step(
    'blue-green deploy to staging (local cluster)',
    'blue-green-deploy',
    deployInputs(`${name}@${digest}`, version),
    facts,
  );

  // A second build of the same service (another version string, one platform), deployed to the other colour.
  const second = await step(
    'second build (linux/amd64)',
    'multiarch-build',
    {
      context: 'examples/hello/app',
      file: 'examples/hello/app/Dockerfile',
      platforms: 'linux/amd64',
      images: `${registries.local.host}/acme/hello`,
      tags: 'type=raw,value=second',
      'build-args': [
        `GOLANG=${golang}`,
        `BASE=${registries.local.host}/library/busybox:latest`,
        `VERSION=${version}-2`,
      ].join('\n'),
      push: 'true',
      builder: 'buildah',
      'insecure-registries': registries.local.host,
    },
    (r) => [`digest ${r.outputs.digest}`],
    { STORAGE_DRIVER: await storageDriver(), BUILDAH_ISOLATION: 'chroot' },
  );
  const digest2 = second?.outputs.digest;
  if (!digest2) return;
  const name2 = `${registries.local.host}/acme/hello`;
  await importIntoNode(k, registries.local, 'acme/hello', digest2, name2);
  // Traffic through the stable Service's ClusterIP (kube-proxy) for the whole second deploy.
  const svc = JSON.parse(
    await k.kubectl(['-n', 'hello-staging', 'get', 'service', 'hello', '-o', 'json']),
  ) as {
    spec: { clusterIP: string };
  };
  const load = startClusterLoad(`http://${svc.spec.clusterIP}/version`);
  try {
    await step(
      'blue-green deploy of the second build (switch to the other colour)',
      'blue-green-deploy',
      deployInputs(`${name2}@${digest2}`, `${version}-2`),
      facts,
    );
  } finally {
    const traffic = await load.stop();
    const line = `traffic through Service hello during the second deploy: ${traffic.sent} requests, ${traffic.failed} failed; served by version ${Object.entries(
      traffic.byVersion,
    )
      .map(([v, n]) => `${v}: ${n}`)
      .join(', ')}`;
    console.log(`    ${line}`);
    results[results.length - 1]?.facts.push(line);
  }
  const show = async (what: string[]) => {
    console.log(`\n    ${look} -n hello-staging get ${what.join(' ')}`);
    const text = await k.kubectl(['-n', 'hello-staging', 'get', ...what]);
    console.log(
      text
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
  };
  await show(['deploy', '-L', 'deliverkit.dev/color']);
  await show([
    'svc',
    '-o',
    'custom-columns=SERVICE:.metadata.name,SELECTS:.spec.selector.deliverkit\\.dev/color,CLUSTER-IP:.spec.clusterIP,PHASE:.metadata.annotations.deliverkit\\.dev/phase,SCALE-DOWN-AFTER:.metadata.annotations.deliverkit\\.dev/scale-down-after',
  ]);
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log('deliverkit local pipeline');
  console.log(
    'starting registries: local (build target), docker.io (token), gcr (basic + TLS), ghcr (token) …',
  );
  // Fixed ports and storage under .demo/registries: a second run finds the first run's layers
  // (registry cache, blobs already at every destination) and says what it skipped.
  const portBase = Number(process.env.DEMO_PORT_BASE ?? 5055);
  const persistent = (name: string, offset: number) => ({
    storageDir: path.join(out, 'registries', name),
    port: portBase + offset,
  });
  const [local, dockerhub, gcr, ghcr] = await Promise.all([
    startRegistry('plain', persistent('local', 0)),
    startRegistry('token', persistent('dockerhub', 1)),
    startRegistry('basic', persistent('gcr', 2)),
    startRegistry('token', persistent('ghcr', 3)),
  ]);
  const registries = { local: local!, dockerhub: dockerhub!, gcr: gcr!, ghcr: ghcr! };
  for (const [name, r] of Object.entries(registries)) console.log(`    ${name.padEnd(9)} ${r.url}`);
  // Children (buildah, skopeo, the actions' Node) must trust the test bed's CA like a runner trusts a real one.
  const caEnv = { NODE_EXTRA_CA_CERTS: registries.gcr.caFile };
  const base = await pushBaseImage(registries.local, 'library/busybox', 'latest');
  console.log(`    base image ${registries.local.host}/library/busybox@${base.indexDigest}`);

  // The Go toolchain the example compiles with, for this host (the build platform), made once from
  // Debian's golang-go and kept in the local registry across runs.
  const hostArch = process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
  const driver = await storageDriver();
  const golang = await ensureGoToolchainImage({
    repository: `${registries.local.host}/library/golang`,
    base: `${registries.local.host}/library/busybox@${base.platforms.find((p) => p.platform === hostArch)?.digest}`,
    registryFlags: ['--tls-verify=false'],
    exists: (tag) =>
      skopeoInspectRaw(registries.local, `library/golang:${tag}`).then(
        () => true,
        () => false,
      ),
    env: containersEnv({ STORAGE_DRIVER: driver }),
  });
  console.log(`    Go toolchain ${golang} (buildah storage: ${driver})`);

  const image = `${registries.local.host}/acme/hello`;
  const build = await step(
    'build linux/amd64 + linux/arm64',
    'multiarch-build',
    {
      context: 'examples/hello/app',
      file: 'examples/hello/app/Dockerfile',
      platforms: 'linux/amd64,linux/arm64',
      images: image,
      tags: 'type=sha\ntype=ref,event=branch',
      'build-args': [
        `GOLANG=${golang}`,
        `BASE=${registries.local.host}/library/busybox:latest`,
        `VERSION=${headCommit.sha.slice(0, 7)}`,
      ].join('\n'),
      push: 'true',
      provenance: 'true',
      builder: 'buildah',
      'insecure-registries': registries.local.host,
    },
    (r) => [
      `digest ${r.outputs.digest}`,
      `tags ${r.outputs.tags?.replace(/\n/g, ', ')}`,
      `platforms ${r.outputs['platform-digests']}`,
    ],
    { STORAGE_DRIVER: driver, BUILDAH_ISOLATION: 'chroot' },
  );
  const digest = build?.outputs.digest;
  if (!digest) {
    console.log('no image was built; the remaining steps need one');
    return;
  }
  const ref = `${image}@${digest}`;

  const sbomDir = path.join(out, 'sbom');
  const sbom = await step(
    'SBOM per platform (SPDX 2.3 + CycloneDX 1.6)',
    'sbom',
    {
      image: ref,
      formats: 'spdx-json,cyclonedx-json',
      'output-dir': sbomDir,
      'registry-auths': auths(registries.local),
    },
    (r) =>
      Object.entries(sbomsOf(r)).map(
        ([platform, s]) =>
          `${platform}: ${s.packages} packages (${Object.entries(s.byEcosystem ?? {})
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}) → ${Object.values(s.files)
            .map((f) => path.relative(repoRoot, f.path))
            .join(', ')}`,
      ),
  );

  const keyFile = path.join(out, 'cosign.key.pem');
  const pubFile = path.join(out, 'cosign.pub.pem');
  if (!existsSync(keyFile)) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  // Every platform's SBOMs and the build's provenance are attested on the index digest.
  const attestations = [
    ...Object.values(sbom ? sbomsOf(sbom) : {}).flatMap((s) =>
      Object.entries(s.files).map(
        ([format, f]) => `type=${format.startsWith('spdx') ? 'spdx' : 'cyclonedx'},path=${f.path}`,
      ),
    ),
    ...(build?.outputs['provenance-path']
      ? [`type=slsaprovenance1,path=${build.outputs['provenance-path']}`]
      : []),
  ];
  await step(
    'sign + attest (key-based)',
    'cosign-sign',
    {
      image: ref,
      key: keyFile,
      // Local signing: no transparency log to reach from here.
      sigstore: 'none',
      recursive: 'true',
      'signature-format': 'both',
      attestations: attestations.join('\n'),
      'registry-auths': auths(registries.local),
    },
    (r) => [`signed ${r.outputs['signed-digests'] ?? r.outputs.digest}`],
  );
  await step(
    'verify before promotion',
    'cosign-sign',
    {
      image: ref,
      mode: 'verify',
      sigstore: 'none',
      'public-key': pubFile,
      'registry-auths': auths(registries.local),
    },
    (r) => [`verified ${r.outputs.verified}`, `attestations ${r.outputs.attestations ?? ''}`],
  );

  const destinations = [
    `${registries.dockerhub.host}/acme/hello:demo,latest`,
    `${registries.gcr.host}/acme-project/hello:demo`,
    `${registries.ghcr.host}/acme/hello:demo`,
  ];
  await step(
    'push to docker.io, gcr, ghcr stand-ins',
    'multi-registry-push',
    {
      source: ref,
      destinations: destinations.join('\n'),
      'registry-auths': auths(...Object.values(registries)),
    },
    (r) => {
      const record = JSON.parse(r.outputs['image-record'] ?? '{}') as {
        destinations?: Record<
          string,
          { status: string; blobs?: { uploaded: number; mounted: number; skipped: number } }
        >;
      };
      return Object.entries(record.destinations ?? {}).map(
        ([name, d]) =>
          `${name}: ${d.status} (${d.blobs?.uploaded ?? 0} uploaded, ${d.blobs?.mounted ?? 0} mounted, ${d.blobs?.skipped ?? 0} skipped)`,
      );
    },
    caEnv,
  );
  for (const dest of [registries.dockerhub, registries.gcr, registries.ghcr]) {
    const repo = dest === registries.gcr ? 'acme-project/hello' : 'acme/hello';
    await step(
      `verify at ${dest === registries.dockerhub ? 'docker.io' : dest === registries.gcr ? 'gcr' : 'ghcr'} stand-in`,
      'cosign-sign',
      {
        image: `${dest.host}/${repo}@${digest}`,
        mode: 'verify',
        'public-key': pubFile,
        'registry-auths': auths(dest),
      },
      (r) => [`verified ${r.outputs.verified}`],
      caEnv,
    );
  }

  const kubeconfig = process.env.KUBECONFIG;
  if (noCluster || kubeconfig) {
    await step(
      kubeconfig
        ? 'blue-green deploy to staging'
        : 'blue-green deploy plan for staging (dry-run, no cluster)',
      'blue-green-deploy',
      {
        'kustomize-dir': 'examples/hello/deploy/overlays/staging',
        images: `ghcr.io/acme/hello=${registries.ghcr.host}/acme/hello@${digest}`,
        app: 'hello',
        namespace: 'hello-staging',
        'dry-run': kubeconfig ? 'false' : 'true',
        kubeconfig: kubeconfig,
      },
      (r) => {
        if (r.outputs['active-color'])
          return [`active colour ${r.outputs['active-color']}`, `digest ${r.outputs['image-digest']}`];
        const plan = JSON.parse(r.outputs.plan || '{}') as { changes?: unknown[] };
        return [`dry-run plan: ${plan.changes?.length ?? 0} object changes (full diff in the report)`];
      },
    );
  } else {
    await deployToLocalCluster(registries, golang, digest);
  }
  console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main()
  .catch((e: unknown) => {
    console.error(`\ndemo: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    writeReport();
    console.log('\n| step | status | seconds |');
    for (const r of results) console.log(`| ${r.name} | ${r.status} | ${r.seconds.toFixed(1)} |`);
    console.log(`\nreport: ${path.relative(repoRoot, path.join(out, 'report.md'))} and report.html`);
    if (cluster && keep && process.exitCode !== 1) {
      console.log(
        `\nthe cluster keeps running (--keep): ${path.relative(repoRoot, path.join(repoRoot, '.tools', 'bin', 'kubectl'))} --kubeconfig ${path.relative(repoRoot, kubeconfigFile)} -n hello-staging get all\npress Ctrl-C to stop it`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    if (cluster) {
      console.log('stopping the local cluster …');
      await cluster.stop();
    }
    await stopAll();
  });
