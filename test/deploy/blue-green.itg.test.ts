import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { BlueGreenDeployer } from '../../packages/deploy/src/deployer';
import { ANNOTATION, COLOR_LABEL } from '../../packages/deploy/src/model';
import {
  ensureTestbed,
  installGatewayApiCrds,
  repoRoot,
  startClusterLoad,
  startKubeCluster,
  type ClusterLoad,
  type KubeCluster,
} from '@deliverkit/testing-testbed';
import { HTTP_ROUTE, INGRESS } from './fixtures';
import {
  appManifests,
  client,
  deploy,
  freshNamespace,
  get,
  importTestImages,
  options,
  type Live,
  type TestImages,
} from './real-cluster';

// The blue-green scenarios against a real Kubernetes v1.36.3 control plane with a real node: the kubelet runs the
// test image in containerd, readiness comes from its real probes, EndpointSlices from the real controller, and the
// traffic below goes through kube-proxy's iptables rules to the pods. One cluster for the file, a namespace per test.

let cluster: KubeCluster;
let images: TestImages;

beforeAll(async () => {
  await ensureTestbed();
  cluster = await startKubeCluster({ node: true });
  images = await importTestImages(cluster);
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
});

const selectorOf = async (ns: string, name: string) =>
  ((await get(cluster, ns, 'Service', name))?.spec as { selector: Record<string, string> }).selector;
const replicas = async (ns: string, name: string) =>
  (await get(cluster, ns, 'Deployment', name))?.spec?.replicas as number | undefined;

async function startTraffic(ns: string, service = 'web'): Promise<ClusterLoad> {
  const ip = (await get(cluster, ns, 'Service', service))?.spec?.clusterIP as string;
  return startClusterLoad(`http://${ip}/`);
}

describe('first deploy', () => {
  it('creates blue, the preview and the stable Service, and the Service serves the new version', async () => {
    const ns = await freshNamespace(cluster);
    const r = await deploy(cluster.kubeconfig, ns, images.a);
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ outcome: 'deployed', activeColor: 'blue', switched: true });
    expect(r.imageDigest).toBe(images.a.digest);
    expect(await selectorOf(ns, 'web')).toEqual({ app: 'web', [COLOR_LABEL]: 'blue' });
    const svc = (await get(cluster, ns, 'Service', 'web'))!;
    expect(svc.metadata.annotations).toMatchObject({
      [ANNOTATION.activeColor]: 'blue',
      [ANNOTATION.activeDigest]: images.a.digest,
      [ANNOTATION.phase]: 'complete',
    });
    expect(await get(cluster, ns, 'Deployment', 'web-green')).toBeUndefined();
    const load = await startTraffic(ns);
    await new Promise((res) => setTimeout(res, 1000));
    const report = await load.stop();
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byVersion).toEqual({ a: report.ok });
    expect(r.timeline.map((s) => s.step)).toContain('release lock');
  });
});

describe('normal deploy', () => {
  it('switches blue → green only once green is ready, with zero failed requests, then scales blue down', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    const load = await startTraffic(ns);
    const r = await deploy(cluster.kubeconfig, ns, images.b);
    // Past the scale-down and blue's termination grace: every request after the switch reached green.
    await new Promise((res) => setTimeout(res, 1500));
    const report = await load.stop();
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({
      outcome: 'deployed',
      activeColor: 'green',
      previousColor: 'blue',
      switched: true,
    });
    expect(r.previousDigest).toBe(images.a.digest);
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byVersion.a).toBeGreaterThan(0);
    expect(report.byVersion.b).toBeGreaterThan(0);
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('green');
    expect((await selectorOf(ns, 'web-preview'))[COLOR_LABEL]).toBe('blue');
    expect(await replicas(ns, 'web-blue')).toBe(0);
    expect(await replicas(ns, 'web-green')).toBe(2);
    const order = r.timeline.map((s) => s.step);
    expect(order.indexOf('wait for rollout')).toBeLessThan(order.indexOf('switch'));
    expect(order.indexOf('wait for endpoints')).toBeLessThan(order.indexOf('switch'));
    expect(order.indexOf('smoke checks')).toBeLessThan(order.indexOf('switch'));
    // The smoke checks reached green's pods through the API server's service proxy.
    expect(r.probes.filter((p) => p.phase === 'smoke' && p.ok).length).toBeGreaterThan(0);
  });

  it('changes nothing when re-run with the same digest', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    const before = {
      svc: (await get(cluster, ns, 'Service', 'web'))!.metadata.resourceVersion,
      blue: (await get(cluster, ns, 'Deployment', 'web-blue'))!.metadata.resourceVersion,
    };
    const r = await deploy(cluster.kubeconfig, ns, images.a);
    expect(r).toMatchObject({ outcome: 'unchanged', switched: false, activeColor: 'blue' });
    expect((await get(cluster, ns, 'Service', 'web'))!.metadata.resourceVersion).toBe(before.svc);
    expect((await get(cluster, ns, 'Deployment', 'web-blue'))!.metadata.resourceVersion).toBe(before.blue);
  });
});

