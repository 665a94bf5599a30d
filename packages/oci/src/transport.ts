import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { Readable } from 'node:stream';
import { howToRaise } from '@deliverkit/action-kit';

/**
 * All registry HTTP goes through this module. We use Node's built-in http/https rather than fetch or
 * undici: they stream request bodies with backpressure without `duplex` workarounds, take a per-host
 * CA and keep-alive agent directly, expose the raw status and headers (Range, Location,
 * Docker-Content-Digest) untouched, and add nothing to the ncc bundle.
 */

export interface TlsSettings {
  /** Extra CA certificates (PEM) trusted for this host, in addition to the system roots. */
  ca?: string | Buffer;
  /** Skip certificate verification. Never the default; for self-signed test registries only. */
  insecureSkipVerify?: boolean;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string | number | undefined>;
  /** A Buffer is sent with Content-Length; a stream is piped with backpressure. */
  body?: Buffer | Readable;
  /** Follow redirects for GET/HEAD (blob storage backends redirect), dropping credentials off-host. */
  followRedirects?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Final URL after redirects. */
  url: URL;
  body: http.IncomingMessage;
}

export interface TransportOptions {
  /** TLS settings per `host[:port]`. */
  tls?: (host: string) => TlsSettings | undefined;
  /** A socket idle for this long fails the request (retryable). */
  idleTimeoutMs?: number;
  userAgent?: string;
  /** Redirects followed per request (the redirects limit). */
  maxRedirects?: number;
}

/** A redirect chain that is too long or goes where we do not follow. Not retryable. */
export class RedirectError extends Error {
  readonly code = 'REDIRECT';
}

export class IdleTimeoutError extends Error {
  readonly code = 'IDLE_TIMEOUT';
}

export class HttpTransport {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly options: TransportOptions = {}) {}

  async request(request: HttpRequest): Promise<HttpResponse> {
    let url = request.url;
    let headers = { ...request.headers };
    for (let hop = 0; ; hop++) {
      const response = await this.once({ ...request, url, headers });
      const location = response.headers.location;
      const redirect = [301, 302, 303, 307, 308].includes(response.status) && location;
      if (!redirect || !request.followRedirects || !['GET', 'HEAD'].includes(request.method)) return response;
      const maxRedirects = this.options.maxRedirects ?? 5;
      if (hop >= maxRedirects) {
        response.body.resume();
        throw new RedirectError(
          `${request.url.host} redirected more than ${maxRedirects} times (the redirects limit); ${howToRaise('redirects')}`,
        );
      }
      response.body.resume();
      const next = new URL(location, url);
      // Only http(s), and never from https down to plain http: a redirect must not downgrade or leave the web.
      if (
        !['http:', 'https:'].includes(next.protocol) ||
        (url.protocol === 'https:' && next.protocol === 'http:')
      ) {
        throw new RedirectError(`${url.host} redirected to a ${next.protocol} URL, which is not followed`);
      }
      // Storage backends (S3, GCS) get pre-signed URLs: our registry credentials must not follow.
      if (next.host !== url.host) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
        );
      }
      url = next;
    }
  }

  private once(request: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const isHttps = request.url.protocol === 'https:';
      const headers: Record<string, string | number> = {
        'user-agent': this.options.userAgent ?? 'deliverkit-oci',
      };
      for (const [k, v] of Object.entries(request.headers ?? {}))
        if (v !== undefined) headers[k.toLowerCase()] = v;
      if (Buffer.isBuffer(request.body)) headers['content-length'] = request.body.length;
      else if (
        !request.body &&
        ['PUT', 'POST', 'PATCH'].includes(request.method) &&
        !('content-length' in headers)
      ) {
        headers['content-length'] = 0;
      }
      const req = (isHttps ? https : http).request(request.url, {
        method: request.method,
        headers,
        agent: this.agent(request.url),
        signal: request.signal,
      });
      const idle = this.options.idleTimeoutMs ?? 120_000;
      req.setTimeout(idle, () =>
        req.destroy(new IdleTimeoutError(`no data from ${request.url.host} for ${idle} ms`)),
      );
      let settled = false;
      req.on('response', (res) => {
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, url: request.url, body: res });
      });
      req.on('error', (error) => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      });
      const body = request.body;
      if (body instanceof Readable) {
        body.on('error', (error) => req.destroy(error));
        body.pipe(req);
      } else {
        req.end(body);
      }
    });
  }

  private agent(url: URL): http.Agent {
    const key = `${url.protocol}//${url.host}`;
    let agent = this.agents.get(key);
    if (!agent) {
      if (url.protocol === 'https:') {
        const settings = this.options.tls?.(url.host);
        // Building a secure context from ~150 root certificates costs tens of milliseconds: one per
        // distinct CA, shared by every host trusting it, not one per connection.
        agent = new https.Agent({
          keepAlive: true,
          secureContext: settings?.ca ? secureContextFor(settings.ca.toString()) : undefined,
          rejectUnauthorized: !settings?.insecureSkipVerify,
        });
      } else {
        agent = new http.Agent({ keepAlive: true });
      }
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Closes idle keep-alive sockets so a process can exit promptly. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

const secureContexts = new Map<string, tls.SecureContext>();

function secureContextFor(ca: string): tls.SecureContext {
  let context = secureContexts.get(ca);
  if (!context) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, ca] });
    secureContexts.set(ca, context);
  }
  return context;
}

/** Reads a whole (small) response body; fails rather than buffer more than `maxBytes`. */
export async function readBody(response: HttpResponse, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw new BodyTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.body.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`response body larger than ${maxBytes} bytes`);
  }
}

/** Drains a body we do not need, so the keep-alive socket can be reused. */
export async function discardBody(response: HttpResponse): Promise<void> {
  try {
    for await (const _chunk of response.body) {
      // drain
    }
  } catch {
    // a broken body we did not want anyway
  }
}
