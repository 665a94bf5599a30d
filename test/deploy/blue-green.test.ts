import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlueGreenDeployer } from '../../packages/deploy/src/deployer';
import { type KObject } from '../../packages/deploy/src/kube';
import { ANNOTATION, COLOR_LABEL } from '../../packages/deploy/src/model';
import {
  startK8sEmulator,
  startLoad,
  startTrafficProxy,
  type K8sEmulator,
  type LoadGenerator,
  type TrafficProxy,
} from '@deliverkit/testing-k8s-emulator';
import { getTestbedCa } from '@deliverkit/testing-testbed';
import { HTTP_ROUTE, IMAGE, INGRESS, appManifests, client, deploy, digest, model, options } from './fixtures';

// Scenarios of issue 7 against the emulated cluster, with a load generator sending traffic through
// the data plane (Service, HTTPRoute or Ingress) for the whole of each scenario.

const A = digest('a');
const B = digest('b');
const C = digest('c');

let emu: K8sEmulator;
let proxy: TrafficProxy | undefined;
let load: LoadGenerator | undefined;

beforeEach(async () => {
  emu = await startK8sEmulator({ tls: await getTestbedCa() });
});

afterEach(async () => {
  await load?.stop();
  await proxy?.stop();
  load = undefined;
  proxy = undefined;
  await emu.stop();
});

function get(kind: 'Service' | 'Deployment' | 'HTTPRoute', name: string): KObject | undefined {
  const type = { Service: 'services', Deployment: 'deployments', HTTPRoute: 'httproutes' }[kind];
  const group = { Service: '', Deployment: 'apps', HTTPRoute: 'gateway.networking.k8s.io' }[kind];
  const t = { group, plural: type };
  const obj = emu.store.list(
    { ...t, version: 'v1', kind, namespaced: true, statusSubresource: true },
    'default',
    (o) => (o.metadata as { name: string }).name === name,
  )[0];
  return obj as unknown as KObject | undefined;
}

const selectorOf = (name: string) =>
  (get('Service', name)?.spec as { selector: Record<string, string> }).selector;
const replicas = (name: string) =>
  (get('Deployment', name)?.spec as { replicas: number } | undefined)?.replicas;

async function startTraffic(
  via: { kind: 'Service' | 'HTTPRoute' | 'Ingress'; name: string } = { kind: 'Service', name: 'web' },
) {
  proxy = await startTrafficProxy({ store: emu.store, namespace: 'default', via });
  load = startLoad(proxy.url);
}

async function stopTraffic() {
  const report = await load!.stop();
  load = undefined;
  return report;
}

describe('first deploy', () => {
  it('creates blue, the preview and the stable Service, and serves the new digest', async () => {
    const r = await deploy(emu, A);
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ outcome: 'deployed', activeColor: 'blue', switched: true, imageDigest: A });
    expect(r.previousColor).toBeUndefined();
    expect(selectorOf('web')).toEqual({ app: 'web', [COLOR_LABEL]: 'blue' });
    const svc = get('Service', 'web')!;
    expect(svc.metadata.annotations).toMatchObject({
      [ANNOTATION.activeColor]: 'blue',
      [ANNOTATION.activeDigest]: A,
      [ANNOTATION.phase]: 'complete',
    });
    expect(get('Deployment', 'web-green')).toBeUndefined();
    await startTraffic();
    await new Promise((res) => setTimeout(res, 300));
    const report = await stopTraffic();
    expect(report.failed).toBe(0);
    expect(Object.keys(report.byImage)).toEqual([`${IMAGE}@${A}`]);
    // The lock was released for the next run.
    expect(r.timeline.map((s) => s.step)).toContain('release lock');
  });
});