describe('when green never becomes ready (the container crashes)', () => {
  it('does not switch, leaves blue untouched and says why', async () => {
    const ns = await freshNamespace(cluster);
    const manifests = appManifests({ progressDeadlineSeconds: 8 });
    await deploy(cluster.kubeconfig, ns, images.a, { manifests });
    const load = await startTraffic(ns);
    const r = await deploy(cluster.kubeconfig, ns, images.crash, { manifests });
    const report = await load.stop();
    expect(r.outcome).toBe('failed');
    expect(r.error?.code).toBe('ROLLOUT_FAILED');
    expect(r.error?.message).toMatch(/web-green exceeded its progress deadline.*(CrashLoopBackOff|Error)/s);
    expect(r.switched).toBe(false);
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('blue');
    expect(await replicas(ns, 'web-blue')).toBe(2);
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(Object.keys(report.byVersion)).toEqual(['a']);
  });
});

describe('when a smoke check fails', () => {
  it('does not switch and scales the failed colour down', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    const load = await startTraffic(ns);
    const r = await deploy(cluster.kubeconfig, ns, images.smokeFail);
    const report = await load.stop();
    expect(r.error?.code).toBe('SMOKE_FAILED');
    expect(r.error?.message).toContain('self-test');
    expect(r.switched).toBe(false);
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('blue');
    expect(await replicas(ns, 'web-green')).toBe(0);
    expect(r.probes.at(-1)).toMatchObject({ phase: 'smoke', ok: false, status: 500, attempts: 2 });
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(Object.keys(report.byVersion)).toEqual(['a']);
  });
});

describe('when the new version breaks inside the verification window', () => {
  it('switches back to blue at once', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    // The moment the stable Service selects green, every green pod is told to fail its smoke check from then on.
    let degraded = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const sel = await selectorOf(ns, 'web').catch(() => ({}) as Record<string, string>);
        if (sel[COLOR_LABEL] === 'green') {
          const pods = (
            await cluster.request('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${COLOR_LABEL}%3Dgreen`)
          ).body as { items: { metadata: { name: string } }[] };
          for (const p of pods.items) {
            const res = await cluster.request(
              'POST',
              `/api/v1/namespaces/${ns}/pods/${p.metadata.name}:8080/proxy/degrade`,
              '',
            );
            if (res.status === 200) degraded++;
          }
          return;
        }
        await new Promise((res) => setTimeout(res, 30));
      }
    })();
    const load = await startTraffic(ns);
    const r = await deploy(cluster.kubeconfig, ns, images.b, { options: { verifyWindowMs: 6000 } });
    watching = false;
    await watcher;
    const report = await load.stop();
    expect(degraded).toBe(2);
    expect(r.error?.code).toBe('VERIFY_FAILED');
    expect(r).toMatchObject({ outcome: 'failed', switched: true, rolledBack: true, activeColor: 'blue' });
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('blue');
    expect((await get(cluster, ns, 'Service', 'web'))!.metadata.annotations[ANNOTATION.phase]).toBe(
      'rolled-back',
    );
    const verify = r.timeline.find((s) => s.step === 'verify window')!;
    expect(verify.status).toBe('failed');
    expect(verify.durationMs).toBeLessThan(5000);
    expect(r.timeline.map((s) => s.step)).toContain('switch back');
    // A degraded pod still serves `/`: the switch back itself failed no request.
    expect(report.failed, report.failures.join('\n')).toBe(0);
  });
});

describe('auto-promote false', () => {
  it('stops before the switch; promote switches, reject discards', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    const load = await startTraffic(ns);
    const pending = await deploy(cluster.kubeconfig, ns, images.b, { options: { autoPromote: false } });
    expect(pending).toMatchObject({ outcome: 'pending-promotion', switched: false });
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('blue');
    const ref = { app: 'web', namespace: ns };
    const promoted = await new BlueGreenDeployer(client(cluster.kubeconfig), ref, options()).promote();
    expect(promoted.error).toBeUndefined();
    expect(promoted).toMatchObject({ outcome: 'promoted', activeColor: 'green', switched: true });
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('green');

    const pending2 = await deploy(cluster.kubeconfig, ns, images.c, { options: { autoPromote: false } });
    expect(pending2.outcome).toBe('pending-promotion');
    const rejected = await new BlueGreenDeployer(client(cluster.kubeconfig), ref, options()).reject();
    expect(rejected).toMatchObject({ outcome: 'rejected', activeColor: 'green' });
    expect(await replicas(ns, 'web-blue')).toBe(0);
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('green');
    const again = await new BlueGreenDeployer(client(cluster.kubeconfig), ref, options()).promote();
    expect(again.error?.code).toBe('NOTHING_PENDING');
    const report = await load.stop();
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byVersion.c).toBeUndefined();
  });
});

