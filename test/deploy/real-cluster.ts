import { stringify } from 'yaml';
import { type RouteMethod } from '@deliverkit/deploy';
import { BlueGreenDeployer } from '../../packages/deploy/src/deployer';
import { KubeClient } from '../../packages/deploy/src/kube';
import { type BlueGreenOptions } from '../../packages/deploy/src/types';
import {
  buildTestImage,
  TEST_IMAGE_REPOSITORY,
  type KubeCluster,
  type TestImage,
} from '@deliverkit/testing-testbed';
import { INPUT_NAMES, modelOf, SMOKE } from './fixtures';

// Fixtures for the blue-green scenarios on a real cluster (testing/testbed/src/kube-cluster.ts with a real node): the
// app is the test image (kube-node/testapp.go), whose behaviour is baked into each digest.

export const IMAGE = TEST_IMAGE_REPOSITORY;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary object shapes
export type Live = Record<string, any>;

/** A restricted-Pod-Security-compliant container security context (what production namespaces enforce). */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The app as a user writes it: a Deployment with a real readiness probe, its Service and a ConfigMap. */
export function appManifests(options: { replicas?: number; progressDeadlineSeconds?: number } = {}): string {
  const docs = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: options.replicas ?? 2,
        progressDeadlineSeconds: options.progressDeadlineSeconds ?? 30,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 5,
            containers: [
              {
                name: 'web',
                image: `${IMAGE}:placeholder`,
                ports: [{ containerPort: 8080, name: 'http' }],
                readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
                securityContext: RESTRICTED_CONTAINER,
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { greeting: 'hello' } },
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}

export function model(
  manifests: string,
  image: TestImage,
  namespace: string,
  routeMethod: RouteMethod = 'service',
) {
  return modelOf(manifests, `${IMAGE}@${image.digest}`, routeMethod, namespace);
}

export function options(overrides: Partial<BlueGreenOptions> = {}): BlueGreenOptions {
  return {
    smokeChecks: SMOKE,
    verifyWindowMs: 1000,
    verifyIntervalMs: 200,
    scaleDownDelayMs: 1500,
    // These scenarios assert the old colour at zero when the deploy returns: the in-run wait.
    waitForScaleDown: true,
    timeoutMs: 60_000,
    autoPromote: true,
    runId: 'octo/shop/run-1',
    runUrl: 'https://github.com/octo/shop/actions/runs/1',
    lockTtlSeconds: 15,
    lockWaitMs: 2000,
    pollMs: 200,
    inputNames: INPUT_NAMES,
    ...overrides,
  };
}

export function client(kubeconfig: string, dryRun = false): KubeClient {
  return KubeClient.create({ kubeconfig, dryRun });
}

export async function deploy(
  kubeconfig: string,
  namespace: string,
  image: TestImage,
  extra: {
    manifests?: string;
    routeMethod?: RouteMethod;
    options?: Partial<BlueGreenOptions>;
    dryRun?: boolean;
    kubeClient?: KubeClient;
  } = {},
) {
  const m = model(extra.manifests ?? appManifests(), image, namespace, extra.routeMethod);
  const d = new BlueGreenDeployer(
    extra.kubeClient ?? client(kubeconfig, extra.dryRun),
    { app: m.app, namespace },
    options(extra.options),
    m,
  );
  return d.deploy();
}

export interface TestImages {
  a: TestImage;
  b: TestImage;
  c: TestImage;
  crash: TestImage;
  smokeFail: TestImage;
}

/** The five images the scenarios deploy, imported into the cluster's node. */
export async function importTestImages(cluster: KubeCluster): Promise<TestImages> {
  const images: TestImages = {
    a: await buildTestImage('a'),
    b: await buildTestImage('b'),
    c: await buildTestImage('c'),
    crash: await buildTestImage('crash', 'crash'),
    smokeFail: await buildTestImage('smoke-fail', 'smoke-fail'),
  };
  for (const image of Object.values(images)) await cluster.importImage(image);
  return images;
}

let namespaces = 0;

/** A fresh namespace per scenario (the cluster is shared by a file's scenarios). */
export async function freshNamespace(
  cluster: KubeCluster,
  labels: Record<string, string> = {},
  name = `bg-${process.pid}-${namespaces++}`,
): Promise<string> {
  const r = await cluster.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  });
  if (r.status !== 201) throw new Error(`creating namespace ${name}: ${JSON.stringify(r.body)}`);
  // Pods need the namespace's default ServiceAccount, which the controller-manager makes.
  for (let i = 0; i < 100; i++) {
    const sa = await cluster.request('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`);
    if (sa.status === 200) return name;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`namespace ${name} got no default ServiceAccount`);
}

/** A live object as JSON, or undefined. */
export async function get(
  cluster: KubeCluster,
  namespace: string,
  kind: 'Service' | 'Deployment' | 'Lease' | 'HTTPRoute' | 'Ingress',
  name: string,
): Promise<Live | undefined> {
  const base = {
    Service: `/api/v1/namespaces/${namespace}/services`,
    Deployment: `/apis/apps/v1/namespaces/${namespace}/deployments`,
    Lease: `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
    HTTPRoute: `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes`,
    Ingress: `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`,
  }[kind];
  const r = await cluster.request('GET', `${base}/${name}`);
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`reading ${kind} ${namespace}/${name}: ${JSON.stringify(r.body)}`);
  return r.body as Live;
}
