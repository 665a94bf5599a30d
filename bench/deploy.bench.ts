// Blue-green deploy + switch + rollback against the Kubernetes API emulator, with traffic through
// the Service data plane the whole time. Peer in the same run: kubectl 1.32 (a real client, against
// the same emulator) doing what Azure/k8s-deploy's blue-green does (apply green, switch the Service
// at once) and the careful variant (apply, `kubectl rollout status`, then switch).
//
//   npx tsx bench/deploy.bench.ts [--rounds 3]
//
// Prints requests served/failed per tool, green-ready → switch latency, API calls per deploy, and ratios.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exec } from '@deliverkit/action-kit';
import { parseImageOverrides } from '@deliverkit/deploy';
import { BlueGreenDeployer } from '../packages/deploy/src/deployer';
import { KubeClient } from '../packages/deploy/src/kube';
import { parseManifests, substituteImages } from '../packages/deploy/src/manifests';
import { buildModel } from '../packages/deploy/src/model';
import {
  startK8sEmulator,
  startLoad,
  startTrafficProxy,
  type K8sEmulator,
  type LoadReport,
} from '@deliverkit/testing-k8s-emulator';
import { getTestbedCa } from '@deliverkit/testing-testbed';
import { IMAGE, INPUT_NAMES, SMOKE, appManifests, digest } from '../test/deploy/fixtures';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3) || 3;
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
// An app that takes about two seconds to start and pass readiness, the same for every tool.
const CLUSTER = { podStartMs: 1000, readyDelayMs: 1000 };
const A = digest('a');
const B = digest('b');

interface Row {
  tool: string;
  sent: number;
  failed: number;
  readyToSwitchMs: number;
  apiCallsPerDeploy: number;
  seconds: number;
}

const model = (d: string) =>
  buildModel(
    substituteImages(
      parseManifests(appManifests(), 'manifests'),
      parseImageOverrides([`${IMAGE}@${d}`], 'images'),
      'images',
    ),
    {
      namespace: 'default',
      routeMethod: 'service',
      input: 'manifests',
      inputNames: { app: 'app', images: 'images', routeMethod: 'route-method' },
    },
  );

async function withTraffic<T>(
  emu: K8sEmulator,
  fn: () => Promise<T>,
): Promise<{ value: T; report: LoadReport }> {
  const proxy = await startTrafficProxy({
    store: emu.store,
    namespace: 'default',
    via: { kind: 'Service', name: 'web' },
  });
  const load = startLoad(proxy.url, { concurrency: 8 });
  try {
    const value = await fn();
    return { value, report: await load.stop() };
  } finally {
    await proxy.stop();
  }
}

