import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseImageOverrides, runDeployment, type DeploymentRequest } from '@deliverkit/deploy';
import { COLOR_LABEL } from '../../packages/deploy/src/model';
import {
  startK8sEmulator,
  startLoad,
  startTrafficProxy,
  type K8sEmulator,
} from '@deliverkit/testing-k8s-emulator';
import { getTestbedCa } from '@deliverkit/testing-testbed';
import { IMAGE, INPUT_NAMES, SMOKE, appManifests, digest } from './fixtures';

// Three clusters (three emulated API servers), deployed in order; the second cannot roll out the new
// image, so the first is switched back and the third is never touched.

const A = digest('a');
const B = digest('b');
let clusters: K8sEmulator[];
let manifests: string;

beforeEach(async () => {
  const tls = await getTestbedCa();
  clusters = await Promise.all([
    startK8sEmulator({ tls }),
    startK8sEmulator({ tls }),
    startK8sEmulator({ tls }),
  ]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'multi-'));
  manifests = path.join(dir, 'app.yaml');
  await writeFile(manifests, appManifests());
});

afterEach(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
});

function request(image: string): DeploymentRequest {
  return {
    action: 'deploy',
    mode: 'cluster',
    namespace: 'default',
    manifests: [manifests],
    images: parseImageOverrides([`${IMAGE}@${image}`], 'images'),
    routeMethod: 'service',
    inputNames: INPUT_NAMES,
    smokeChecks: SMOKE,
    verifyWindowMs: 300,
    verifyIntervalMs: 100,
    scaleDownDelayMs: 0,
    timeoutMs: 15_000,
    autoPromote: true,
    dryRun: false,
    clusters: clusters.map((c, i) => ({
      name: ['eu-west', 'us-east', 'ap-south'][i]!,
      kubeconfig: c.kubeconfig,
    })),
    runId: 'octo/shop/7',
    pollMs: 100,
    lockWaitMs: 2000,
  };
}

const selector = (emu: K8sEmulator) =>
  (
    emu.store.get(
      {
        group: '',
        version: 'v1',
        kind: 'Service',
        plural: 'services',
        namespaced: true,
        statusSubresource: true,
      },
      'default',
      'web',
    ).spec as { selector: Record<string, string> }
  ).selector;

describe('three clusters with a failure in the second', () => {
  it('rolls the first back, leaves the third alone, and reports where', async () => {
    const first = await runDeployment(request(A));
    expect(first.ok, JSON.stringify(first.error)).toBe(true);
    expect(first.clusters.map((r) => r.activeColor)).toEqual(['blue', 'blue', 'blue']);

    clusters[1]!.setImageBehavior(B, 'crash');
    const proxy = await startTrafficProxy({
      store: clusters[0]!.store,
      namespace: 'default',
      via: { kind: 'Service', name: 'web' },
    });
    const load = startLoad(proxy.url);
    const report = await runDeployment(request(B));
    const traffic = await load.stop();
    await proxy.stop();

    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('ROLLOUT_FAILED');
    expect(report.error?.message).toMatch(/^us-east: /);
    expect(report.rolledBack).toBe(true);
    expect(report.table).toEqual([
      ['eu-west', 'rolled back', 'blue', 'switched to blue'],
      ['us-east', 'failed', 'blue', expect.stringContaining('exceeded its progress deadline')],
      ['ap-south', 'not started', '', 'skipped after the failure in us-east'],
    ]);
    expect(selector(clusters[0]!)[COLOR_LABEL]).toBe('blue');
    expect(selector(clusters[1]!)[COLOR_LABEL]).toBe('blue');
    expect(clusters[2]!.mutatingRequests().filter((r) => r.at > Date.now() - traffic.durationMs)).toEqual([]);
    // eu-west served green for a while, then blue again, and never failed a request.
    expect(traffic.failed, traffic.failures.join('\n')).toBe(0);
    expect(traffic.byImage[`${IMAGE}@${B}`]).toBeGreaterThan(0);
  });
});

describe('three clusters, the second unreachable', () => {
  it('counts it as failed: rolls the first back, leaves the third alone, and reports where', async () => {
    // Nothing here is meant to miss a deadline: room for a slow machine.
    await writeFile(manifests, appManifests({ progressDeadlineSeconds: 30 }));
    const first = await runDeployment(request(A));
    expect(first.ok, JSON.stringify(first.error)).toBe(true);

    // us-east goes away between the two runs: its API server refuses connections.
    const down = clusters[1]!;
    await down.stop();
    clusters[1] = { ...down, stop: async () => undefined };
    const untouched = clusters[2]!.mutatingRequests().length;
    const report = await runDeployment(request(B));

    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('UNREACHABLE');
    expect(report.error?.message).toMatch(/^us-east: .*ECONNREFUSED/);
    expect(report.rolledBack).toBe(true);
    expect(report.table).toEqual([
      ['eu-west', 'rolled back', 'blue', 'switched to blue'],
      ['us-east', 'failed', '', expect.stringContaining('ECONNREFUSED')],
      ['ap-south', 'not started', '', 'skipped after the failure in us-east'],
    ]);
    expect(selector(clusters[0]!)[COLOR_LABEL]).toBe('blue');
    expect(clusters[2]!.mutatingRequests().slice(untouched)).toEqual([]);
  });
});