describe('normal deploy', () => {
  it('switches blue → green only once green is ready, with zero failed requests, then scales blue down', async () => {
    await deploy(emu, A);
    await startTraffic();
    const r = await deploy(emu, B);
    const report = await stopTraffic();
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({
      outcome: 'deployed',
      activeColor: 'green',
      previousColor: 'blue',
      switched: true,
      imageDigest: B,
      previousDigest: A,
    });
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byImage[`${IMAGE}@${A}`]).toBeGreaterThan(0);
    expect(report.byImage[`${IMAGE}@${B}`]).toBeGreaterThan(0);
    expect(selectorOf('web')[COLOR_LABEL]).toBe('green');
    expect(selectorOf('web-preview')[COLOR_LABEL]).toBe('blue');
    expect(replicas('web-blue')).toBe(0);
    expect(replicas('web-green')).toBe(2);
    expect(r.readyToSwitchMs).toBeLessThan(1000);
    const order = r.timeline.map((s) => s.step);
    expect(order.indexOf('wait for endpoints')).toBeLessThan(order.indexOf('switch'));
    expect(order.indexOf('smoke checks')).toBeLessThan(order.indexOf('switch'));
    expect(r.probes.filter((p) => p.phase === 'verify').length).toBeGreaterThan(0);
  });

  it('changes nothing when re-run with the same digest', async () => {
    await deploy(emu, A);
    const before = emu.mutatingRequests().length;
    const r = await deploy(emu, A);
    expect(r).toMatchObject({ outcome: 'unchanged', switched: false, activeColor: 'blue' });
    const writes = emu
      .mutatingRequests()
      .slice(before)
      .filter((q) => !q.path.includes('/leases'));
    expect(writes).toEqual([]);
  });
});

describe('when green never becomes ready', () => {
  it('does not switch, leaves blue untouched and says why', async () => {
    await deploy(emu, A);
    emu.setImageBehavior(B, 'crash');
    await startTraffic();
    const r = await deploy(emu, B);
    const report = await stopTraffic();
    expect(r.outcome).toBe('failed');
    expect(r.error?.code).toBe('ROLLOUT_FAILED');
    expect(r.error?.message).toMatch(/web-green exceeded its progress deadline.*CrashLoopBackOff/);
    expect(r.switched).toBe(false);
    expect(selectorOf('web')[COLOR_LABEL]).toBe('blue');
    expect(replicas('web-blue')).toBe(2);
    expect(report.failed).toBe(0);
    expect(Object.keys(report.byImage)).toEqual([`${IMAGE}@${A}`]);
  });
});

describe('when a smoke check fails', () => {
  it('does not switch and scales the failed colour down', async () => {
    await deploy(emu, A);
    emu.setImageBehavior(B, 'smoke-fail');
    await startTraffic();
    const r = await deploy(emu, B);
    const report = await stopTraffic();
    expect(r.error?.code).toBe('SMOKE_FAILED');
    expect(r.error?.message).toContain('self-test');
    expect(r.switched).toBe(false);
    expect(selectorOf('web')[COLOR_LABEL]).toBe('blue');
    expect(replicas('web-green')).toBe(0);
    expect(r.probes.at(-1)).toMatchObject({ phase: 'smoke', ok: false, status: 500, attempts: 2 });
    expect(report.failed).toBe(0);
  });
});

describe('when a probe fails inside the verification window', () => {
  it('switches back to blue at once', async () => {
    await deploy(emu, A);
    // The new version degrades right after it takes traffic.
    const off = emu.onRequest((q) => {
      if (
        q.method === 'PATCH' &&
        q.path.endsWith('/services/web') &&
        q.query.fieldManager === 'deliverkit-switch'
      )
        emu.setImageBehavior(B, 'smoke-fail');
    });
    await startTraffic();
    const r = await deploy(emu, B, { options: { verifyWindowMs: 3000 } });
    off();
    const report = await stopTraffic();
    expect(r.error?.code).toBe('VERIFY_FAILED');
    expect(r).toMatchObject({ outcome: 'failed', switched: true, rolledBack: true, activeColor: 'blue' });
    expect(selectorOf('web')[COLOR_LABEL]).toBe('blue');
    expect(get('Service', 'web')!.metadata.annotations?.[ANNOTATION.phase]).toBe('rolled-back');
    const verify = r.timeline.find((s) => s.step === 'verify window')!;
    expect(verify.status).toBe('failed');
    expect(verify.durationMs).toBeLessThan(2500);
    expect(r.timeline.map((s) => s.step)).toContain('switch back');
    expect(report.failed).toBe(0);
  });
});