async function deliverkit(): Promise<Row> {
  const emu = await startK8sEmulator({ ...CLUSTER, tls: await getTestbedCa() });
  try {
    const options = {
      smokeChecks: SMOKE,
      verifyWindowMs: 1000,
      verifyIntervalMs: 200,
      scaleDownDelayMs: 0,
      timeoutMs: 30_000,
      autoPromote: true,
      runId: 'bench',
      pollMs: 100,
      inputNames: INPUT_NAMES,
    };
    const run = (d: string) =>
      new BlueGreenDeployer(
        KubeClient.create({ kubeconfig: emu.kubeconfig }),
        { app: 'web', namespace: 'default' },
        options,
        model(d),
      );
    const first = await run(A).deploy();
    if (first.outcome !== 'deployed') throw new Error(`first deploy: ${first.error?.message}`);
    const started = Date.now();
    const { value, report } = await withTraffic(emu, async () => {
      const deployer = run(B);
      const r = await deployer.deploy();
      const rb = await new BlueGreenDeployer(
        KubeClient.create({ kubeconfig: emu.kubeconfig }),
        { app: 'web', namespace: 'default' },
        { ...options, smokeChecks: [] },
      ).rollback();
      if (r.outcome !== 'deployed' || rb.outcome !== 'rolled-back')
        throw new Error(`deploy ${r.error?.message ?? ''} rollback ${rb.error?.message ?? ''}`);
      return r;
    });
    return {
      tool: 'deliverkit',
      sent: report.sent,
      failed: report.failed,
      readyToSwitchMs: value.readyToSwitchMs ?? NaN,
      apiCallsPerDeploy: value.apiCalls,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await emu.stop();
  }
}

/** Manifests as a kubectl user writes them for blue-green: web-<colour> Deployments and a Service to patch. */
async function kubectlManifests(dir: string, color: string, d: string): Promise<string> {
  const m = model(d);
  const dep = structuredClone(m.deployment) as unknown as {
    metadata: { name: string; labels?: Record<string, string> };
    spec: {
      selector: { matchLabels: Record<string, string> };
      template: { metadata: { labels: Record<string, string> } };
    };
  };
  dep.metadata.name = `web-${color}`;
  dep.spec.selector.matchLabels.color = color;
  dep.spec.template.metadata.labels.color = color;
  const file = path.join(dir, `web-${color}.json`);
  await writeFile(file, JSON.stringify(dep));
  return file;
}

async function peer(careful: boolean): Promise<Row> {
  const emu = await startK8sEmulator({ ...CLUSTER, tls: await getTestbedCa() });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-kubectl-'));
  const kc = ['--kubeconfig', emu.kubeconfigPath, '-n', 'default'];
  const kubectl = (...args: string[]) => exec(KUBECTL, [...kc, ...args]);
  try {
    await kubectl('apply', '--server-side', '--validate=false', '-f', await kubectlManifests(dir, 'blue', A));
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: {
        selector: { app: 'web', color: 'blue' },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    };
    await writeFile(path.join(dir, 'svc.json'), JSON.stringify(svc));
    await kubectl('apply', '--server-side', '--validate=false', '-f', path.join(dir, 'svc.json'));
    await kubectl('rollout', 'status', 'deployment/web-blue', '--timeout=30s');
    await new Promise((r) => setTimeout(r, 500));
    const greenFile = await kubectlManifests(dir, 'green', B);
    const started = Date.now();
    const before = emu.requests.length;
    let readyToSwitchMs = NaN;
    let deployCalls = 0;
    const { report } = await withTraffic(emu, async () => {
      await kubectl('apply', '--server-side', '--validate=false', '-f', greenFile);
      let ready = Date.now();
      if (careful) {
        await kubectl('rollout', 'status', 'deployment/web-green', '--timeout=30s');
        ready = Date.now();
      }
      await kubectl(
        'patch',
        'service',
        'web',
        '-p',
        JSON.stringify({ spec: { selector: { color: 'green' } } }),
      );
      readyToSwitchMs = Date.now() - ready;
      deployCalls = emu.requests.length - before;
      // Give the new colour time to come up (the naive switch sent traffic to nothing meanwhile), then roll back.
      await kubectl('rollout', 'status', 'deployment/web-green', '--timeout=30s');
      await new Promise((r) => setTimeout(r, 1000));
      await kubectl(
        'patch',
        'service',
        'web',
        '-p',
        JSON.stringify({ spec: { selector: { color: 'blue' } } }),
      );
      await new Promise((r) => setTimeout(r, 1000));
    });
    return {
      tool: careful ? 'kubectl apply + rollout status + patch' : 'kubectl apply + patch (k8s-deploy style)',
      sent: report.sent,
      failed: report.failed,
      readyToSwitchMs: careful ? readyToSwitchMs : NaN,
      apiCallsPerDeploy: deployCalls,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await emu.stop();
  }
}

function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : NaN;
}

async function main(): Promise<void> {
  const peerAvailable = await exec(KUBECTL, ['version', '--client'], { ignoreReturnCode: true })
    .then((r) => r.exitCode === 0)
    .catch(() => false);
  const all: Row[][] = [];
  for (let i = 0; i < rounds; i++) {
    const row = [await deliverkit()];
    if (peerAvailable) row.push(await peer(false), await peer(true));
    all.push(row);
    process.stderr.write(`round ${i + 1}/${rounds} done\n`);
  }
  const tools = all[0]!.map((r) => r.tool);
  const summary = tools.map((tool, t) => {
    const rows = all.map((r) => r[t]!);
    return {
      tool,
      sent: rows.reduce((s, r) => s + r.sent, 0),
      failed: rows.reduce((s, r) => s + r.failed, 0),
      readyToSwitchMs: median(rows.map((r) => r.readyToSwitchMs)),
      apiCallsPerDeploy: median(rows.map((r) => r.apiCallsPerDeploy)),
      seconds: median(rows.map((r) => r.seconds)),
    };
  });
  console.log(
    `\nblue-green deploy + switch + rollback, ${rounds} rounds, traffic via the Service data plane (200 ms sync lag)\n`,
  );
  console.log(
    [
      'tool',
      'requests',
      'failed',
      'failed %',
      'ready→switch ms (median)',
      'API calls/deploy',
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
        Number.isNaN(s.readyToSwitchMs) ? 'n/a (switches before ready)' : s.readyToSwitchMs.toFixed(0),
        s.apiCallsPerDeploy,
        s.seconds.toFixed(1),
      ].join(' | '),
    );
  }
  const dk = summary[0]!;
  for (const s of summary.slice(1)) {
    console.log(
      `ratio vs ${s.tool}: failed ${dk.failed}/${s.failed}; API calls ×${(dk.apiCallsPerDeploy / Math.max(1, s.apiCallsPerDeploy)).toFixed(2)}; ready→switch ×${Number.isNaN(s.readyToSwitchMs) ? 'n/a' : (dk.readyToSwitchMs / Math.max(1, s.readyToSwitchMs)).toFixed(2)}`,
    );
  }
  if (!peerAvailable) console.log('kubectl not found: no peer ran; figures above are deliverkit alone');
  const ok = dk.failed === 0 && dk.sent >= 1000 && dk.readyToSwitchMs < 1000;
  console.log(
    `targets: 0 failed of ≥ 1000 (${dk.failed} of ${dk.sent}), ready→switch < 1 s (${dk.readyToSwitchMs.toFixed(0)} ms): ${ok ? 'met' : 'NOT met'}`,
  );
}

await main();