describe('rollback', () => {
  it('scales the previous colour back up, waits for it and switches back', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    await deploy(cluster.kubeconfig, ns, images.b, { options: { scaleDownDelayMs: 0 } });
    const load = await startTraffic(ns);
    const ref = { app: 'web', namespace: ns };
    const r = await new BlueGreenDeployer(
      client(cluster.kubeconfig),
      ref,
      options({ scaleDownDelayMs: 0 }),
    ).rollback();
    await new Promise((res) => setTimeout(res, 1500));
    const report = await load.stop();
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({
      outcome: 'rolled-back',
      activeColor: 'blue',
      previousColor: 'green',
      rolledBack: true,
    });
    expect(r.imageDigest).toBe(images.a.digest);
    expect(r.timeline.map((s) => s.step)).toContain('scale previous colour up');
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('blue');
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byVersion.a).toBeGreaterThan(0);
  });
});

describe('two runs at once', () => {
  it('the Lease lets exactly one deploy; the other fails naming the holder', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    const [one, two] = await Promise.all([
      deploy(cluster.kubeconfig, ns, images.b, { options: { runId: 'octo/shop/run-11', lockWaitMs: 1500 } }),
      deploy(cluster.kubeconfig, ns, images.c, { options: { runId: 'octo/shop/run-12', lockWaitMs: 1500 } }),
    ]);
    const results = [one, two];
    const winner = results.find((r) => r.outcome === 'deployed');
    const loser = results.find((r) => r.outcome === 'failed');
    expect(winner, JSON.stringify(results.map((r) => r.error))).toBeDefined();
    expect(loser?.error?.code).toBe('LOCK_HELD');
    const winnerRun = winner === one ? 'octo/shop/run-11' : 'octo/shop/run-12';
    expect(loser?.error?.message).toContain(winnerRun);
    // The loser wrote nothing: the live image is the winner's.
    const green = await get(cluster, ns, 'Deployment', 'web-green');
    expect(green?.spec.template.spec.containers[0].image).toContain(winner!.imageDigest);
    const lease = await get(cluster, ns, 'Lease', 'web-deliverkit-lock');
    expect(lease?.spec.holderIdentity ?? '').toBe('');
  });
});

describe('dry-run', () => {
  it('writes nothing (every write is dryRun=All) and plans the switch with diffs from the server', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    const before = (await cluster.request('GET', `/api/v1/namespaces/${ns}/services`)).body as {
      items: { metadata: { resourceVersion: string } }[];
    };
    const kubeClient = client(cluster.kubeconfig, true);
    const r = await deploy(cluster.kubeconfig, ns, images.b, { dryRun: true, kubeClient });
    const writes = kubeClient.calls.filter((c) => ['apply', 'create', 'replace', 'delete'].includes(c.verb));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((c) => c.dryRun)).toBe(true);
    expect(r.outcome).toBe('planned');
    expect(r.plan).toMatchObject({
      mode: 'cluster',
      from: 'blue',
      to: 'green',
      switch: { from: 'blue', to: 'green', objects: ['Service/web'] },
    });
    expect(r.plan!.changes.find((c) => c.object === 'Deployment/web-green')!.change).toBe('create');
    const preview = r.plan!.changes.find((c) => c.object === 'Service/web-preview')!;
    expect(preview.change).toBe('update');
    expect(preview.diff).toContain(`-     ${COLOR_LABEL}: blue`);
    expect(preview.diff).toContain(`+     ${COLOR_LABEL}: green`);
    const after = (await cluster.request('GET', `/api/v1/namespaces/${ns}/services`)).body as typeof before;
    expect(after.items.map((s) => s.metadata.resourceVersion)).toEqual(
      before.items.map((s) => s.metadata.resourceVersion),
    );
    expect(await get(cluster, ns, 'Deployment', 'web-green')).toBeUndefined();
  });
});