describe('auto-promote false', () => {
  it('stops before the switch; promote switches, reject discards', async () => {
    await deploy(emu, A);
    await startTraffic();
    const pending = await deploy(emu, B, { options: { autoPromote: false } });
    expect(pending).toMatchObject({ outcome: 'pending-promotion', switched: false });
    expect(selectorOf('web')[COLOR_LABEL]).toBe('blue');
    const ref = { app: 'web', namespace: 'default' };
    const promoted = await new BlueGreenDeployer(client(emu), ref, options()).promote();
    expect(promoted.error).toBeUndefined();
    expect(promoted).toMatchObject({ outcome: 'promoted', activeColor: 'green', switched: true });
    expect(selectorOf('web')[COLOR_LABEL]).toBe('green');

    const pending2 = await deploy(emu, C, { options: { autoPromote: false } });
    expect(pending2.outcome).toBe('pending-promotion');
    const rejected = await new BlueGreenDeployer(client(emu), ref, options()).reject();
    expect(rejected).toMatchObject({ outcome: 'rejected', activeColor: 'green' });
    expect(replicas('web-blue')).toBe(0);
    expect(selectorOf('web')[COLOR_LABEL]).toBe('green');
    const again = await new BlueGreenDeployer(client(emu), ref, options()).promote();
    expect(again.error?.code).toBe('NOTHING_PENDING');
    const report = await stopTraffic();
    expect(report.failed).toBe(0);
  });
});

describe('auto-promote false on the very first deploy', () => {
  it('promotes without manifests, creating the stable Service from the preview', async () => {
    const pending = await deploy(emu, A, { options: { autoPromote: false } });
    expect(pending.outcome).toBe('pending-promotion');
    expect(get('Service', 'web')).toBeUndefined();
    const promoted = await new BlueGreenDeployer(
      client(emu),
      { app: 'web', namespace: 'default' },
      options(),
    ).promote();
    expect(promoted.error).toBeUndefined();
    expect(promoted).toMatchObject({ outcome: 'promoted', activeColor: 'blue', imageDigest: A });
    const svc = get('Service', 'web')!;
    expect((svc.spec as { ports: { port: number }[] }).ports[0]!.port).toBe(80);
    expect(selectorOf('web')).toEqual({ app: 'web', [COLOR_LABEL]: 'blue' });
    await startTraffic();
    await new Promise((res) => setTimeout(res, 300));
    expect((await stopTraffic()).failed).toBe(0);
  });
});

describe('rollback', () => {
  it('switches back to the warm previous colour', async () => {
    await deploy(emu, A);
    await deploy(emu, B, { options: { scaleDownDelayMs: 0 } });
    await startTraffic();
    const ref = { app: 'web', namespace: 'default' };
    const r = await new BlueGreenDeployer(client(emu), ref, options({ scaleDownDelayMs: 0 })).rollback();
    const report = await stopTraffic();
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({
      outcome: 'rolled-back',
      activeColor: 'blue',
      previousColor: 'green',
      rolledBack: true,
      imageDigest: A,
    });
    // blue had been scaled down: it was scaled up first.
    expect(r.timeline.map((s) => s.step)).toContain('scale previous colour up');
    expect(selectorOf('web')[COLOR_LABEL]).toBe('blue');
    expect(report.failed).toBe(0);
  });
});

describe('when another run holds the lock', () => {
  it('waits, then fails with the holder named; an expired lease is taken over', async () => {
    const leases = {
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      namespaced: true,
      statusSubresource: false,
    };
    const now = new Date().toISOString().replace('Z', '000Z');
    emu.store.create(leases, 'default', {
      metadata: { name: 'web-deliverkit-lock' },
      spec: {
        holderIdentity: 'octo/shop/run-99',
        leaseDurationSeconds: 60,
        acquireTime: now,
        renewTime: now,
      },
    });
    const started = Date.now();
    const r = await deploy(emu, A, { options: { lockWaitMs: 1500 } });
    expect(r.error?.code).toBe('LOCK_HELD');
    expect(r.error?.message).toContain('octo/shop/run-99');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(get('Deployment', 'web-blue')).toBeUndefined();

    const live = emu.store.get(leases, 'default', 'web-deliverkit-lock');
    (live.spec as { leaseDurationSeconds: number }).leaseDurationSeconds = 1;
    emu.store.update(leases, 'default', 'web-deliverkit-lock', live);
    const r2 = await deploy(emu, A, { options: { lockWaitMs: 5000 } });
    expect(r2.error).toBeUndefined();
    expect(r2.outcome).toBe('deployed');
  });
});

