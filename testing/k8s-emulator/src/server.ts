import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { SimulatedCluster, type ImageBehavior } from './controller';
import { isObject, type Json, type JsonObject } from './fields';
import {
  RESOURCE_TYPES,
  apiGroupList,
  apiVersionOf,
  discoveryResourceList,
  findByPlural,
  type ResourceType,
} from './resources';
import { forward, serviceBackends } from './routing';
import {
  ApiStatusError,
  ObjectStore,
  parseFieldSelector,
  parseLabelSelector,
  type WatchEvent,
} from './store';

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  status: number;
  /** A write that was not a dry run: it changed (or tried to change) cluster state. */
  mutating: boolean;
  at: number;
}

/** The TLS material the server presents, as an API server's --tls-cert-file and its CA (e.g. the test bed CA's). */
export interface K8sEmulatorTls {
  /** PEM of the CA that signed the server certificate: what the kubeconfig trusts. */
  caPem: string;
  /** PEM of a server certificate for 127.0.0.1, and its key. */
  serverCertPem: string;
  serverKeyPem: string;
}

export interface K8sEmulatorOptions {
  tls: K8sEmulatorTls;
  namespaces?: string[];
  /** Bearer token the server requires (a random one by default). */
  token?: string;
  podStartMs?: number;
  readyDelayMs?: number;
  terminationGraceMs?: number;
  tickMs?: number;
  /** The pods' addresses: `<podNetwork>.<n>.<m>` (two octets, e.g. `127.120`); a random 127.100–249 by default. */
  podNetwork?: string;
}

export interface K8sEmulator {
  /** https://127.0.0.1:PORT, served with the given certificate, like a real API server. */
  url: string;
  token: string;
  caPem: string;
  /** A kubeconfig (YAML text) for this server, context `emulator`. */
  kubeconfig: string;
  kubeconfigPath: string;
  store: ObjectStore;
  cluster: SimulatedCluster;
  requests: RequestRecord[];
  /** Requests that would have changed state (writes without dryRun=All), excluding discovery and reads. */
  mutatingRequests(): RequestRecord[];
  setImageBehavior(imageOrDigest: string, behavior: ImageBehavior): void;
  /** Makes matching requests fail with a Status error, `times` times (fault injection). */
  failRequests(match: (r: { method: string; path: string }) => boolean, code: number, times?: number): void;
  onRequest(listener: (r: RequestRecord) => void): () => void;
  stop(): Promise<void>;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface ParsedPath {
  type?: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  rest?: string;
}

function parseResourcePath(pathname: string): ParsedPath | undefined {
  const segs = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1] as string;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1] as string;
    version = segs[2] as string;
    rest = segs.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = findByPlural(group, version, rest[0] as string);
  if (!type) return {};
  return {
    type,
    namespace,
    name: rest[1],
    subresource: rest[2],
    rest: rest.length > 3 ? `/${rest.slice(3).join('/')}` : undefined,
  };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, code: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function parseJsonBody(raw: string): JsonObject {
  try {
    const v = JSON.parse(raw) as Json;
    if (!isObject(v)) throw new Error('body must be a JSON object');
    return v;
  } catch (e) {
    throw new ApiStatusError(
      400,
      'BadRequest',
      `the body of the request could not be decoded: ${(e as Error).message}`,
    );
  }
}

/**
 * Starts an emulated Kubernetes API server on 127.0.0.1 with a simulated cluster behind it.
 * See README.md in this folder for what is faithful and what is simplified.
 */
