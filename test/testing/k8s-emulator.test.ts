import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubernetesObject,
  type V1Deployment,
  startK8sEmulator,
  startLoad,
  startTrafficProxy,
  type K8sEmulator,
} from '@deliverkit/testing-k8s-emulator';
import https from 'node:https';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestbedCa } from '@deliverkit/testing-testbed';

// The emulator's semantics checked through the real client library the deployer uses, so a
// difference from a real API server shows up here rather than as a false pass elsewhere.

let emu: K8sEmulator;
let kc: KubeConfig;
let objects: KubernetesObjectApi;
let apps: AppsV1Api;
let core: CoreV1Api;

function deployment(name: string, image: string, extra: Partial<V1Deployment['spec']> = {}): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080, name: 'http' }] }] },
      },
      ...extra,
    },
  };
}

async function statusOf(e: unknown): Promise<{ code: number; body: Record<string, unknown> }> {
  expect(e).toBeInstanceOf(ApiException);
  const ex = e as ApiException<unknown>;
  const body =
    typeof ex.body === 'string'
      ? (JSON.parse(ex.body) as Record<string, unknown>)
      : (ex.body as Record<string, unknown>);
  return { code: ex.code, body };
}

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function get(url: string, token = emu.token): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: emu.caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  emu = await startK8sEmulator({ tls: await getTestbedCa(), namespaces: ['apps'] });
  kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfig);
  objects = KubernetesObjectApi.makeApiClient(kc);
  apps = kc.makeApiClient(AppsV1Api);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await emu.stop();
});

describe('when a client has no or a wrong token', () => {
  it('answers 401 with a Status object', async () => {
    const bad = new KubeConfig();
    bad.loadFromString(emu.kubeconfig.replace(emu.token, 'wrong'));
    const err = await bad
      .makeApiClient(CoreV1Api)
      .listNamespacedService({ namespace: 'default' })
      .catch((e: unknown) => e);
    expect((err as ApiException<unknown>).code).toBe(401);
    const raw = await get(`${emu.url}/api/v1/namespaces/default/services`, 'wrong');
    expect(raw.status).toBe(401);
    expect(JSON.parse(raw.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });
});

describe('create, read, update, delete', () => {
  it('creates with uid, creationTimestamp, generation 1 and a resourceVersion, and 409s a second create', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('crud', 'example/app:1'),
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.generation).toBe(1);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    // Defaults the real server fills in.
    expect(created.spec?.progressDeadlineSeconds).toBe(600);
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    const err = await apps
      .createNamespacedDeployment({ namespace: 'default', body: deployment('crud', 'example/app:1') })
      .catch((e: unknown) => e);
    const { code, body } = await statusOf(err);
    expect(code).toBe(409);
    expect(body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'AlreadyExists',
      details: { name: 'crud', group: 'apps', kind: 'deployments' },
    });
  });

  it('answers 404 NotFound for a missing object', async () => {
    const err = await apps
      .readNamespacedDeployment({ namespace: 'default', name: 'nope' })
      .catch((e: unknown) => e);
    const { code, body } = await statusOf(err);
    expect(code).toBe(404);
    expect(body).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "nope" not found' });
  });

  it('rejects a PUT with a stale resourceVersion with 409 Conflict', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'rv' }, data: { a: '1' } },
    });
    const stale = structuredClone(cm);
    cm.data = { a: '2' };
    const updated = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'rv', body: cm });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(stale.metadata?.resourceVersion),
    );
    stale.data = { a: '3' };
    const err = await core
      .replaceNamespacedConfigMap({ namespace: 'default', name: 'rv', body: stale })
      .catch((e: unknown) => e);
    expect((err as ApiException<unknown>).code).toBe(409);
    const raw = await get(`${emu.url}/api/v1/namespaces/default/configmaps/rv`);
    expect(JSON.parse(raw.body).data).toEqual({ a: '2' });
  });

  it('bumps generation on spec changes only (status writes by the controller race like on a real cluster)', async () => {
    const replace = async (mutate: (d: V1Deployment) => void): Promise<V1Deployment> => {
      for (;;) {
        const live = await apps.readNamespacedDeployment({ namespace: 'default', name: 'crud' });
        mutate(live);
        try {
          return await apps.replaceNamespacedDeployment({ namespace: 'default', name: 'crud', body: live });
        } catch (e) {
          if ((e as ApiException<unknown>).code !== 409) throw e;
        }
      }
    };
    const annotated = await replace((d) => (d.metadata!.annotations = { note: 'metadata only' }));
    expect(annotated.metadata?.generation).toBe(1);
    const scaled = await replace((d) => (d.spec!.replicas = 3));
    expect(scaled.metadata?.generation).toBe(2);
  });

  it('answers 422 Invalid with causes, and keeps the selector immutable', async () => {
    const bad = deployment('invalid', 'example/app:1');
    bad.spec!.template.metadata!.labels = { app: 'other' };
    const err = await apps
      .createNamespacedDeployment({ namespace: 'default', body: bad })
      .catch((e: unknown) => e);
    const { code, body } = await statusOf(err);
    expect(code).toBe(422);
    expect(body.reason).toBe('Invalid');
    expect(JSON.stringify(body.details)).toContain('selector` does not match template');
    const live = await apps.readNamespacedDeployment({ namespace: 'default', name: 'crud' });
    live.spec!.selector = { matchLabels: { app: 'crud', extra: 'x' } };
    live.spec!.template.metadata!.labels = { app: 'crud', extra: 'x' };
    // An unconditional update (no resourceVersion), so the controller's status writes cannot race it.
    delete live.metadata!.resourceVersion;
    const err2 = await apps
      .replaceNamespacedDeployment({ namespace: 'default', name: 'crud', body: live })
      .catch((e: unknown) => e);
    expect((await statusOf(err2)).body.message).toContain('field is immutable');
  });

  it('deletes with a Success Status, and dryRun=All deletes nothing', async () => {
    await objects.delete(deployment('crud', 'x') as KubernetesObject, undefined, 'All');
    await apps.readNamespacedDeployment({ namespace: 'default', name: 'crud' });
    const status = await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'crud' });
    expect(status.status).toBe('Success');
    await expect(apps.readNamespacedDeployment({ namespace: 'default', name: 'crud' })).rejects.toMatchObject(
      { code: 404 },
    );
  });
});