describe('a namespace enforcing the restricted Pod Security Standard', () => {
  it('admits the app with a restricted security context and deploys it', async () => {
    const ns = await freshNamespace(cluster, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const r = await deploy(cluster.kubeconfig, ns, images.a);
    expect(r.error).toBeUndefined();
    expect(r.outcome).toBe('deployed');
  });

  it('rejects a Deployment whose pods would run privileged: the rollout fails and names the admission error', async () => {
    const ns = await freshNamespace(cluster, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const manifests = appManifests({ progressDeadlineSeconds: 6 }).replace(
      /allowPrivilegeEscalation: false/,
      'allowPrivilegeEscalation: true',
    );
    // The API server warns on the Deployment (the pods are refused by the ReplicaSet controller's creates).
    const r = await deploy(cluster.kubeconfig, ns, images.a, { manifests });
    expect(r.outcome).toBe('failed');
    expect(r.switched).toBe(false);
    const events = (await cluster.request('GET', `/api/v1/namespaces/${ns}/events`)).body as {
      items: { reason: string; message: string }[];
    };
    expect(
      events.items.some(
        (e) => e.reason === 'FailedCreate' && /violates PodSecurity "restricted/.test(e.message),
      ),
    ).toBe(true);
  });
});

describe('a write refused by the API server', () => {
  it('surfaces the server’s Status message', async () => {
    const ns = await freshNamespace(cluster);
    const bad = appManifests().replace(
      '  name: web-config',
      "  name: web-config\n  labels:\n    tier: 'not valid!'",
    );
    const r = await deploy(cluster.kubeconfig, ns, images.a, { manifests: bad });
    expect(r.outcome).toBe('failed');
    expect(r.error?.code).toBe('INVALID');
    expect(r.error?.message).toMatch(
      /ConfigMap .*web-config.*metadata\.labels: Invalid value: "not valid!"/s,
    );
  });
});

describe('with exactly the documented minimal Role (actions/blue-green-deploy/rbac.yaml)', () => {
  it('deploys, switches and rolls back; without the binding it is forbidden', async () => {
    const ns = await freshNamespace(cluster);
    const user = await cluster.user(`deployer-${ns}`);
    const role = parse(
      await readFile(path.join(repoRoot, 'actions/blue-green-deploy/rbac.yaml'), 'utf8'),
    ) as Live;
    // The test app's manifests hold a ConfigMap: the rule the Role's comment tells users to add.
    role.rules.push({ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch'] });
    const denied = await deploy(user.kubeconfig, ns, images.a);
    expect(denied.error?.code).toBe('FORBIDDEN');
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], { input: JSON.stringify(role) });
    await cluster.kubectl([
      'create',
      'rolebinding',
      'deployer',
      '-n',
      ns,
      '--role=deliverkit-deployer',
      `--user=${user.name}`,
    ]);
    const first = await deploy(user.kubeconfig, ns, images.a);
    expect(first.error).toBeUndefined();
    const second = await deploy(user.kubeconfig, ns, images.b, { options: { scaleDownDelayMs: 0 } });
    expect(second.error).toBeUndefined();
    expect(second.activeColor).toBe('green');
    const rolledBack = await new BlueGreenDeployer(
      client(user.kubeconfig),
      { app: 'web', namespace: ns },
      options({ scaleDownDelayMs: 0 }),
    ).rollback();
    expect(rolledBack.error).toBeUndefined();
    expect(rolledBack.activeColor).toBe('blue');
    // And the Role grants nothing beyond the namespace's app objects: no Secrets.
    await expect(cluster.kubectl(['get', 'secrets', '-n', ns], { user })).rejects.toThrow(/forbidden/);
  });
});

describe('when another tool (Argo CD) manages a field the manifests set', () => {
  it('fails with FIELD_CONFLICT naming the manager and the field, and forces nothing', async () => {
    const ns = await freshNamespace(cluster);
    // Argo CD applies the ConfigMap server-side with its own value.
    const res = await cluster.request(
      'PATCH',
      `/api/v1/namespaces/${ns}/configmaps/web-config?fieldManager=argocd-controller&force=true`,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'web-config' },
        data: { greeting: 'hi from argo' },
      }),
      'application/apply-patch+yaml',
    );
    expect(res.status).toBe(201);
    const r = await deploy(cluster.kubeconfig, ns, images.a);
    expect(r.outcome).toBe('failed');
    expect(r.error?.code).toBe('FIELD_CONFLICT');
    expect(r.error?.message).toContain('.data.greeting (owned by "argocd-controller")');
    const cm = (await cluster.request('GET', `/api/v1/namespaces/${ns}/configmaps/web-config`)).body as Live;
    expect(cm.data.greeting).toBe('hi from argo');
  });

  it('takes over fields an imperative kubectl set (adopting an app)', async () => {
    const ns = await freshNamespace(cluster);
    await cluster.kubectl(['create', 'configmap', 'web-config', '-n', ns, '--from-literal=greeting=by hand']);
    const r = await deploy(cluster.kubeconfig, ns, images.a);
    expect(r.error).toBeUndefined();
    const cm = (await cluster.request('GET', `/api/v1/namespaces/${ns}/configmaps/web-config`)).body as Live;
    expect(cm.data.greeting).toBe('hello');
  });
});

