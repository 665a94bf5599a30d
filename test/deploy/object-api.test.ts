// KubeObjectApi: the object calls the deployer makes, without client-node's generated models, against the API
// emulator (testing/k8s-emulator, which answers as the API server does: discovery, Status errors, dryRun).
// What the deployer relies on from client-node's KubernetesObjectApi: resource paths from discovery, one discovery
// request per API version, the context's namespace for an object without one, and ApiException with the Status.
import { getTestbedCa } from '@deliverkit/testing-testbed';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeployError, KubeApiError, KubeObjectError } from '@deliverkit/deploy';
import { KubeObjectApi } from '../../packages/deploy/src/object-api';
import {
  ApiException,
  KubeConfig,
  startK8sEmulator,
  type K8sEmulator,
} from '@deliverkit/testing-k8s-emulator';

let emu: K8sEmulator;
let api: KubeObjectApi;
const configMap = (name: string, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data: { colour: 'blue' },
});

beforeAll(async () => {
  emu = await startK8sEmulator({ tls: await getTestbedCa(), namespaces: ['shop'] });
});
afterAll(() => emu.stop());
beforeEach(() => {
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfig);
  api = new KubeObjectApi(kc);
  emu.requests.length = 0;
});

describe('KubeObjectApi', () => {
  it('creates, reads, applies, replaces, lists and deletes by the paths discovery gives', async () => {
    await api.create(configMap('settings', 'shop'), undefined, 'deliverkit');
    const green = { ...configMap('settings', 'shop'), data: { colour: 'green' } };
    await api.patch(green, undefined, 'deliverkit-apply', true, 'application/apply-patch+yaml');
    const read = (await api.read(configMap('settings', 'shop'))) as { metadata: { resourceVersion: string } };
    await api.replace({
      ...configMap('settings', 'shop'),
      metadata: { ...read.metadata, name: 'settings', namespace: 'shop' },
    });
    const list = await api.list('v1', 'ConfigMap', 'shop');
    expect(list.items.map((o) => (o as { metadata: { name: string } }).metadata.name)).toContain('settings');
    await api.delete(configMap('settings', 'shop'));
    expect(emu.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1',
      'POST /api/v1/namespaces/shop/configmaps',
      'PATCH /api/v1/namespaces/shop/configmaps/settings',
      'GET /api/v1/namespaces/shop/configmaps/settings',
      'PUT /api/v1/namespaces/shop/configmaps/settings',
      'GET /api/v1/namespaces/shop/configmaps',
      'DELETE /api/v1/namespaces/shop/configmaps/settings',
    ]);
    const patch = emu.requests.find((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/apply-patch+yaml');
    expect(patch?.query).toMatchObject({ fieldManager: 'deliverkit-apply', force: 'true' });
  });

  it('gives an object without a namespace the context’s (default) namespace, as KubernetesObjectApi does', async () => {
    await api.create(configMap('no-namespace'), 'All');
    expect(emu.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      query: { dryRun: 'All' },
    });
  });

  it('throws ApiException with the Status body for an answer that is not 2xx', async () => {
    const error = await api.read(configMap('missing', 'shop')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<string>).code).toBe(404);
    expect(JSON.parse((error as ApiException<string>).body)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
    });
  });

  it('says a kind the server does not serve is unrecognized: KubeObjectError UNKNOWN_KIND', async () => {
    const error = await api
      .read({ apiVersion: 'v1', kind: 'Gizmo', metadata: { name: 'x', namespace: 'shop' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeObjectError);
    expect(error).not.toBeInstanceOf(KubeApiError);
    expect(error).not.toBeInstanceOf(DeployError);
    expect((error as KubeObjectError).code).toBe('UNKNOWN_KIND');
    expect((error as Error).message).toBe('Unrecognized API version and kind: v1 Gizmo');
  });

  it('refuses an object without a kind or a name: KubeObjectError INVALID_OBJECT', async () => {
    const noKind = await api.read({ apiVersion: 'v1', metadata: { name: 'x' } }).catch((e: unknown) => e);
    expect(noKind).toBeInstanceOf(KubeObjectError);
    expect((noKind as KubeObjectError).code).toBe('INVALID_OBJECT');
    expect((noKind as Error).message).toBe('Required spec property kind is not set');
    const noName = await api
      .read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })
      .catch((e: unknown) => e);
    expect((noName as KubeObjectError).code).toBe('INVALID_OBJECT');
    expect((noName as Error).message).toBe('Required spec property name is not set');
  });
});