describe('server-side apply', () => {
  const svc = (selector: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ssa', namespace: 'default', labels: { team: 'a' } },
    spec: { selector, ports: [{ port: 80, targetPort: 8080 }] },
    ...extra,
  });

  it('creates on first apply and records the manager with operation Apply', async () => {
    const created: KubernetesObject = await objects.patch(
      svc({ app: 'ssa' }),
      undefined,
      undefined,
      'deployer',
      undefined,
      PatchStrategy.ServerSideApply,
    );
    const fields = created.metadata?.managedFields ?? [];
    expect(fields.map((f: { manager?: string; operation?: string }) => [f.manager, f.operation])).toEqual([
      ['deployer', 'Apply'],
    ]);
    expect(JSON.stringify(fields[0]?.fieldsV1)).toContain('"f:selector":{"f:app":{}}');
  });

  it('409s when another manager owns a field with a different value, and force takes it over', async () => {
    const live = await core.readNamespacedService({ namespace: 'default', name: 'ssa' });
    live.spec!.selector = { app: 'ssa', color: 'blue' };
    await core.replaceNamespacedService({
      namespace: 'default',
      name: 'ssa',
      body: live,
      fieldManager: 'kubectl-edit',
    });
    const err = await objects
      .patch(
        svc({ app: 'ssa', color: 'green' }),
        undefined,
        undefined,
        'deployer',
        false,
        PatchStrategy.ServerSideApply,
      )
      .catch((e: unknown) => e);
    const { code, body } = await statusOf(err);
    expect(code).toBe(409);
    expect(body.reason).toBe('Conflict');
    expect(body.message).toContain('conflict with "kubectl-edit": .spec.selector.color');
    const forced: KubernetesObject = await objects.patch(
      svc({ app: 'ssa', color: 'green' }),
      undefined,
      undefined,
      'deployer',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((forced as { spec: { selector: Record<string, string> } }).spec.selector).toEqual({
      app: 'ssa',
      color: 'green',
    });
    const editor = forced.metadata?.managedFields?.find(
      (f: { manager?: string }) => f.manager === 'kubectl-edit',
    );
    expect(JSON.stringify(editor?.fieldsV1 ?? {})).not.toContain('f:color');
  });

  it('removes a field the manager stops applying when nobody else owns it', async () => {
    const applied: KubernetesObject = await objects.patch(
      { ...svc({ app: 'ssa', color: 'green' }), metadata: { name: 'ssa', namespace: 'default' } },
      undefined,
      undefined,
      'deployer',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.metadata?.labels?.team).toBeUndefined();
  });

  it('does not persist under dryRun=All but returns the would-be object', async () => {
    const before = await core.readNamespacedService({ namespace: 'default', name: 'ssa' });
    const dry = await objects.patch(
      svc({ app: 'ssa', color: 'blue' }),
      undefined,
      'All',
      'deployer',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((dry as { spec: { selector: Record<string, string> } }).spec.selector.color).toBe('blue');
    const after = await core.readNamespacedService({ namespace: 'default', name: 'ssa' });
    expect(after.spec?.selector?.color).toBe('green');
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    const dryNew = await objects.patch(
      { ...svc({ app: 'x' }), metadata: { name: 'ssa-new', namespace: 'default' } },
      undefined,
      'All',
      'deployer',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(dryNew.metadata?.name).toBe('ssa-new');
    await expect(core.readNamespacedService({ namespace: 'default', name: 'ssa-new' })).rejects.toMatchObject(
      { code: 404 },
    );
  });

  it('keeps the resourceVersion on a no-op apply', async () => {
    const a: KubernetesObject = await objects.patch(
      svc({ app: 'ssa', color: 'blue' }),
      undefined,
      undefined,
      'deployer',
      true,
      PatchStrategy.ServerSideApply,
    );
    const b: KubernetesObject = await objects.patch(
      svc({ app: 'ssa', color: 'blue' }),
      undefined,
      undefined,
      'deployer',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(b.metadata?.resourceVersion).toBe(a.metadata?.resourceVersion);
  });
});

describe('list and watch', () => {
  it('filters a list by labelSelector and pages with limit/continue', async () => {
    for (const [n, tier] of [
      ['l1', 'web'],
      ['l2', 'web'],
      ['l3', 'db'],
    ] as const) {
      await core.createNamespacedConfigMap({
        namespace: 'apps',
        body: { metadata: { name: n, labels: { tier } }, data: { k: 'v' } },
      });
    }
    const web = await core.listNamespacedConfigMap({ namespace: 'apps', labelSelector: 'tier=web' });
    expect(web.items.map((i) => i.metadata?.name)).toEqual(['l1', 'l2']);
    const notWeb = await core.listNamespacedConfigMap({
      namespace: 'apps',
      labelSelector: 'tier notin (web)',
    });
    expect(notWeb.items.map((i) => i.metadata?.name)).toEqual(['l3']);
    const page = await core.listNamespacedConfigMap({ namespace: 'apps', limit: 2 });
    expect(page.items).toHaveLength(2);
    const next = await core.listNamespacedConfigMap({
      namespace: 'apps',
      limit: 2,
      _continue: page.metadata?._continue,
    });
    expect(next.items.map((i) => i.metadata?.name)).toEqual(['l3']);
  });

  it('streams ADDED/MODIFIED/DELETED events from a resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'apps' });
    const events: string[] = [];
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/apps/configmaps',
      { resourceVersion: list.metadata?.resourceVersion, labelSelector: 'tier=web' },
      (type, obj: KubernetesObject) => events.push(`${type} ${obj.metadata?.name}`),
      () => {},
    );
    // The typed client sends JSON Patch (RFC 6902) by default.
    await core.patchNamespacedConfigMap({
      namespace: 'apps',
      name: 'l1',
      body: [{ op: 'replace', path: '/data/k', value: 'v2' }],
    });
    await core.deleteNamespacedConfigMap({ namespace: 'apps', name: 'l2' });
    await core.deleteNamespacedConfigMap({ namespace: 'apps', name: 'l3' });
    await until(async () => (events.length >= 2 ? true : undefined));
    controller.abort();
    expect(events).toEqual(['MODIFIED l1', 'DELETED l2']);
  });
});

describe('the simulated controllers', () => {
  it('rolls a Deployment out: observedGeneration, ready and available replicas, EndpointSlices, a real pod answering', async () => {
    const d = deployment('web', 'registry.local/web@sha256:' + 'a'.repeat(64), {
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'registry.local/web@sha256:' + 'a'.repeat(64),
              ports: [{ containerPort: 8080, name: 'http' }],
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
            },
          ],
        },
      },
    });
    await apps.createNamespacedDeployment({ namespace: 'default', body: d });
    await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
      },
    });
    const done = await until(async () => {
      const live = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
      return live.status?.availableReplicas === 2 && live.status.observedGeneration === 1 ? live : undefined;
    });
    expect(done.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'NewReplicaSetAvailable',
    );
    expect(done.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    const slices = await until(async () => {
      const l = await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
        namespace: 'default',
        labelSelector: 'kubernetes.io/service-name=web',
      });
      const ready = l.items.flatMap((s) => s.endpoints).filter((e) => e.conditions?.ready);
      return ready.length === 2 ? l : undefined;
    });
    expect(slices.items[0]?.ports?.[0]?.port).toBe(8080);
    // The API server's service proxy reaches a pod, which reports its image digest.
    const answer = await get(`${emu.url}/api/v1/namespaces/default/services/web:80/proxy/version`);
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { digest: string }).digest).toBe('sha256:' + 'a'.repeat(64));
  });

  it('gives a pod another address when its own is taken (emulators in parallel workers share 127/8)', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(8080, '127.99.0.2', resolve));
    const other = await startK8sEmulator({ tls: await getTestbedCa(), podNetwork: '127.99' });
    try {
      const otherKc = new KubeConfig();
      otherKc.loadFromString(other.kubeconfig);
      const otherApps = otherKc.makeApiClient(AppsV1Api);
      await otherApps.createNamespacedDeployment({
        namespace: 'default',
        body: deployment('taken', 'registry.local/taken@sha256:' + 'c'.repeat(64)),
      });
      await until(async () => {
        const live = await otherApps.readNamespacedDeployment({ namespace: 'default', name: 'taken' });
        return live.status?.availableReplicas === 2 ? live : undefined;
      });
      const pods = await otherKc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'default' });
      const ips = pods.items.map((p) => p.status?.podIP);
      expect(ips).toHaveLength(2);
      expect(ips).not.toContain('127.99.0.2');
    } finally {
      await other.stop();
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('reports ProgressDeadlineExceeded for an image that crash-loops, and keeps the old pods serving', async () => {
    emu.setImageBehavior('sha256:' + 'b'.repeat(64), 'crash');
    const proxy = await startTrafficProxy({
      store: emu.store,
      namespace: 'default',
      via: { kind: 'Service', name: 'web' },
    });
    const load = startLoad(proxy.url);
    const live = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    live.spec!.progressDeadlineSeconds = 1;
    live.spec!.template.spec!.containers[0]!.image = 'registry.local/web@sha256:' + 'b'.repeat(64);
    const updated = await apps.replaceNamespacedDeployment({ namespace: 'default', name: 'web', body: live });
    expect(updated.metadata?.generation).toBe(2);
    const stuck = await until(async () => {
      const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
      const p = d.status?.conditions?.find((c) => c.type === 'Progressing');
      return p?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
    });
    expect(stuck.status?.observedGeneration).toBe(2);
    expect(stuck.status?.updatedReplicas).toBe(2);
    expect(stuck.status?.availableReplicas).toBe(2);
    const report = await load.stop();
    await proxy.stop();
    expect(report.sent).toBeGreaterThan(20);
    expect(report.failed).toBe(0);
    expect(Object.keys(report.byImage)).toEqual(['registry.local/web@sha256:' + 'a'.repeat(64)]);
  });

  it('keeps Leases as plain objects with optimistic concurrency', async () => {
    const leases = kc.makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace: 'default',
      body: { metadata: { name: 'lock' }, spec: { holderIdentity: 'run-1', leaseDurationSeconds: 15 } },
    });
    lease.spec!.holderIdentity = 'run-2';
    await leases.replaceNamespacedLease({ namespace: 'default', name: 'lock', body: lease });
    const err = await leases
      .replaceNamespacedLease({ namespace: 'default', name: 'lock', body: lease })
      .catch((e: unknown) => e);
    expect((await statusOf(err)).code).toBe(409);
  });

  it('records every request and flags only real writes as mutating', async () => {
    const before = emu.requests.length;
    await objects.patch(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'dry', namespace: 'default' },
        data: { a: 'b' },
      },
      undefined,
      'All',
      'deployer',
      true,
      PatchStrategy.ServerSideApply,
    );
    const mine = emu.requests.slice(before);
    expect(mine.some((r) => r.method === 'PATCH' && r.query.dryRun === 'All')).toBe(true);
    expect(mine.filter((r) => r.mutating)).toEqual([]);
  });
});