describe('colour-scoped scheduling and disruption objects (a real scheduler and disruption controller)', () => {
  it('green schedules beside blue despite a required per-node anti-affinity on the app, each colour with its own PDB', async () => {
    const ns = await freshNamespace(cluster);
    const docs = parseAllDocuments(appManifests({ replicas: 1 })).map((d) => d.toJSON() as Live);
    docs[0]!.spec.template.spec.affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    };
    docs.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
    });
    const manifests = docs.map((d) => stringify(d)).join('---\n');
    // One node: with the manifest's selector as written, green's pod could never schedule while blue's runs.
    const first = await deploy(cluster.kubeconfig, ns, images.a, { manifests });
    expect(first.error).toBeUndefined();
    const second = await deploy(cluster.kubeconfig, ns, images.b, {
      manifests,
      options: { scaleDownDelayMs: 0 },
    });
    expect(second.error).toBeUndefined();
    expect(second.activeColor).toBe('green');
    const pdbs = (await cluster.request('GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`))
      .body as {
      items: Live[];
    };
    expect(pdbs.items.map((p) => p.metadata.name).sort()).toEqual(['web-blue', 'web-green']);
    // The disruption controller counts only green's pod for green's budget.
    let green: Live | undefined;
    for (let i = 0; i < 50; i++) {
      green = (
        await cluster.request('GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/web-green`)
      ).body as Live;
      if (green.status?.expectedPods === 1 && green.status?.currentHealthy === 1) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(green?.status).toMatchObject({ expectedPods: 1, currentHealthy: 1 });
  });
});

describe('the old colour kept warm without holding the runner (waitForScaleDown: false, the default)', () => {
  const later = { waitForScaleDown: false };
  const steps = (r: { timeline: { step: string }[] }) => r.timeline.map((t) => t.step);
  const finish = (ns: string) =>
    new BlueGreenDeployer(client(cluster.kubeconfig), { app: 'web', namespace: ns }, options(later)).finish();
  const annotations = async (ns: string, kind: 'Service' | 'Deployment', name: string) =>
    ((await get(cluster, ns, kind, name))?.metadata?.annotations ?? {}) as Record<string, string>;
  const untilDue = async (after: string) => {
    while (Date.now() <= Date.parse(after)) await new Promise((res) => setTimeout(res, 100));
  };

  it('returns before the scale-down is due, says what is pending, and the next deploy replaces the warm colour', async () => {
    const ns = await freshNamespace(cluster);
    expect((await deploy(cluster.kubeconfig, ns, images.a, { options: later })).error).toBeUndefined();
    const second = await deploy(cluster.kubeconfig, ns, images.b, {
      options: { ...later, scaleDownDelayMs: 600_000 },
    });
    expect(second.error).toBeUndefined();
    expect(second.activeColor).toBe('green');
    const after = second.pendingScaleDown?.after as string;
    expect(second.pendingScaleDown).toEqual({ color: 'blue', after: expect.any(String) });
    // It returned ten minutes before the scale-down it scheduled, without sleeping.
    expect(Date.now()).toBeLessThan(Date.parse(after));
    expect(steps(second)).toContain('schedule scale-down');
    expect(steps(second)).not.toContain('keep old colour warm');
    expect(await replicas(ns, 'web-blue')).toBe(2);
    expect((await annotations(ns, 'Deployment', 'web-blue'))[ANNOTATION.scaleDownAfter]).toBe(after);
    expect(await annotations(ns, 'Service', 'web')).toMatchObject({
      [ANNOTATION.activeColor]: 'green',
      [ANNOTATION.previousColor]: 'blue',
      [ANNOTATION.phase]: 'complete',
      [ANNOTATION.scaleDownAfter]: after,
    });

    // A dry run says what is pending.
    const plan = await deploy(cluster.kubeconfig, ns, images.c, { dryRun: true, options: later });
    expect(plan.plan?.notes).toContain(`web-blue is kept warm until ${after}; a deploy would replace it.`);

    // action: finish before the time: nothing changes, and it says until when.
    const early = await finish(ns);
    expect(early.error).toBeUndefined();
    expect(early).toMatchObject({ outcome: 'unchanged', pendingScaleDown: { color: 'blue', after } });
    expect(await replicas(ns, 'web-blue')).toBe(2);

    // The next deploy goes to blue anyway: the mark goes, the warm pods are rolled to the new version.
    const third = await deploy(cluster.kubeconfig, ns, images.c, {
      options: { ...later, scaleDownDelayMs: 0 },
    });
    expect(third.error).toBeUndefined();
    expect(third.activeColor).toBe('blue');
    expect(third.timeline.find((t) => t.step === 'clear pending scale-down')?.detail).toMatch(/replaces it/);
    expect((await annotations(ns, 'Deployment', 'web-blue'))[ANNOTATION.scaleDownAfter]).toBeUndefined();
    expect((await annotations(ns, 'Service', 'web'))[ANNOTATION.scaleDownAfter]).toBeUndefined();
    // Its phase annotation (another field manager's) survived the mark's removal.
    expect((await annotations(ns, 'Deployment', 'web-blue'))[ANNOTATION.phase]).toBe('active');
    expect(await replicas(ns, 'web-green')).toBe(0);
  }, 120_000);

  it('once due, the next deploy scales the old colour down first, and action: finish does it without a deploy', async () => {
    const ns = await freshNamespace(cluster);
    expect((await deploy(cluster.kubeconfig, ns, images.a, { options: later })).error).toBeUndefined();
    const second = await deploy(cluster.kubeconfig, ns, images.b, { options: later });
    expect(second.error).toBeUndefined();
    await untilDue(second.pendingScaleDown!.after);
    expect(await replicas(ns, 'web-blue')).toBe(2);

    const third = await deploy(cluster.kubeconfig, ns, images.c, { options: later });
    expect(third.error).toBeUndefined();
    const order = steps(third);
    expect(order.indexOf('finish pending scale-down')).toBeGreaterThan(order.indexOf('read active colour'));
    expect(order.indexOf('finish pending scale-down')).toBeLessThan(order.indexOf('apply blue'));
    expect(third.timeline.find((t) => t.step === 'finish pending scale-down')?.detail).toMatch(
      /^web-blue → 0 replicas/,
    );
    expect(third.pendingScaleDown?.color).toBe('green');

    await untilDue(third.pendingScaleDown!.after);
    expect(await replicas(ns, 'web-green')).toBe(2);
    const done = await finish(ns);
    expect(done.error).toBeUndefined();
    expect(done.outcome).toBe('finished');
    expect(done.pendingScaleDown).toBeUndefined();
    expect(await replicas(ns, 'web-green')).toBe(0);
    expect((await annotations(ns, 'Deployment', 'web-green'))[ANNOTATION.scaleDownAfter]).toBeUndefined();
    const record = await annotations(ns, 'Service', 'web');
    expect(record[ANNOTATION.scaleDownAfter]).toBeUndefined();
    expect(record).toMatchObject({ [ANNOTATION.activeColor]: 'blue', [ANNOTATION.phase]: 'complete' });
    // Nothing left: a second finish changes nothing.
    expect((await finish(ns)).outcome).toBe('unchanged');
  }, 120_000);

  it('action: finish probes the serving colour before the warm one goes, and switches back to it on a failure', async () => {
    const ns = await freshNamespace(cluster);
    expect((await deploy(cluster.kubeconfig, ns, images.a, { options: later })).error).toBeUndefined();
    const second = await deploy(cluster.kubeconfig, ns, images.b, { options: later });
    expect(second.error).toBeUndefined();
    expect(second.activeColor).toBe('green');
    // Green breaks after its deploy ended: its pods fail the smoke check from now on.
    const pods = (
      await cluster.request('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${COLOR_LABEL}%3Dgreen`)
    ).body as { items: { metadata: { name: string } }[] };
    expect(pods.items).toHaveLength(2);
    for (const p of pods.items) {
      const res = await cluster.request(
        'POST',
        `/api/v1/namespaces/${ns}/pods/${p.metadata.name}:8080/proxy/degrade`,
        '',
      );
      expect(res.status).toBe(200);
    }
    await untilDue(second.pendingScaleDown!.after);
    const r = await finish(ns);
    expect(r.error?.code).toBe('VERIFY_FAILED');
    expect(r).toMatchObject({ action: 'finish', outcome: 'failed', rolledBack: true, activeColor: 'blue' });
    expect(r.timeline.find((t) => t.step === 'verify before scale-down')?.detail).toMatch(/self-test failed/);
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('blue');
    expect(await replicas(ns, 'web-blue')).toBe(2);
    expect((await annotations(ns, 'Deployment', 'web-blue'))[ANNOTATION.scaleDownAfter]).toBeUndefined();
  }, 120_000);
});

describe('a HorizontalPodAutoscaler of the app (the real HPA controller; no metrics server runs here)', () => {
  const hpaPath = (ns: string, name = '') =>
    `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers${name ? `/${name}` : ''}`;
  async function until<T>(what: string, read: () => Promise<T | undefined>, tries = 150): Promise<T> {
    for (let i = 0; i < tries; i++) {
      const v = await read();
      if (v !== undefined) return v;
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('is made per colour, aimed at that colour’s Deployment; the new colour starts at the size the HPA gave the old one, whose HPA stops at zero', async () => {
    const ns = await freshNamespace(cluster);
    const docs = parseAllDocuments(appManifests({ replicas: 1 })).map((d) => d.toJSON() as Live);
    docs.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ],
      },
    });
    const manifests = docs.map((d) => stringify(d)).join('---\n');
    const first = await deploy(cluster.kubeconfig, ns, images.a, { manifests });
    expect(first.error).toBeUndefined();
    // Within the HPA's bounds from the start: 1 in the manifests, 2 the HPA's minimum.
    expect(await replicas(ns, 'web-blue')).toBe(2);
    expect((await cluster.request('GET', hpaPath(ns, 'web'))).status).toBe(404);

    // Load arrives: the HPA controller scales blue up (here by a higher minimum, as no metrics server runs). It
    // writes the replicas through the scale subresource as kube-controller-manager.
    const raised = await cluster.request(
      'PATCH',
      hpaPath(ns, 'web-blue'),
      { spec: { minReplicas: 3 } },
      'application/merge-patch+json',
    );
    expect(raised.status).toBe(200);
    const blue = await until('the HPA controller to scale web-blue to 3', async () => {
      const d = await get(cluster, ns, 'Deployment', 'web-blue');
      return d?.spec?.replicas === 3 ? d : undefined;
    });
    const owners = (blue.metadata.managedFields as Live[])
      .filter((f) => JSON.stringify(f.fieldsV1 ?? {}).includes('"f:replicas"'))
      .map((f) => f.manager);
    expect(owners).toContain('kube-controller-manager');

    const second = await deploy(cluster.kubeconfig, ns, images.b, {
      manifests,
      options: { scaleDownDelayMs: 0 },
    });
    expect(second.error).toBeUndefined();
    expect(second.activeColor).toBe('green');
    // Green took the load at blue's current size, not at the HPA's minimum.
    expect(await replicas(ns, 'web-green')).toBe(3);
    // Blue's replicas were the HPA's: the scale-down takes that one field over instead of failing.
    expect(await replicas(ns, 'web-blue')).toBe(0);
    const hpas = (await cluster.request('GET', hpaPath(ns))).body as { items: Live[] };
    expect(
      hpas.items.map((h) => [h.metadata.name, h.spec.scaleTargetRef.name, h.metadata.labels[COLOR_LABEL]]),
    ).toEqual([
      ['web-blue', 'web-blue', 'blue'],
      ['web-green', 'web-green', 'green'],
    ]);
    // The controller itself says the old colour's HPA no longer acts on it.
    const disabled = await until('web-blue’s HPA to report ScalingDisabled', async () => {
      const h = (await cluster.request('GET', hpaPath(ns, 'web-blue'))).body as Live;
      const c = (h.status?.conditions as Live[] | undefined)?.find((x) => x.type === 'ScalingActive');
      return c?.reason === 'ScalingDisabled' ? c : undefined;
    });
    expect(disabled.status).toBe('False');
    expect(await replicas(ns, 'web-blue')).toBe(0);
  }, 120_000);
});

