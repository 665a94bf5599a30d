import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { getTestbedCa } from './ca';
import { registerStopper } from './cleanup';

/**
 * What to do to a matching request. Fields combine: `delayMs` applies first; then either `status` answers at once
 * (the registry never sees the request), or the request is forwarded and `resetAfterBytes` / `bytesPerSecond`
 * shape the bodies.
 */
export interface Fault {
  /** Answer with this status instead of forwarding, with a registry-style JSON error body. */
  status?: number;
  /** With `status` (429, 503): the `Retry-After` header, in seconds. */
  retryAfter?: number;
  /** With `status`: replaces the JSON error body. */
  body?: string;
  /** With `status`: extra response headers. */
  headers?: Record<string, string>;
  /** Forward, but kill the client connection after this many body bytes (RST on plain HTTP). */
  resetAfterBytes?: number;
  /** Which body `resetAfterBytes` counts: the response's (downloads, default) or the request's (uploads). */
  resetOn?: 'response' | 'request';
  /** Wait this long before acting. */
  delayMs?: number;
  /** Forward, but drip a body at this rate (a slow link; headers come at once). */
  bytesPerSecond?: number;
  /** Which body `bytesPerSecond` drips: the response's (downloads, default) or the request's (a slow upload). */
  bytesPerSecondOn?: 'response' | 'request';
}

export interface FaultRule {
  /** HTTP method to match, case-insensitive; any method when omitted. */
  method?: string;
  /** Tested against the request target, path plus query (`/v2/foo/blobs/uploads/?digest=...`); any when omitted. */
  path?: RegExp;
  /** How many matching requests the fault affects; every one when omitted. Rules are tried in order. */
  times?: number;
  /** Only requests that announce a body (Content-Length) of at least this many bytes. */
  minRequestBytes?: number;
  fault: Fault;
}

/** One request seen by the proxy. `status` is filled in when the response starts. */
export interface ProxyHit {
  method: string;
  path: string;
  status: number | undefined;
  /** The fault applied, if any. */
  fault: Fault | undefined;
  /** Request body bytes the proxy read from the client (grows while the body streams). */
  requestBytes: number;
}

export interface FaultProxyOptions {
  /** Serve TLS with the test bed server certificate. Default: the same scheme as the target. */
  tls?: boolean;
  /** CA to trust for an https target. Default: the test bed CA. */
  ca?: string;
}

