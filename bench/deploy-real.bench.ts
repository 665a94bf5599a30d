// Blue-green deploy + switch + rollback on a REAL cluster (testing/testbed/src/kube-cluster.ts: Kubernetes v1.36.3, a real
// node — kubelet on containerd, kube-proxy in iptables mode), with traffic through kube-proxy's rules to the pods
// the whole time (new connection per request, 8 at once). Peer in the same run: the tool belt's kubectl v1.36.3
// doing what Azure/k8s-deploy's blue-green does (apply green, switch the Service at once) and the careful variant
// (apply, `kubectl rollout status`, then switch). Root only (the test bed's network namespaces).
//
//   npx tsx bench/deploy-real.bench.ts [--rounds 3]
//
// Prints requests served/failed per tool, green-ready → switch latency and ratios. The emulator's figures are
// bench/deploy.bench.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { BlueGreenDeployer } from '../packages/deploy/src/deployer';
import { KubeClient } from '../packages/deploy/src/kube';
import {
  buildTestImage,
  runCommand,
  startClusterLoad,
  startKubeCluster,
  toolPath,
  type ClusterLoadReport,
  type KubeCluster,
  type TestImage,
} from '@deliverkit/testing-testbed';
import { appManifests, freshNamespace, get, model, options, type Live } from '../test/deploy/real-cluster';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3) || 3;

interface Row {
  tool: string;
  failures: string[];
  maxMs: number;
  over1s: number;
  sent: number;
  failed: number;
  readyToSwitchMs: number;
  seconds: number;
}

/** The app, with a readiness probe that passes only after 2 s, the same for every tool. */
function manifests(): string {
  const docs = parseAllDocuments(appManifests()).map((d) => d.toJSON() as Live);
  docs[0]!.spec.template.spec.containers[0].readinessProbe.initialDelaySeconds = 2;
  return docs.map((d) => stringify(d)).join('---\n');
}

async function withTraffic<T>(cluster: KubeCluster, ns: string, fn: () => Promise<T>) {
  const ip = (await get(cluster, ns, 'Service', 'web'))!.spec.clusterIP as string;
  const load = startClusterLoad(`http://${ip}/`, { concurrency: 8 });
  const value = await fn();
  return { value, report: await load.stop() };
}

async function deliverkit(cluster: KubeCluster, a: TestImage, b: TestImage): Promise<Row> {
  const ns = await freshNamespace(cluster);
  const opts = options({ scaleDownDelayMs: 1500, verifyWindowMs: 1000, timeoutMs: 60_000 });
  const run = (image: TestImage) =>
    new BlueGreenDeployer(
      KubeClient.create({ kubeconfig: cluster.kubeconfig }),
      { app: 'web', namespace: ns },
      opts,
      model(manifests(), image, ns),
    );
  const first = await run(a).deploy();
  if (first.outcome !== 'deployed') throw new Error(`first deploy: ${first.error?.message}`);
  const started = Date.now();
  const { value, report } = await withTraffic(cluster, ns, async () => {
    const r = await run(b).deploy();
    const rb = await new BlueGreenDeployer(
      KubeClient.create({ kubeconfig: cluster.kubeconfig }),
      { app: 'web', namespace: ns },
      { ...opts, smokeChecks: [] },
    ).rollback();
    if (r.outcome !== 'deployed' || rb.outcome !== 'rolled-back')
      throw new Error(`deploy ${r.error?.message ?? ''} rollback ${rb.error?.message ?? ''}`);
    // As the peers do: let the dataplane settle after the last switch before stopping the traffic.
    await new Promise((res) => setTimeout(res, 1000));
    return r;
  });
  return row('deliverkit', report, value.readyToSwitchMs ?? NaN, started);
}

function row(tool: string, report: ClusterLoadReport, readyToSwitchMs: number, started: number): Row {
  return {
    tool,
    sent: report.sent,
    failed: report.failed,
    failures: report.failures,
    maxMs: report.maxMs,
    over1s: report.over1s,
    readyToSwitchMs,
    seconds: (Date.now() - started) / 1000,
  };
}

/** web-<colour> Deployments and a Service to patch, as a kubectl user writes them for blue-green. */
async function kubectlFile(dir: string, ns: string, color: string, image: TestImage): Promise<string> {
  const dep = structuredClone(model(manifests(), image, ns).deployment) as Live;
  dep.metadata.name = `web-${color}`;
  dep.metadata.namespace = ns;
  dep.spec.selector.matchLabels.color = color;
  dep.spec.template.metadata.labels.color = color;
  const file = path.join(dir, `web-${color}.json`);
  await writeFile(file, JSON.stringify(dep));
  return file;
}

