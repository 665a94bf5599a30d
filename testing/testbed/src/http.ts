import http from 'node:http';
import https from 'node:https';

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** PEM CA(s) to trust for https URLs, instead of the system store (e.g. `registry.caPem`). */
  ca?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

/**
 * A minimal HTTP(S) client for tests: global fetch cannot be told to trust one CA without undici, which is not a
 * dependency. Does not follow redirects, so tests can assert on them.
 */
export function httpRequest(url: string | URL, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: options.ca,
        agent: false,
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: () => body.toString('utf8'),
            json: <T>() => JSON.parse(body.toString('utf8')) as T,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${target.href} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Parses a `WWW-Authenticate: Bearer k="v",...` (or Basic) challenge into its scheme and parameters. */
export function parseChallenge(header: string | undefined): {
  scheme: string;
  params: Record<string, string>;
} {
  if (!header) throw new Error('no WWW-Authenticate header');
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  const params: Record<string, string> = {};
  const pattern = /([a-zA-Z_]+)="([^"]*)"/g;
  for (const match of header.slice(space + 1).matchAll(pattern)) params[match[1]!] = match[2]!;
  return { scheme, params };
}

/**
 * Forwards one request a test proxy received to a plain-HTTP `upstream` (same path, method and headers, Host
 * rewritten), sending `body` when given (else the request stream), and hands the answer to `onResponse`.
 * A failed upstream connection drops the client's.
 */
export function relayRequest(
  upstream: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  onResponse: (up: http.IncomingMessage) => void,
  options: { agent?: http.Agent; body?: Buffer } = {},
): void {
  const forward = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      path: req.url,
      method: req.method,
      headers: { ...req.headers, host: upstream.host },
      agent: options.agent,
    },
    onResponse,
  );
  forward.on('error', () => res.destroy());
  if (options.body) forward.end(options.body);
  else req.pipe(forward);
}