describe('the example production overlay (examples/hello/deploy/overlays/production)', () => {
  it('passes the restricted Pod Security admission of its namespace', async () => {
    const rendered = await cluster.kubectl([
      'kustomize',
      path.join(repoRoot, 'examples/hello/deploy/overlays/production'),
    ]);
    const objects = parseAllDocuments(rendered).map((d) => d.toJSON() as Live);
    const namespace = objects.find((o) => o.kind === 'Namespace')!;
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(namespace) });
    const out = await cluster.kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], {
      input: rendered,
    });
    expect(out).toMatch(/deployment\.apps\/hello serverside-applied \(server dry run\)/);
    // PodSecurity enforces on pods: create the Deployment's pod server-side (dryRun=All) in the namespace.
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const ns = namespace.metadata.name as string;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'admission-check', namespace: ns, labels: deployment.spec.template.metadata.labels },
      spec: deployment.spec.template.spec,
    };
    const ok = await cluster.request('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, pod);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // And the same namespace refuses a pod that drops the overlay's restrictions.
    const loose = structuredClone(pod);
    delete loose.spec.containers[0].securityContext;
    delete loose.spec.securityContext;
    const refused = await cluster.request('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, loose);
    expect(refused.status).toBe(403);
    expect((refused.body as { message: string }).message).toContain(
      'violates PodSecurity "restricted:latest"',
    );
  });
});