export interface FaultProxyHandle {
  /** `http(s)://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  target: string;
  /** Every request seen, oldest first (a live array). */
  readonly hits: ProxyHit[];
  /** Replaces the rule set. */
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  clearHits(): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Starts a reverse proxy on 127.0.0.1 in front of `targetUrl` (a registry, usually) that passes traffic through
 * unchanged — streaming both ways, Host set to the target, `Location` headers pointing at the target rewritten to
 * point at the proxy so upload sessions stay on it — except for requests matching a fault rule.
 * HTTPS targets are supported: the proxy terminates TLS with the test bed certificate (clients trust the test bed
 * CA, as for the registry itself) and re-encrypts towards the target. The token realm of a token registry is not
 * proxied: faults apply to registry traffic only.
 */
export async function startFaultProxy(
  targetUrl: string,
  options: FaultProxyOptions = {},
): Promise<FaultProxyHandle> {
  const target = new URL(targetUrl);
  const targetIsTls = target.protocol === 'https:';
  const tls = options.tls ?? targetIsTls;
  const ca = tls || targetIsTls ? await getTestbedCa() : undefined;
  const upstreamCa = options.ca ?? ca?.caPem;
  const agent = targetIsTls
    ? new https.Agent({ keepAlive: true, ca: upstreamCa })
    : new http.Agent({ keepAlive: true });
  let rules: { rule: FaultRule; left: number }[] = [];
  const hits: ProxyHit[] = [];
  let proxyOrigin = '';

  function takeFault(method: string, path: string, contentLength: number): Fault | undefined {
    for (const entry of rules) {
      const { rule } = entry;
      if (entry.left <= 0) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (rule.minRequestBytes !== undefined && contentLength < rule.minRequestBytes) continue;
      if (
        rule.path !== undefined &&
        !new RegExp(rule.path.source, rule.path.flags.replace('g', '')).test(path)
      )
        continue;
      entry.left--;
      return rule.fault;
    }
    return undefined;
  }

  function rewriteLocation(value: string): string {
    return value.startsWith(target.origin) ? proxyOrigin + value.slice(target.origin.length) : value;
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const fault = takeFault(method, path, Number(req.headers['content-length'] ?? 0));
    const hit: ProxyHit = { method, path, status: undefined, fault, requestBytes: 0 };
    hits.push(hit);
    if (fault?.delayMs) await sleep(fault.delayMs);

    if (fault?.status !== undefined) {
      req.resume();
      hit.status = fault.status;
      const headers: Record<string, string> = { 'content-type': 'application/json', ...fault.headers };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      res.writeHead(fault.status, headers);
      res.end(
        fault.body ?? JSON.stringify({ errors: [{ code: errorCode(fault.status), message: 'injected' }] }),
      );
      return;
    }

    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'host') headers[name] = value;
    }
    headers.host = target.host;
    const client = targetIsTls ? https : http;
    const upstream = client.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method,
      path,
      headers,
      agent,
    });
    upstream.on('error', () => {
      if (!res.headersSent) {
        hit.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('fault proxy: upstream failed');
      } else {
        res.destroy();
      }
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });

    // Attached in the same tick as the pipe below, so no body byte flows before it is forwarded.
    req.on('data', (chunk: Buffer) => (hit.requestBytes += chunk.length));
    if (fault?.resetAfterBytes !== undefined && fault.resetOn === 'request') {
      forwardThenReset(req, upstream, fault.resetAfterBytes, () => {
        upstream.destroy();
        killConnection(req.socket);
      });
    } else if (fault?.bytesPerSecond !== undefined && fault.bytesPerSecondOn === 'request') {
      // Read from the client no faster than the rate: its sends back up as on a slow link.
      drip(req, upstream, fault.bytesPerSecond).catch(() => {
        upstream.destroy();
        res.destroy();
      });
    } else {
      req.pipe(upstream);
    }

    const upRes = (await once(upstream, 'response')) as [http.IncomingMessage];
    const response = upRes[0];
    hit.status = response.statusCode;
    const raw: string[] = [];
    for (let i = 0; i < response.rawHeaders.length; i += 2) {
      const name = response.rawHeaders[i]!;
      let value = response.rawHeaders[i + 1]!;
      if (HOP_BY_HOP.has(name.toLowerCase())) continue;
      if (name.toLowerCase() === 'location') value = rewriteLocation(value);
      raw.push(name, value);
    }
    res.writeHead(response.statusCode ?? 502, response.statusMessage, raw);

    if (fault?.resetAfterBytes !== undefined && fault.resetOn !== 'request') {
      res.flushHeaders();
      forwardThenReset(response, res, fault.resetAfterBytes, () => {
        upstream.destroy();
        killConnection(req.socket);
      });
    } else if (fault?.bytesPerSecond !== undefined && fault.bytesPerSecondOn !== 'request') {
      await drip(response, res, fault.bytesPerSecond).catch(() => {
        upstream.destroy();
        res.destroy();
      });
    } else {
      response.pipe(res);
    }
  }

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  };
  const server =
    tls && ca
      ? https.createServer({ cert: ca.serverCertPem, key: ca.serverKeyPem }, handler)
      : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxyOrigin = `${tls ? 'https' : 'http'}://${host}`;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      forget();
      server.close(() => resolve());
      server.closeAllConnections();
      agent.destroy();
    });
    return stopped;
  };
  const forget = registerStopper(stop);
  return {
    url: proxyOrigin,
    host,
    target: target.origin,
    hits,
    setFaults(next) {
      rules = next.map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }));
    },
    clearFaults() {
      rules = [];
    },
    clearHits() {
      hits.length = 0;
    },
    stop,
  };
}

function errorCode(status: number): string {
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 503) return 'UNAVAILABLE';
  return 'UNKNOWN';
}

// Copies up to `limit` bytes, waits until they are handed to the kernel, then calls `kill`.
function forwardThenReset(
  source: Readable,
  sink: NodeJS.WritableStream,
  limit: number,
  kill: () => void,
): void {
  let sent = 0;
  let killed = false;
  const finish = () => {
    if (killed) return;
    killed = true;
    source.destroy();
    kill();
  };
  if (limit === 0) {
    // Let the headers (if any) reach the client before the connection dies.
    setImmediate(finish);
    return;
  }
  source.on('data', (chunk: Buffer) => {
    if (killed) return;
    const room = limit - sent;
    if (chunk.length < room) {
      sent += chunk.length;
      sink.write(chunk);
      return;
    }
    sent = limit;
    source.pause();
    sink.write(chunk.subarray(0, room), () => setTimeout(finish, 20));
  });
  source.on('end', () => {
    // The body was shorter than the limit: it still must not complete normally.
    if (!killed) setTimeout(finish, 20);
  });
}

// An RST where the socket allows it (plain TCP); TLS sockets can only be destroyed (no close_notify either).
function killConnection(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

async function drip(source: Readable, sink: Writable, bytesPerSecond: number): Promise<void> {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 20));
  for await (const chunk of source as AsyncIterable<Buffer>) {
    for (let offset = 0; offset < chunk.length; offset += slice) {
      const part = chunk.subarray(offset, offset + slice);
      if (sink.destroyed) throw new Error('client went away');
      if (!sink.write(part)) await once(sink, 'drain');
      await sleep((part.length / bytesPerSecond) * 1000);
    }
  }
  sink.end();
}
