import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestImage,
  ensureTestbed,
  startClusterLoad,
  startKubeCluster,
  type KubeCluster,
} from '@deliverkit/testing-testbed';

beforeAll(() => ensureTestbed());

describe('two control planes at once (etcd, kube-apiserver, controller-manager, scheduler)', () => {
  let a: KubeCluster;
  let b: KubeCluster;
  beforeAll(async () => {
    [a, b] = await Promise.all([startKubeCluster(), startKubeCluster()]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('serves the pinned release on its own port, with its own CA and its own store', async () => {
    expect(a.server).not.toBe(b.server);
    expect(a.caPem).not.toBe(b.caPem);
    expect(a.version.gitVersion).toBe('v1.36.3');
    expect((await a.request('GET', '/readyz')).status).toBe(200);
    await a.kubectl(['create', 'configmap', 'only-in-a', '--from-literal=k=v']);
    expect(await a.kubectl(['get', 'configmap', 'only-in-a', '-o', 'name'])).toContain('only-in-a');
    expect((await b.request('GET', '/api/v1/namespaces/default/configmaps/only-in-a')).status).toBe(404);
  });

  it('authenticates client certificates and authorizes with RBAC', async () => {
    const nobody = await a.user('nobody');
    await expect(a.kubectl(['get', 'pods'], { user: nobody })).rejects.toThrow(/forbidden/);
  });

  it('runs the controllers and the scheduler (a Deployment gets a ReplicaSet and pending pods)', async () => {
    await a.kubectl(['create', 'deployment', 'web', '--image=deliverkit.test/web:none', '--replicas=2']);
    let pods: { status: { phase: string; conditions?: { type: string; reason?: string }[] } }[] = [];
    for (let i = 0; i < 60 && pods.length < 2; i++) {
      pods = JSON.parse(await a.kubectl(['get', 'pods', '-o', 'json'])).items;
      if (pods.length < 2) await new Promise((r) => setTimeout(r, 250));
    }
    expect(pods).toHaveLength(2);
    // No node: the scheduler saw the pods and said so.
    await new Promise((r) => setTimeout(r, 1000));
    pods = JSON.parse(await a.kubectl(['get', 'pods', '-o', 'json'])).items;
    expect(pods.every((p) => p.status.phase === 'Pending')).toBe(true);
    expect(pods[0]!.status.conditions?.find((c) => c.type === 'PodScheduled')?.reason).toBe('Unschedulable');
  });
});

/** A Deployment of the test image with a readiness probe on /healthz. */
function deployment(name: string, image: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image,
              ports: [{ containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  });
}

describe('a real node (kubelet on containerd + runc + CNI bridge, kube-proxy in iptables mode)', () => {
  let c: KubeCluster;
  beforeAll(async () => {
    c = await startKubeCluster({ node: true });
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('runs the image, probes it for real and carries Service traffic to every ready pod', async () => {
    const image = await buildTestImage('itg-1');
    await c.importImage(image);
    await c.kubectl(['apply', '-f', '-'], {
      input: deployment('web', `${image.repository}@${image.digest}`),
    });
    await c.kubectl(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    const ip = (await c.kubectl(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const load = startClusterLoad(`http://${ip}/`);
    await new Promise((r) => setTimeout(r, 1500));
    const report = await load.stop();
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byVersion).toEqual({ 'itg-1': report.ok });
    expect(report.ok).toBeGreaterThan(10);
    const proxied = await c.request('GET', '/api/v1/namespaces/default/services/web:80/proxy/smoke');
    expect(proxied).toMatchObject({ status: 200, body: { status: 'ok', version: 'itg-1' } });
  });

  it('never marks a crashing container ready', async () => {
    const image = await buildTestImage('itg-2', 'crash');
    await c.importImage(image);
    await c.kubectl(['apply', '-f', '-'], {
      input: deployment('crash', `${image.repository}@${image.digest}`),
    });
    let reason = '';
    for (let i = 0; i < 80 && reason !== 'CrashLoopBackOff'; i++) {
      const pods = JSON.parse(await c.kubectl(['get', 'pods', '-l', 'app=crash', '-o', 'json'])).items as {
        status: { containerStatuses?: { ready: boolean; state: { waiting?: { reason: string } } }[] };
      }[];
      const status = pods[0]?.status.containerStatuses?.[0];
      expect(status?.ready ?? false).toBe(false);
      reason = status?.state.waiting?.reason ?? '';
      if (reason !== 'CrashLoopBackOff') await new Promise((r) => setTimeout(r, 250));
    }
    expect(reason).toBe('CrashLoopBackOff');
  });
});