describe('waiting for a slow rollout', () => {
  it('watches instead of polling: the API requests of one deploy do not grow with the wait', async () => {
    const ns = await freshNamespace(cluster);
    const docs = parseAllDocuments(appManifests()).map((d) => d.toJSON() as Live);
    // Pods become ready only after 4 s: a 50 ms poll would read the Deployment about 80 times.
    docs[0]!.spec.template.spec.containers[0].readinessProbe.initialDelaySeconds = 4;
    const manifests = docs.map((d) => stringify(d)).join('---\n');
    const kubeClient = client(cluster.kubeconfig);
    const started = Date.now();
    const r = await deploy(cluster.kubeconfig, ns, images.a, {
      manifests,
      kubeClient,
      options: { pollMs: 50, verifyWindowMs: 0 },
    });
    expect(r.error).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThan(4000);
    const count = (verb: string, kind?: string) =>
      kubeClient.calls.filter((c) => c.verb === verb && (!kind || c.kind === kind)).length;
    expect(count('watch', 'deployments')).toBeGreaterThanOrEqual(1);
    // Green's endpoints are ready once its rollout is: one list, no watch needed.
    expect(count('list', 'endpointslices')).toBeLessThan(4);
    expect(count('get', 'Deployment')).toBeLessThan(6);
    expect(kubeClient.calls.length, JSON.stringify(kubeClient.calls)).toBeLessThan(40);
  });
});

