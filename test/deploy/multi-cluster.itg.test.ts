import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageOverrides, runDeployment, type DeploymentRequest } from '@deliverkit/deploy';
import { COLOR_LABEL } from '../../packages/deploy/src/model';
import {
  buildTestImage,
  ensureTestbed,
  startClusterLoad,
  startKubeCluster,
  type KubeCluster,
  type TestImage,
} from '@deliverkit/testing-testbed';
import { INPUT_NAMES, SMOKE } from './fixtures';
import { IMAGE, appManifests, freshNamespace, get } from './real-cluster';

// Two real clusters (each a control plane and a real node in its own network namespace), deployed in order. The
// second cluster's node cannot get the new image (it was never imported there: ImagePullBackOff, as when a
// region's registry mirror lacks it), so its rollout fails and the first cluster is switched back.

let clusters: KubeCluster[];
let a: TestImage;
let b: TestImage;
let dir: string;
let manifests: string;

beforeAll(async () => {
  await ensureTestbed();
  clusters = await Promise.all([startKubeCluster({ node: true }), startKubeCluster({ node: true })]);
  a = await buildTestImage('a');
  b = await buildTestImage('b');
  for (const c of clusters) await c.importImage(a);
  await clusters[0]!.importImage(b);
  dir = await mkdtemp(path.join(os.tmpdir(), 'multi-itg-'));
  manifests = path.join(dir, 'app.yaml');
  await writeFile(manifests, appManifests({ progressDeadlineSeconds: 8 }));
}, 300_000);

afterAll(async () => {
  await Promise.all((clusters ?? []).map((c) => c.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

function request(image: TestImage, namespace: string): DeploymentRequest {
  return {
    action: 'deploy',
    mode: 'cluster',
    namespace,
    manifests: [manifests],
    images: parseImageOverrides([`${IMAGE}@${image.digest}`], 'images'),
    routeMethod: 'service',
    inputNames: INPUT_NAMES,
    smokeChecks: SMOKE,
    verifyWindowMs: 500,
    verifyIntervalMs: 100,
    scaleDownDelayMs: 0,
    timeoutMs: 60_000,
    autoPromote: true,
    dryRun: false,
    clusters: clusters.map((c, i) => ({ name: ['eu-west', 'us-east'][i]!, kubeconfig: c.kubeconfig })),
    runId: 'octo/shop/7',
    pollMs: 200,
    lockWaitMs: 2000,
  };
}

describe('two real clusters with a failure in the second', () => {
  it('switches the first back, reports where, and fails no request in the first', async () => {
    const ns = await freshNamespace(clusters[0]!);
    await freshNamespace(clusters[1]!, {}, ns);

    const first = await runDeployment(request(a, ns));
    expect(first.ok, JSON.stringify(first.error)).toBe(true);
    expect(first.clusters.map((r) => r.activeColor)).toEqual(['blue', 'blue']);

    const ip = (await get(clusters[0]!, ns, 'Service', 'web'))!.spec.clusterIP as string;
    const load = startClusterLoad(`http://${ip}/`);
    const report = await runDeployment(request(b, ns));
    await new Promise((res) => setTimeout(res, 1500));
    const traffic = await load.stop();

    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('ROLLOUT_FAILED');
    expect(report.error?.message).toMatch(/^us-east: /);
    // The pull of an image the node cannot get is still in progress (ContainerCreating) or backing off.
    expect(report.error?.message).toMatch(/Pods: 2× (ContainerCreating|ImagePullBackOff|ErrImagePull)/);
    expect(report.rolledBack).toBe(true);
    expect(report.table).toEqual([
      ['eu-west', 'rolled back', 'blue', 'switched to blue'],
      ['us-east', 'failed', 'blue', expect.stringContaining('exceeded its progress deadline')],
    ]);
    for (const c of clusters) {
      const sel = (await get(c, ns, 'Service', 'web'))!.spec.selector as Record<string, string>;
      expect(sel[COLOR_LABEL]).toBe('blue');
    }
    // eu-west served b (green) for a while, then a (blue) again, through kube-proxy, and never failed a request.
    expect(traffic.failed, traffic.failures.join('\n')).toBe(0);
    expect(traffic.byVersion.b).toBeGreaterThan(0);
    expect(traffic.byVersion.a).toBeGreaterThan(0);
  });
});