describe('dry-run', () => {
  it('makes no mutating request and plans the switch with diffs', async () => {
    await deploy(emu, A);
    const before = emu.requests.length;
    const r = await deploy(emu, B, { dryRun: true });
    const mine = emu.requests.slice(before);
    expect(mine.filter((q) => q.mutating)).toEqual([]);
    expect(mine.filter((q) => q.method === 'PATCH').every((q) => q.query.dryRun === 'All')).toBe(true);
    expect(r.outcome).toBe('planned');
    expect(r.plan).toMatchObject({
      mode: 'cluster',
      from: 'blue',
      to: 'green',
      switch: { from: 'blue', to: 'green', objects: ['Service/web'] },
    });
    const green = r.plan!.changes.find((c) => c.object === 'Deployment/web-green')!;
    expect(green.change).toBe('create');
    const preview = r.plan!.changes.find((c) => c.object === 'Service/web-preview')!;
    expect(preview.change).toBe('update');
    expect(preview.diff).toContain(`-     ${COLOR_LABEL}: blue`);
    expect(preview.diff).toContain(`+     ${COLOR_LABEL}: green`);
    expect(selectorOf('web')[COLOR_LABEL]).toBe('blue');
  });
});

describe('adopting a plain Deployment', () => {
  it('moves traffic from the existing Deployment to blue without a failed request', async () => {
    const plain = model(appManifests(), A);
    const deployments = {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      namespaced: true,
      statusSubresource: true,
    };
    const services = {
      group: '',
      version: 'v1',
      kind: 'Service',
      plural: 'services',
      namespaced: true,
      statusSubresource: true,
    };
    emu.store.create(deployments, 'default', JSON.parse(JSON.stringify(plain.deployment)), {
      fieldManager: 'kubectl-client-side-apply',
    });
    emu.store.create(services, 'default', JSON.parse(JSON.stringify(plain.service)), {
      fieldManager: 'kubectl-client-side-apply',
    });
    await new Promise((res) => setTimeout(res, 800));
    await startTraffic();
    const r = await deploy(emu, B);
    const report = await stopTraffic();
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ outcome: 'deployed', activeColor: 'blue', previousColor: 'legacy' });
    expect(r.timeline.map((s) => s.step)).toContain('adopt plain Deployment');
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byImage[`${IMAGE}@${B}`]).toBeGreaterThan(0);
    expect(replicas('web')).toBe(0);
    // The adopted Deployment's selector was never changed (it is immutable).
    expect((get('Deployment', 'web')!.spec as { selector: unknown }).selector).toEqual({
      matchLabels: { app: 'web' },
    });
  });
});

describe.each([
  ['gateway-api', HTTP_ROUTE, 'HTTPRoute'],
  ['ingress', INGRESS, 'Ingress'],
] as const)('route-method %s', (method, routeYaml, kind) => {
  it('switches the route with zero failed requests', async () => {
    const manifests = `${appManifests()}---\n${routeYaml}`;
    await deploy(emu, A, { manifests, routeMethod: method });
    await startTraffic({ kind, name: 'web' });
    const r = await deploy(emu, B, { manifests, routeMethod: method });
    const report = await stopTraffic();
    expect(r.error).toBeUndefined();
    expect(r.activeColor).toBe('green');
    expect(report.failed, report.failures.join('\n')).toBe(0);
    expect(report.byImage[`${IMAGE}@${B}`]).toBeGreaterThan(0);
    if (method === 'gateway-api') {
      const rules = (
        get('HTTPRoute', 'web')!.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }
      ).rules;
      expect(rules[1]!.backendRefs).toEqual([
        { name: 'web-blue', port: 80, weight: 0 },
        { name: 'web-green', port: 80, weight: 100 },
      ]);
      // The header rule reaches the preview (now the warm previous colour).
      expect(rules[0]!.backendRefs[0]!.name).toBe('web-blue');
      const preview = await fetch(`${proxy!.url}/version`, { headers: { 'X-Deliverkit-Preview': 'true' } });
      expect(((await preview.json()) as { digest: string }).digest).toBe(A);
    }
  });
});