describe('the deploy lock (a coordination.k8s.io/v1 Lease on the real API server)', () => {
  const microTime = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const putLease = async (ns: string, holder: string, renewTime: Date, seconds: number) => {
    const r = await cluster.request('POST', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'web-deliverkit-lock' },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: seconds,
        acquireTime: microTime(renewTime),
        renewTime: microTime(renewTime),
      },
    });
    expect(r.status).toBe(201);
  };

  it('judges expiry by this runner’s clock: a holder whose clock runs an hour behind still holds it', async () => {
    const ns = await freshNamespace(cluster);
    // The other runner renewed just now, by its own clock — which is an hour slow.
    await putLease(ns, 'octo/shop/runs/99/attempts/1/jobs/deploy', new Date(Date.now() - 3_600_000), 30);
    const r = await deploy(cluster.kubeconfig, ns, images.a, {
      options: { runId: 'octo/shop/runs/100/attempts/1/jobs/deploy', lockWaitMs: 2000 },
    });
    expect(r.error?.code).toBe('LOCK_HELD');
    expect(r.error?.message).toContain('octo/shop/runs/99/attempts/1/jobs/deploy');
    expect(await get(cluster, ns, 'Deployment', 'web-blue')).toBeUndefined();
  });

  it('a re-run attempt of the same run and job takes its earlier attempt’s lock at once', async () => {
    const ns = await freshNamespace(cluster);
    await putLease(ns, 'octo/shop/runs/7/attempts/1/jobs/deploy', new Date(), 300);
    const started = Date.now();
    const r = await deploy(cluster.kubeconfig, ns, images.a, {
      options: { runId: 'octo/shop/runs/7/attempts/2/jobs/deploy', lockWaitMs: 2000 },
    });
    expect(r.error).toBeUndefined();
    expect(r.timeline.find((s) => s.step === 'lock')!.durationMs).toBeLessThan(1000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('losing the lease to another holder mid-deploy stops before the next write', async () => {
    const ns = await freshNamespace(cluster);
    await deploy(cluster.kubeconfig, ns, images.a);
    const docs = parseAllDocuments(appManifests()).map((d) => d.toJSON() as Live);
    // A 4 s rollout: time for the other holder to take the lease while green comes up.
    docs[0]!.spec.template.spec.containers[0].readinessProbe.initialDelaySeconds = 4;
    const manifests = docs.map((d) => stringify(d)).join('---\n');
    const thief = (async () => {
      for (let i = 0; i < 100; i++) {
        const lease = await get(cluster, ns, 'Lease', 'web-deliverkit-lock');
        if (lease?.spec.holderIdentity === 'octo/shop/runs/1/attempts/1/jobs/deploy') {
          lease.spec.holderIdentity = 'octo/shop/runs/2/attempts/1/jobs/deploy';
          const r = await cluster.request(
            'PUT',
            `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/web-deliverkit-lock`,
            lease,
          );
          if (r.status === 200) return true;
        }
        await new Promise((res) => setTimeout(res, 50));
      }
      return false;
    })();
    const r = await deploy(cluster.kubeconfig, ns, images.b, {
      manifests,
      options: { runId: 'octo/shop/runs/1/attempts/1/jobs/deploy', lockTtlSeconds: 3 },
    });
    expect(await thief).toBe(true);
    expect(r.error?.code).toBe('LOCK_LOST');
    expect(r.error?.message).toContain('octo/shop/runs/2/attempts/1/jobs/deploy');
    expect(r.switched).toBe(false);
    expect((await selectorOf(ns, 'web'))[COLOR_LABEL]).toBe('blue');
    // The other holder's lease was left alone.
    expect((await get(cluster, ns, 'Lease', 'web-deliverkit-lock'))!.spec.holderIdentity).toBe(
      'octo/shop/runs/2/attempts/1/jobs/deploy',
    );
  });
});

describe('route-method ingress (no Ingress controller runs here: the API server stores and validates the route)', () => {
  it('points the Ingress at the new colour’s Service, which kube-proxy carries to the new pods', async () => {
    const ns = await freshNamespace(cluster);
    const manifests = `${appManifests()}---\n${INGRESS}`;
    const first = await deploy(cluster.kubeconfig, ns, images.a, { manifests, routeMethod: 'ingress' });
    expect(first.error).toBeUndefined();
    const backend = async () =>
      (await get(cluster, ns, 'Ingress', 'web'))!.spec.rules[0].http.paths[0].backend.service.name as string;
    expect(await backend()).toBe('web-blue');
    const r = await deploy(cluster.kubeconfig, ns, images.b, { manifests, routeMethod: 'ingress' });
    expect(r.error).toBeUndefined();
    expect(r.activeColor).toBe('green');
    expect(await backend()).toBe('web-green');
    const load = await startTraffic(ns, 'web-green');
    await new Promise((res) => setTimeout(res, 800));
    const report = await load.stop();
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byVersion).toEqual({ b: report.ok });
  });
});

describe('route-method gateway-api (Gateway API v1.6.3 CRDs; no Gateway controller runs here)', () => {
  it('shifts the HTTPRoute weights to the new colour and keeps the preview rule on the previous one', async () => {
    expect(await installGatewayApiCrds(cluster)).toBe('v1.6.3');
    const ns = await freshNamespace(cluster);
    const manifests = `${appManifests()}---\n${HTTP_ROUTE}`;
    const first = await deploy(cluster.kubeconfig, ns, images.a, { manifests, routeMethod: 'gateway-api' });
    expect(first.error).toBeUndefined();
    const r = await deploy(cluster.kubeconfig, ns, images.b, { manifests, routeMethod: 'gateway-api' });
    expect(r.error).toBeUndefined();
    expect(r.activeColor).toBe('green');
    const rules = (await get(cluster, ns, 'HTTPRoute', 'web'))!.spec.rules as {
      backendRefs: { name: string; port: number; weight: number }[];
    }[];
    expect(rules[1]!.backendRefs.map(({ name, port, weight }) => ({ name, port, weight }))).toEqual([
      { name: 'web-blue', port: 80, weight: 0 },
      { name: 'web-green', port: 80, weight: 100 },
    ]);
    expect(rules[0]!.backendRefs[0]!.name).toBe('web-blue');
    // What a Gateway would send to: the colour Service, carried by kube-proxy to green's pods.
    const load = await startTraffic(ns, 'web-green');
    await new Promise((res) => setTimeout(res, 800));
    const report = await load.stop();
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byVersion).toEqual({ b: report.ok });
  });
});