export async function startK8sEmulator(options: K8sEmulatorOptions): Promise<K8sEmulator> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const store = new ObjectStore(['default', 'kube-system', ...(options.namespaces ?? [])]);
  for (const ns of store.namespaces) {
    store.upsertInternal(RESOURCE_TYPES[0] as ResourceType, '', { metadata: { name: ns } }, 'emulator');
  }
  // A pod network per emulator, so that emulators in parallel test files rarely share addresses (a pod whose
  // address is taken gets another: SimulatedCluster.startServers).
  const podNetwork = options.podNetwork ?? `127.${100 + Math.floor(Math.random() * 150)}`;
  const cluster = new SimulatedCluster(store, {
    podStartMs: options.podStartMs ?? 150,
    readyDelayMs: options.readyDelayMs ?? 150,
    terminationGraceMs: options.terminationGraceMs ?? 1000,
    tickMs: options.tickMs ?? 50,
    podNetwork,
  });
  const requests: RequestRecord[] = [];
  const listeners = new Set<(r: RequestRecord) => void>();
  const faults: { match: (r: { method: string; path: string }) => boolean; code: number; times: number }[] =
    [];
  const watches = new Set<http.ServerResponse>();

  const ca = options.tls;
  const server = https.createServer({ cert: ca.serverCertPem, key: ca.serverKeyPem }, (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const dryRun = query.dryRun === 'All';
    res.on('finish', () => {
      const record: RequestRecord = {
        method,
        path: url.pathname,
        query,
        contentType: req.headers['content-type'],
        status: res.statusCode,
        mutating: WRITE_METHODS.has(method) && !dryRun && !url.pathname.includes('/proxy'),
        at: started,
      };
      requests.push(record);
      for (const l of listeners) l(record);
    });
    handle(req, res, url, query, method, dryRun).catch((e: unknown) => {
      const err =
        e instanceof ApiStatusError
          ? e
          : new ApiStatusError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
      if (!res.headersSent) sendJson(res, err.code, err.toStatus());
      else res.end();
    });
  });

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    query: Record<string, string>,
    method: string,
    dryRun: boolean,
  ): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.headers.authorization !== `Bearer ${token}`) {
      await readBody(req);
      throw new ApiStatusError(401, 'Unauthorized', 'Unauthorized');
    }
    const fault = faults.find((f) => f.times > 0 && f.match({ method, path }));
    if (fault) {
      fault.times--;
      await readBody(req);
      throw new ApiStatusError(
        fault.code,
        fault.code === 503 ? 'ServiceUnavailable' : 'InternalError',
        `injected fault (${fault.code})`,
      );
    }
    if (query.dryRun !== undefined && query.dryRun !== 'All') {
      throw new ApiStatusError(
        400,
        'BadRequest',
        `Invalid dry run value: ${query.dryRun}, supported values: All`,
      );
    }
    if (method === 'GET') {
      if (path === '/version')
        return sendJson(res, 200, {
          major: '1',
          minor: '32',
          gitVersion: 'v1.32.0-deliverkit-emulator',
          platform: 'linux/amd64',
        });
      if (['/healthz', '/readyz', '/livez'].includes(path)) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (path === '/api')
        return sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
      if (path === '/apis') return sendJson(res, 200, apiGroupList());
      const gv = path.match(/^\/api\/(v1)$/) ?? path.match(/^\/apis\/([^/]+)\/([^/]+)$/);
      if (gv) {
        const list = gv[2] ? discoveryResourceList(gv[1] as string, gv[2]) : discoveryResourceList('', 'v1');
        if (!list)
          throw new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource');
        return sendJson(res, 200, list);
      }
    }
    const parsed = parseResourcePath(path);
    if (!parsed?.type)
      throw new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource');
    const { type, namespace, subresource } = parsed;
    let name = parsed.name;
    const options = {
      dryRun,
      fieldManager: query.fieldManager,
      force: query.force === undefined ? undefined : query.force === 'true',
    };

    if (type.kind === 'Service' && name && subresource === 'proxy')
      return serviceProxy(req, res, namespace as string, name, parsed.rest ?? '/', url.search);
    if (subresource && !['status', 'scale'].includes(subresource)) {
      throw new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (!name) {
      if (method === 'GET')
        return query.watch === 'true' || query.watch === '1'
          ? watch(req, res, type, namespace, query)
          : list(res, type, namespace, query);
      if (method === 'POST') {
        const body = parseJsonBody(await readBody(req));
        return sendJson(res, 201, store.create(type, namespace, body, options));
      }
      throw new ApiStatusError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
    }
    if (type.kind === 'Service' && name.includes(':')) name = name.split(':')[0] as string;
    if (subresource === 'scale') return scale(req, res, type, namespace, name, method, options);
    switch (method) {
      case 'GET':
        return sendJson(res, 200, store.get(type, namespace, name));
      case 'PUT': {
        const body = parseJsonBody(await readBody(req));
        if (subresource === 'status') {
          const live = store.get(type, namespace, name);
          if (isObject(body.status)) store.writeStatus(type, namespace, name, body.status);
          return sendJson(res, 200, dryRun ? live : store.get(type, namespace, name));
        }
        return sendJson(res, 200, store.update(type, namespace, name, body, options));
      }
      case 'PATCH': {
        const raw = await readBody(req);
        const existed = store.tryGet(type, namespace, name) !== undefined;
        const result = store.patch(
          type,
          namespace,
          name,
          raw,
          String(req.headers['content-type'] ?? ''),
          options,
        );
        return sendJson(res, existed ? 200 : 201, result);
      }
      case 'DELETE': {
        const raw = await readBody(req);
        const body = raw ? parseJsonBody(raw) : {};
        const bodyDryRun = Array.isArray(body.dryRun) && body.dryRun.includes('All');
        const preconditions = isObject(body.preconditions) ? body.preconditions : undefined;
        return sendJson(
          res,
          200,
          store.delete(type, namespace, name, { dryRun: dryRun || bodyDryRun, preconditions }),
        );
      }
      default:
        throw new ApiStatusError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }

  function selectors(query: Record<string, string>): (o: JsonObject) => boolean {
    const labels = query.labelSelector ? parseLabelSelector(query.labelSelector) : () => true;
    const fields = query.fieldSelector ? parseFieldSelector(query.fieldSelector) : () => true;
    return (o) => {
      const m = isObject(o.metadata) ? o.metadata : {};
      return labels(isObject(m.labels) ? m.labels : {}) && fields(o);
    };
  }

  function list(
    res: http.ServerResponse,
    type: ResourceType,
    namespace: string | undefined,
    query: Record<string, string>,
  ): void {
    const all = store.list(type, namespace, selectors(query));
    const offset = query.continue ? Number(Buffer.from(query.continue, 'base64').toString('utf8')) : 0;
    const limit = query.limit ? Number(query.limit) : 0;
    const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const more = limit > 0 && offset + limit < all.length;
    // Items of a list carry no apiVersion/kind, as the real server returns them.
    const items = page.map((o) => {
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    });
    sendJson(res, 200, {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata: {
        resourceVersion: String(store.currentRevision),
        ...(more
          ? {
              continue: Buffer.from(String(offset + limit)).toString('base64'),
              remainingItemCount: all.length - offset - limit,
            }
          : {}),
      },
      items,
    });
  }

  function watch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    type: ResourceType,
    namespace: string | undefined,
    query: Record<string, string>,
  ): void {
    const matches = selectors(query);
    const inScope = (e: WatchEvent) => {
      const m = e.object.metadata as JsonObject;
      return (!namespace || !type.namespaced || m.namespace === namespace) && matches(e.object);
    };
    const rv = query.resourceVersion;
    const backlog: WatchEvent[] =
      rv === undefined || rv === '' || rv === '0'
        ? store
            .list(type, namespace, matches)
            .map((o) => ({ type: 'ADDED', object: o, resourceVersion: 0, typeKey: '' }))
        : store.eventsSince(type, Number(rv)).filter(inScope);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    watches.add(res);
    const write = (e: WatchEvent) => res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    for (const e of backlog) write(e);
    const onEvent = (e: WatchEvent) => {
      if (e.typeKey === `${type.group}/${type.plural}` && inScope(e)) write(e);
    };
    store.on('event', onEvent);
    const close = () => {
      store.off('event', onEvent);
      watches.delete(res);
      clearTimeout(timer);
      res.end();
    };
    const timeout = Number(query.timeoutSeconds ?? 1800) * 1000;
    const timer = setTimeout(close, timeout);
    req.on('close', close);
  }

  async function scale(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    method: string,
    options: { dryRun: boolean; fieldManager?: string },
  ): Promise<void> {
    const toScale = (d: JsonObject): JsonObject => {
      const m = d.metadata as JsonObject;
      const spec = d.spec as JsonObject;
      const status = isObject(d.status) ? d.status : {};
      return {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name,
          namespace: m.namespace as Json,
          uid: m.uid as Json,
          resourceVersion: m.resourceVersion as Json,
          creationTimestamp: m.creationTimestamp as Json,
        },
        spec: { replicas: spec.replicas as Json },
        status: {
          replicas: (status.replicas as Json) ?? 0,
          selector: Object.entries(
            isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {},
          )
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(','),
        },
      };
    };
    if (method === 'GET') return sendJson(res, 200, toScale(store.get(type, namespace, name)));
    if (method !== 'PATCH' && method !== 'PUT')
      throw new ApiStatusError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    const body = parseJsonBody(await readBody(req));
    const replicas = isObject(body.spec) ? body.spec.replicas : undefined;
    if (typeof replicas !== 'number')
      throw new ApiStatusError(
        422,
        'Invalid',
        'Scale.autoscaling "' + name + '" is invalid: spec.replicas: Required value',
      );
    const rv = isObject(body.metadata) ? body.metadata.resourceVersion : undefined;
    const patch: JsonObject = { spec: { replicas }, ...(rv ? { metadata: { resourceVersion: rv } } : {}) };
    const updated = store.patch(
      type,
      namespace,
      name,
      JSON.stringify(patch),
      'application/merge-patch+json',
      { dryRun: options.dryRun, fieldManager: options.fieldManager ?? 'kubectl' },
    );
    return sendJson(res, 200, toScale(updated));
  }

  /** The API server's service proxy subresource: forwards to one ready endpoint of the Service. */
  function serviceProxy(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    namespace: string,
    nameAndPort: string,
    rest: string,
    search: string,
  ): void {
    const [name, port] = nameAndPort.split(':') as [string, string | undefined];
    if (!store.tryGet(RESOURCE_TYPES.find((t) => t.kind === 'Service') as ResourceType, namespace, name)) {
      throw new ApiStatusError(404, 'NotFound', `services "${name}" not found`, { name, kind: 'services' });
    }
    const backends = serviceBackends(store, namespace, name, port);
    if (backends.length === 0)
      throw new ApiStatusError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
    const backend = backends[Math.floor(Math.random() * backends.length)]!;
    forward(req, res, backend, `${rest}${search}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'emulator',
        cluster: { server: url, 'certificate-authority-data': Buffer.from(ca.caPem).toString('base64') },
      },
    ],
    users: [{ name: 'emulator', user: { token } }],
    contexts: [
      { name: 'emulator', context: { cluster: 'emulator', user: 'emulator', namespace: 'default' } },
    ],
    'current-context': 'emulator',
  });
  const dir = mkdtempSync(join(tmpdir(), 'k8s-emulator-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  cluster.start();

  return {
    url,
    token,
    caPem: ca.caPem,
    kubeconfig,
    kubeconfigPath,
    store,
    cluster,
    requests,
    mutatingRequests: () => requests.filter((r) => r.mutating),
    setImageBehavior: (image, behavior) => cluster.setImageBehavior(image, behavior),
    failRequests: (match, code, times = 1) => void faults.push({ match, code, times }),
    onRequest: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop: async () => {
      for (const w of watches) w.end();
      await cluster.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
