import { stringify } from 'yaml';
import { parseImageOverrides, type RouteMethod, type SmokeCheck } from '@deliverkit/deploy';
import { BlueGreenDeployer } from '../../packages/deploy/src/deployer';
import { KubeClient } from '../../packages/deploy/src/kube';
import { parseManifests, substituteImages } from '../../packages/deploy/src/manifests';
import { buildModel } from '../../packages/deploy/src/model';
import { type BlueGreenOptions } from '../../packages/deploy/src/types';
import type { K8sEmulator } from '@deliverkit/testing-k8s-emulator';
import { DEPLOY_INPUT_NAMES } from '../../actions/blue-green-deploy/src/inputs';

/** blue-green-deploy's input names, as the action gives them to the deploy package (its errors name them). */
export const INPUT_NAMES = DEPLOY_INPUT_NAMES;
export const IMAGE = 'registry.example/shop/web';
export const digest = (c: string) => `sha256:${c.repeat(64).slice(0, 64)}`;

/** The app as a user writes it: a Deployment with a readiness probe, its Service, and both route kinds. */
export function appManifests(options: { replicas?: number; progressDeadlineSeconds?: number } = {}): string {
  const docs = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: options.replicas ?? 2,
        progressDeadlineSeconds: options.progressDeadlineSeconds ?? 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: `${IMAGE}:1.0`,
                ports: [{ containerPort: 8080, name: 'http' }],
                readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
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

export const HTTP_ROUTE = stringify({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'web' },
  spec: { parentRefs: [{ name: 'gateway' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
});

export const INGRESS = stringify({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web' },
  spec: {
    rules: [
      {
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});

export const SMOKE: SmokeCheck[] = [
  {
    name: 'self-test',
    path: '/smoke',
    method: 'GET',
    headers: {},
    expectStatus: [200],
    expectBody: '"status":"ok"',
    retries: 1,
    intervalMs: 100,
    timeoutMs: 2000,
  },
];

export function model(
  manifests: string,
  digestValue: string,
  routeMethod: RouteMethod = 'service',
  namespace = 'default',
) {
  return modelOf(manifests, `${IMAGE}@${digestValue}`, routeMethod, namespace);
}

/** The app model of `manifests` with `image` (name@digest) substituted, as the action builds it. */
export function modelOf(manifests: string, image: string, routeMethod: RouteMethod, namespace: string) {
  const objects = substituteImages(
    parseManifests(manifests, INPUT_NAMES.manifests),
    parseImageOverrides([image], INPUT_NAMES.images),
    INPUT_NAMES.images,
  );
  return buildModel(objects, {
    namespace,
    routeMethod,
    input: INPUT_NAMES.manifests,
    inputNames: INPUT_NAMES,
  });
}

export function options(overrides: Partial<BlueGreenOptions> = {}): BlueGreenOptions {
  return {
    smokeChecks: SMOKE,
    verifyWindowMs: 600,
    verifyIntervalMs: 150,
    scaleDownDelayMs: 300,
    // These scenarios assert the old colour at zero when the deploy returns: the in-run wait.
    waitForScaleDown: true,
    timeoutMs: 15_000,
    autoPromote: true,
    runId: 'octo/shop/run-1',
    runUrl: 'https://github.com/octo/shop/actions/runs/1',
    lockTtlSeconds: 15,
    lockWaitMs: 2000,
    pollMs: 100,
    inputNames: INPUT_NAMES,
    ...overrides,
  };
}

export function client(emu: K8sEmulator, dryRun = false): KubeClient {
  return KubeClient.create({ kubeconfig: emu.kubeconfig, dryRun });
}

export async function deploy(
  emu: K8sEmulator,
  digestValue: string,
  extra: {
    manifests?: string;
    routeMethod?: RouteMethod;
    options?: Partial<BlueGreenOptions>;
    dryRun?: boolean;
  } = {},
) {
  const m = model(extra.manifests ?? appManifests(), digestValue, extra.routeMethod);
  const d = new BlueGreenDeployer(
    client(emu, extra.dryRun),
    { app: m.app, namespace: 'default' },
    options(extra.options),
    m,
  );
  return d.deploy();
}