async function peer(cluster: KubeCluster, a: TestImage, b: TestImage, careful: boolean): Promise<Row> {
  const ns = await freshNamespace(cluster);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-kubectl-'));
  const kubectl = (...args: string[]) =>
    runCommand(toolPath('kubectl'), ['--kubeconfig', cluster.kubeconfigFile, '-n', ns, ...args], {
      timeoutMs: 120_000,
    });
  try {
    await kubectl('apply', '--server-side', '-f', await kubectlFile(dir, ns, 'blue', a));
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: {
        selector: { app: 'web', color: 'blue' },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    };
    await writeFile(path.join(dir, 'svc.json'), JSON.stringify(svc));
    await kubectl('apply', '--server-side', '-f', path.join(dir, 'svc.json'));
    await kubectl('rollout', 'status', 'deployment/web-blue', '--timeout=60s');
    const greenFile = await kubectlFile(dir, ns, 'green', b);
    const started = Date.now();
    let readyToSwitchMs = NaN;
    const patch = (color: string) =>
      kubectl('patch', 'service', 'web', '-p', JSON.stringify({ spec: { selector: { color } } }));
    const { report } = await withTraffic(cluster, ns, async () => {
      await kubectl('apply', '--server-side', '-f', greenFile);
      let ready = Date.now();
      if (careful) {
        await kubectl('rollout', 'status', 'deployment/web-green', '--timeout=60s');
        ready = Date.now();
      }
      await patch('green');
      readyToSwitchMs = Date.now() - ready;
      await kubectl('rollout', 'status', 'deployment/web-green', '--timeout=60s');
      await new Promise((res) => setTimeout(res, 1000));
      await patch('blue');
      await new Promise((res) => setTimeout(res, 1000));
    });
    return row(
      careful ? 'kubectl apply + rollout status + patch' : 'kubectl apply + patch (k8s-deploy style)',
      report,
      careful ? readyToSwitchMs : NaN,
      started,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((p, q) => p - q);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : NaN;
}

async function main(): Promise<void> {
  const cluster = await startKubeCluster({ node: true });
  try {
    const a = await buildTestImage('a');
    const b = await buildTestImage('b');
    await cluster.importImage(a);
    await cluster.importImage(b);
    const all: Row[][] = [];
    for (let i = 0; i < rounds; i++) {
      all.push([
        await deliverkit(cluster, a, b),
        await peer(cluster, a, b, false),
        await peer(cluster, a, b, true),
      ]);
      process.stderr.write(`round ${i + 1}/${rounds} done\n`);
    }
    const summary = all[0]!.map((first, t) => {
      const rows = all.map((r) => r[t]!);
      return {
        tool: first.tool,
        sent: rows.reduce((s, r) => s + r.sent, 0),
        failed: rows.reduce((s, r) => s + r.failed, 0),
        readyToSwitchMs: median(rows.map((r) => r.readyToSwitchMs)),
        seconds: median(rows.map((r) => r.seconds)),
        failures: rows.flatMap((r) => r.failures).slice(0, 3),
        maxMs: Math.max(...rows.map((r) => r.maxMs)),
        over1s: rows.reduce((n, r) => n + r.over1s, 0),
      };
    });
    console.log(
      `\nblue-green deploy + switch + rollback on Kubernetes ${cluster.version.gitVersion} (real node; dataplane: kube-proxy iptables), ${rounds} rounds\n`,
    );
    console.log(
      [
        'tool',
        'requests',
        'failed',
        'failed %',
        'slowest ms',
        '> 1 s',
        'ready→switch ms (median)',
        's (median)',
      ].join(' | '),
    );
    for (const s of summary) {
      console.log(
        [
          s.tool,
          s.sent,
          s.failed,
          ((100 * s.failed) / Math.max(1, s.sent)).toFixed(2),
          s.maxMs,
          s.over1s,
          Number.isNaN(s.readyToSwitchMs) ? 'n/a (switches before ready)' : s.readyToSwitchMs.toFixed(0),
          s.seconds.toFixed(1),
        ].join(' | '),
      );
    }
    for (const s of summary)
      if (s.failures.length) console.log(`first failures of ${s.tool}: ${s.failures.join(' | ')}`);
    const dk = summary[0]!;
    for (const s of summary.slice(1)) {
      console.log(
        `ratio vs ${s.tool}: failed ${dk.failed}/${s.failed}; ready→switch ×${Number.isNaN(s.readyToSwitchMs) ? 'n/a' : (dk.readyToSwitchMs / Math.max(1, s.readyToSwitchMs)).toFixed(2)}`,
      );
    }
    const ok = dk.failed === 0 && dk.sent >= 5000 && dk.over1s === 0;
    console.log(
      `target: 0 failed and none over 1 s of ≥ 5000 (${dk.failed} failed, ${dk.over1s} over 1 s, of ${dk.sent}): ${ok ? 'met' : 'NOT met'}`,
    );
  } finally {
    await cluster.stop();
  }
}

await main();
