import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { parseImageOverrides } from '@deliverkit/deploy';
import { BlueGreenDeployer } from '../../packages/deploy/src/deployer';
import { KubeClient } from '../../packages/deploy/src/kube';
import { parseManifests, substituteImages } from '../../packages/deploy/src/manifests';
import { buildModel } from '../../packages/deploy/src/model';
import { ensureTestbed, repoRoot, startKubeCluster, type KubeCluster } from '@deliverkit/testing-testbed';
import { digest } from './fixtures';
import { freshNamespace, options, type Live } from './real-cluster';

// The example on a real scheduler: the example's production overlay (3 replicas, a required pod
// anti-affinity on `app: hello` per node) deployed blue → green on a cluster sized for one colour — three nodes.
// The nodes are kwok's: nothing runs, kwok marks the pods Running and Ready. This file claims scheduling only
// (where the real kube-scheduler puts each colour's pods); readiness and traffic are claimed by
// blue-green.itg.test.ts on a real node.

let cluster: KubeCluster;

beforeAll(async () => {
  await ensureTestbed();
  cluster = await startKubeCluster({ kwokNodes: 3 });
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
});

/** The production overlay as rendered by kubectl kustomize, for the simulated nodes (toleration, no Namespace). */
async function productionOverlay(): Promise<string> {
  const rendered = await cluster.kubectl([
    'kustomize',
    path.join(repoRoot, 'examples/hello/deploy/overlays/production'),
  ]);
  const objects = parseAllDocuments(rendered)
    .map((d) => d.toJSON() as Live)
    .filter((o) => o.kind !== 'Namespace');
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  deployment.spec.template.spec.tolerations = [
    { key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' },
  ];
  return objects.map((o) => stringify(o)).join('---\n');
}

describe('the production overlay on three nodes (kwok) with a real scheduler', () => {
  it('schedules green beside blue — one pod of each colour per node — where the overlay as written needs six nodes', async () => {
    const ns = await freshNamespace(cluster, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const manifests = await productionOverlay();
    const deployer = (d: string, autoPromote: boolean) => {
      const objects = substituteImages(
        parseManifests(manifests, 'manifests'),
        parseImageOverrides([`ghcr.io/acme/hello@${d}`], 'images'),
        'images',
      );
      const model = buildModel(objects, {
        namespace: ns,
        routeMethod: 'service',
        input: 'manifests',
        inputNames: { app: 'app', images: 'images', routeMethod: 'route-method' },
      });
      // No smoke checks: kwok pods have no process to answer them.
      return new BlueGreenDeployer(
        KubeClient.create({ kubeconfig: cluster.kubeconfig }),
        { app: model.app, namespace: ns },
        options({ smokeChecks: [], autoPromote, verifyWindowMs: 0, timeoutMs: 30_000 }),
        model,
      );
    };
    const first = await deployer(digest('a'), true).deploy();
    expect(first.error).toBeUndefined();
    const second = await deployer(digest('b'), false).deploy();
    expect(second.error).toBeUndefined();
    expect(second.outcome).toBe('pending-promotion');
    const pods = (await cluster.request('GET', `/api/v1/namespaces/${ns}/pods`)).body as { items: Live[] };
    const placement = new Map<string, string[]>();
    for (const p of pods.items) {
      const node = p.spec.nodeName as string | undefined;
      expect(node, `${p.metadata.name} is not scheduled`).toBeDefined();
      placement.set(
        node!,
        [...(placement.get(node!) ?? []), p.metadata.labels['deliverkit.dev/color']].sort(),
      );
    }
    expect([...placement.values()]).toEqual([
      ['blue', 'green'],
      ['blue', 'green'],
      ['blue', 'green'],
    ]);
    const pdbs = (await cluster.request('GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`))
      .body as {
      items: Live[];
    };
    expect(pdbs.items.map((p) => p.metadata.name).sort()).toEqual(['hello-blue', 'hello-green']);
  });

  it('leaves green Pending when the anti-affinity counts the other colour (the overlay applied as written)', async () => {
    const ns = await freshNamespace(cluster);
    const manifests = await productionOverlay();
    const deployment = parseAllDocuments(manifests)
      .map((d) => d.toJSON() as Live)
      .find((o) => o.kind === 'Deployment')!;
    const pod = (color: string, i: number) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `hello-${color}-${i}`,
        labels: { ...deployment.spec.template.metadata.labels, color },
      },
      spec: {
        ...deployment.spec.template.spec,
        containers: [{ name: 'hello', image: 'ghcr.io/acme/hello:1' }],
      },
    });
    for (let i = 0; i < 3; i++)
      expect((await cluster.request('POST', `/api/v1/namespaces/${ns}/pods`, pod('blue', i))).status).toBe(
        201,
      );
    expect((await cluster.request('POST', `/api/v1/namespaces/${ns}/pods`, pod('green', 0))).status).toBe(
      201,
    );
    let condition: { reason?: string; message?: string } | undefined;
    for (let i = 0; i < 40 && !condition; i++) {
      const green = (await cluster.request('GET', `/api/v1/namespaces/${ns}/pods/hello-green-0`))
        .body as Live;
      condition = (
        green.status?.conditions as { type: string; reason?: string; message?: string }[] | undefined
      )?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
      if (!condition) await new Promise((res) => setTimeout(res, 250));
    }
    expect(condition?.message).toMatch(/didn't match pod anti-affinity rules/);
  });
});
