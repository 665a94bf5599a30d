import http from 'node:http';
import { isObject, type JsonObject } from './fields';
import { RESOURCE_TYPES, type ResourceType } from './resources';
import type { ObjectStore } from './store';

const typeOf = (kind: string): ResourceType => RESOURCE_TYPES.find((t) => t.kind === kind) as ResourceType;
export const SERVICE = typeOf('Service');
export const ENDPOINT_SLICE = typeOf('EndpointSlice');
export const HTTP_ROUTE = typeOf('HTTPRoute');
export const INGRESS = typeOf('Ingress');

export interface Backend {
  ip: string;
  port: number;
  pod: string;
}

/**
 * The endpoints a Service port resolves to, from its EndpointSlices — what kube-proxy programs:
 * ready endpoints, or when none is ready, the serving-and-terminating ones (KEP-1669).
 */
export function serviceBackends(
  store: ObjectStore,
  ns: string,
  service: string,
  port?: string | number,
): Backend[] {
  const svc = store.tryGet(SERVICE, ns, service);
  if (!svc || !isObject(svc.spec)) return [];
  const ports = Array.isArray(svc.spec.ports) ? (svc.spec.ports as JsonObject[]) : [];
  const svcPort =
    port === undefined
      ? ports[0]
      : ports.find((p) => p.name === port || p.port === Number(port) || String(p.port) === String(port));
  if (!svcPort) return [];
  const slices = store.list(ENDPOINT_SLICE, ns, (s) => {
    const labels = isObject(s.metadata) && isObject(s.metadata.labels) ? s.metadata.labels : {};
    return labels['kubernetes.io/service-name'] === service;
  });
  const ready: Backend[] = [];
  const terminating: Backend[] = [];
  for (const slice of slices) {
    const slicePorts = Array.isArray(slice.ports) ? (slice.ports as JsonObject[]) : [];
    const sp = slicePorts.find((p) => (p.name ?? '') === (svcPort.name ?? ''));
    if (!sp || typeof sp.port !== 'number') continue;
    for (const ep of Array.isArray(slice.endpoints) ? (slice.endpoints as JsonObject[]) : []) {
      const cond = isObject(ep.conditions) ? ep.conditions : {};
      const addresses = Array.isArray(ep.addresses) ? ep.addresses : [];
      const pod = isObject(ep.targetRef) ? String(ep.targetRef.name) : '';
      for (const ip of addresses) {
        const b = { ip: String(ip), port: sp.port, pod };
        if (cond.ready === true) ready.push(b);
        else if (cond.serving === true && cond.terminating === true) terminating.push(b);
      }
    }
  }
  return ready.length ? ready : terminating;
}

/** Forwards one request to a backend and pipes the answer back; 502 when the backend does not answer. */
export function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  backend: Backend,
  path: string,
): void {
  const headers = { ...req.headers, host: `${backend.ip}:${backend.port}` };
  delete headers.authorization;
  const upstream = http.request(
    { host: backend.ip, port: backend.port, path, method: req.method, headers, agent: false },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`error trying to reach pod ${backend.pod}: ${e.message}`);
  });
  req.pipe(upstream);
}

/** Chooses among weighted backend references the way Gateway API implementations split traffic. */
export function pickWeighted<T extends { weight: number }>(
  refs: T[],
  random: () => number = Math.random,
): T | undefined {
  const total = refs.reduce((s, r) => s + r.weight, 0);
  if (total <= 0) return undefined;
  let x = random() * total;
  for (const r of refs) {
    if ((x -= r.weight) < 0) return r;
  }
  return refs[refs.length - 1];
}

export interface RouteChoice {
  service: string;
  port?: number | string;
}

/** HTTPRoute matching: the first rule whose path and header matches hold, then a weighted backend. */
export function chooseHttpRouteBackend(
  route: JsonObject,
  req: http.IncomingMessage,
): RouteChoice | undefined {
  const spec = isObject(route.spec) ? route.spec : {};
  const rules = Array.isArray(spec.rules) ? (spec.rules as JsonObject[]) : [];
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  for (const rule of rules) {
    const matches =
      Array.isArray(rule.matches) && rule.matches.length ? (rule.matches as JsonObject[]) : [{}];
    const hit = matches.some((m) => {
      const p = isObject(m.path) ? m.path : { type: 'PathPrefix', value: '/' };
      const value = String(p.value ?? '/');
      const pathOk = p.type === 'Exact' ? path === value : path.startsWith(value);
      const headers = Array.isArray(m.headers) ? (m.headers as JsonObject[]) : [];
      const headersOk = headers.every((h) => req.headers[String(h.name).toLowerCase()] === String(h.value));
      return pathOk && headersOk;
    });
    if (!hit) continue;
    const refs = (Array.isArray(rule.backendRefs) ? (rule.backendRefs as JsonObject[]) : []).map((b) => ({
      service: String(b.name),
      port: b.port as number | undefined,
      weight: typeof b.weight === 'number' ? b.weight : 1,
    }));
    const chosen = pickWeighted(refs);
    return chosen ? { service: chosen.service, port: chosen.port } : undefined;
  }
  return undefined;
}

/** Ingress matching: the first rule path that prefixes the request path, else the default backend. */
export function chooseIngressBackend(
  ingress: JsonObject,
  req: http.IncomingMessage,
): RouteChoice | undefined {
  const spec = isObject(ingress.spec) ? ingress.spec : {};
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const host = String(req.headers.host ?? '').split(':')[0];
  const toChoice = (backend: unknown): RouteChoice | undefined => {
    if (!isObject(backend) || !isObject(backend.service)) return undefined;
    const port = isObject(backend.service.port)
      ? (backend.service.port.number ?? backend.service.port.name)
      : undefined;
    return { service: String(backend.service.name), port: port as number | string | undefined };
  };
  for (const rule of Array.isArray(spec.rules) ? (spec.rules as JsonObject[]) : []) {
    if (rule.host && rule.host !== host) continue;
    const paths =
      isObject(rule.http) && Array.isArray(rule.http.paths) ? (rule.http.paths as JsonObject[]) : [];
    for (const p of paths) {
      const prefix = String(p.path ?? '/');
      if (p.pathType === 'Exact' ? path === prefix : path.startsWith(prefix)) return toChoice(p.backend);
    }
  }
  return toChoice(spec.defaultBackend);
}
