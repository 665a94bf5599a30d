// What the Kubernetes client throws when no Status comes back: a cluster that does not answer is a
// KubeConnectionError (UNREACHABLE or TIMEOUT, a service outage), with the socket's own message; and an operation
// that meets one throws it, as it threw the plain socket error before, rather than reporting a failed deploy.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeployError,
  KubeApiError,
  KubeConnectionError,
  runDeployment,
  type DeploymentRequest,
} from '@deliverkit/deploy';
import { KubeClient } from '../../packages/deploy/src/kube';
import { INPUT_NAMES } from './fixtures';

/** A port nothing listens on: a server's, closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const kubeconfig = (server: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'shop' } }],
    'current-context': 'x',
  });

let refused: string;
/** Accepts connections and never answers. */
let silent: net.Server;
let silentUrl: string;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  refused = `https://127.0.0.1:${await closedPort()}`;
  silent = net.createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/healthz`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe('KubeClient without an answer', () => {
  it('reads from a cluster that refuses the connection: UNREACHABLE, with the socket’s message', async () => {
    const client = KubeClient.create({ kubeconfig: kubeconfig(refused) });
    const error = await client.get('v1', 'ConfigMap', 'shop', 'settings').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeConnectionError);
    expect(error).not.toBeInstanceOf(KubeApiError);
    expect(error).not.toBeInstanceOf(DeployError);
    expect((error as KubeConnectionError).code).toBe('UNREACHABLE');
    expect((error as Error).message).toMatch(
      /^Failed to fetch resource metadata for v1\/ConfigMap: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('gives up on a server that never answers: TIMEOUT, naming the wait', async () => {
    const client = KubeClient.create({ kubeconfig: kubeconfig(refused) });
    const error = await client.request(new URL(silentUrl), { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeConnectionError);
    expect((error as KubeConnectionError).code).toBe('TIMEOUT');
    expect((error as Error).message).toBe('timed out after 50 ms');
  });

  it('a deployment against it throws the KubeConnectionError (no failed report), as with the plain error before', async () => {
    const request: DeploymentRequest = {
      action: 'promote',
      mode: 'cluster',
      app: 'web',
      namespace: 'shop',
      manifests: [],
      images: [],
      routeMethod: 'service',
      smokeChecks: [],
      verifyWindowMs: 0,
      scaleDownDelayMs: 0,
      timeoutMs: 2000,
      autoPromote: true,
      dryRun: false,
      kubeconfig: kubeconfig(refused),
      clusters: [],
      runId: 'octo/shop/7',
      inputNames: INPUT_NAMES,
      lockWaitMs: 500,
      pollMs: 100,
    };
    const error = await runDeployment(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeConnectionError);
    expect((error as KubeConnectionError).code).toBe('UNREACHABLE');
  });
});
