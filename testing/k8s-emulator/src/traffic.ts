import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isObject } from './fields';
import {
  HTTP_ROUTE,
  INGRESS,
  chooseHttpRouteBackend,
  chooseIngressBackend,
  forward,
  serviceBackends,
  type Backend,
  type RouteChoice,
} from './routing';
import type { ObjectStore } from './store';

export interface TrafficProxyOptions {
  store: ObjectStore;
  namespace: string;
  /** What routes traffic: a Service (kube-proxy), an HTTPRoute (a Gateway) or an Ingress (an ingress controller). */
  via: { kind: 'Service' | 'HTTPRoute' | 'Ingress'; name: string };
  /**
   * How stale the data plane may be: route and endpoint changes become visible after this long, as
   * kube-proxy and gateways program changes asynchronously. 0 = immediately.
   */
  syncLagMs?: number;
}

export interface TrafficProxy {
  url: string;
  stop(): Promise<void>;
}

/**
 * A loopback data plane: each request goes to a pod the Service (or HTTPRoute weights, or Ingress
 * backend) selects at that moment, so tests observe the traffic users would see during a switch.
 */
export async function startTrafficProxy(options: TrafficProxyOptions): Promise<TrafficProxy> {
  const { store, namespace, via } = options;
  const lag = options.syncLagMs ?? 200;
  let snapshot: { at: number; resolve: (req: http.IncomingMessage) => Backend | undefined } | undefined;
  let rr = 0;

  const current = (): ((req: http.IncomingMessage) => Backend | undefined) => {
    if (snapshot && Date.now() - snapshot.at < lag) return snapshot.resolve;
    const backendsByService = new Map<string, Backend[]>();
    const backendsFor = (choice: RouteChoice): Backend[] => {
      const key = `${choice.service}:${choice.port ?? ''}`;
      if (!backendsByService.has(key))
        backendsByService.set(key, serviceBackends(store, namespace, choice.service, choice.port));
      return backendsByService.get(key) ?? [];
    };
    let chooser: (req: http.IncomingMessage) => RouteChoice | undefined;
    if (via.kind === 'Service') chooser = () => ({ service: via.name });
    else {
      const type = via.kind === 'HTTPRoute' ? HTTP_ROUTE : INGRESS;
      const obj = store.tryGet(type, namespace, via.name);
      chooser = (req) =>
        obj && isObject(obj.spec)
          ? via.kind === 'HTTPRoute'
            ? chooseHttpRouteBackend(obj, req)
            : chooseIngressBackend(obj, req)
          : undefined;
      // Resolve every referenced Service now, so the snapshot is consistent for the lag period.
    }
    const resolve = (req: http.IncomingMessage) => {
      const choice = chooser(req);
      if (!choice) return undefined;
      const backends = backendsFor(choice);
      if (backends.length === 0) return undefined;
      return backends[rr++ % backends.length];
    };
    snapshot = { at: Date.now(), resolve };
    return resolve;
  };

  const server = http.createServer((req, res) => {
    const backend = current()(req);
    if (!backend) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('no healthy upstream');
      return;
    }
    forward(req, res, backend, req.url ?? '/');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface LoadReport {
  sent: number;
  ok: number;
  failed: number;
  /** First few failures, for assertion messages. */
  failures: string[];
  /** Answers per image that served them, to see the switch happen. */
  byImage: Record<string, number>;
  durationMs: number;
}

export interface LoadGenerator {
  /** Requests so far. */
  snapshot(): LoadReport;
  stop(): Promise<LoadReport>;
}

/**
 * Sends requests through a URL continuously (bounded in count and time) and counts failures: a
 * non-2xx answer or a transport error is a failed request.
 */
export function startLoad(
  url: string,
  options: {
    concurrency?: number;
    path?: string;
    headers?: Record<string, string>;
    maxRequests?: number;
    maxMs?: number;
  } = {},
): LoadGenerator {
  const concurrency = options.concurrency ?? 2;
  const maxRequests = options.maxRequests ?? 200_000;
  const maxMs = options.maxMs ?? 10 * 60_000;
  const started = Date.now();
  const report: LoadReport = { sent: 0, ok: 0, failed: 0, failures: [], byImage: {}, durationMs: 0 };
  let running = true;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

  const once = () =>
    new Promise<void>((resolve) => {
      report.sent++;
      const req = http.get(
        `${url}${options.path ?? '/'}`,
        { agent, headers: options.headers, timeout: 5000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300) {
              report.ok++;
              try {
                const image = String(
                  (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { image?: string }).image,
                );
                report.byImage[image] = (report.byImage[image] ?? 0) + 1;
              } catch {
                // A non-JSON answer still counts as served.
              }
            } else {
              report.failed++;
              if (report.failures.length < 10)
                report.failures.push(`${code}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`);
            }
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        report.failed++;
        if (report.failures.length < 10) report.failures.push(`error: ${e.message}`);
        resolve();
      });
    });

  const worker = async () => {
    while (running && report.sent < maxRequests && Date.now() - started < maxMs) {
      await once();
      // A short pause keeps two cores usable for the code under test.
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    snapshot: () => ({ ...report, byImage: { ...report.byImage }, durationMs: Date.now() - started }),
    stop: async () => {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      report.durationMs = Date.now() - started;
      return report;
    },
  };
}
