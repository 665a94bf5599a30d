import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureTestbed,
  httpRequest,
  pushBaseImage,
  skopeoInspectRaw,
  startRegistry,
  stopAll,
  viaProxy,
  type BaseImage,
  type FaultProxyHandle,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';

const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

let registry: RegistryHandle;
let proxy: FaultProxyHandle;
let image: BaseImage;
let layer: { digest: string; size: number };

/** Reads a response body chunk by chunk, so a test sees how far it got before the connection died. */
function download(url: string): Promise<{ status: number; received: number; error?: string }> {
  return new Promise((resolve) => {
    let status = 0;
    let received = 0;
    const req = http.get(url, { agent: false }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => resolve({ status, received }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ status, received, error: error.code }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status, received, error: error.code }));
  });
}

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  registry = await startRegistry('plain', { proxy: true });
  proxy = registry.proxy!;
  image = await pushBaseImage(registry, 'fixture/busybox', 'v1');
  const manifest = await httpRequest(
    `${registry.url}/v2/fixture/busybox/manifests/${image.platforms[0]!.digest}`,
    { headers: { accept: MANIFEST } },
  );
  layer = manifest.json<{ layers: { digest: string; size: number }[] }>().layers[0]!;
});
afterAll(stopAll);
beforeEach(() => {
  proxy.clearFaults();
  proxy.clearHits();
});

describe('when no fault is set', () => {
  it('passes a skopeo push and pull through, keeping upload sessions on the proxy', async () => {
    const pushed = await pushBaseImage(viaProxy(registry), 'through/proxy', 'v1');
    expect(sha256(await skopeoInspectRaw(registry, 'through/proxy:v1'))).toBe(pushed.indexDigest);
    expect(sha256(await skopeoInspectRaw(viaProxy(registry), 'through/proxy:v1'))).toBe(pushed.indexDigest);

    const uploadStarts = proxy.hits.filter((h) => h.method === 'POST' && /\/blobs\/uploads\/$/.test(h.path));
    const uploadEnds = proxy.hits.filter(
      (h) => h.method === 'PUT' && /\/blobs\/uploads\/[^?]+\?/.test(h.path),
    );
    expect(uploadStarts.length).toBeGreaterThan(0);
    expect(uploadEnds.map((h) => h.status)).toEqual(uploadStarts.map(() => 201));
    expect(proxy.hits.every((h) => h.fault === undefined)).toBe(true);
  });

  it('rewrites Location headers to point at the proxy', async () => {
    const res = await httpRequest(`${proxy.url}/v2/through/proxy/blobs/uploads/`, {
      method: 'POST',
      headers: { 'content-length': '0' },
    });
    expect(res.status).toBe(202);
    expect(res.headers.location).toMatch(new RegExp(`^${proxy.url}/v2/through/proxy/blobs/uploads/`));
  });

  it('streams a large blob intact', async () => {
    const res = await httpRequest(`${proxy.url}/v2/fixture/busybox/blobs/${layer.digest}`);
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(layer.size);
    expect(sha256(res.body)).toBe(layer.digest);
  });
});

describe('when the registry answers 500 once', () => {
  it('fails the first matching request only', async () => {
    proxy.setFaults([{ method: 'GET', path: /\/manifests\/v1$/, times: 1, fault: { status: 500 } }]);
    const url = `${proxy.url}/v2/fixture/busybox/manifests/v1`;
    const first = await httpRequest(url, { headers: { accept: INDEX } });
    expect(first.status).toBe(500);
    expect(first.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('UNKNOWN');
    const second = await httpRequest(url, { headers: { accept: INDEX } });
    expect(second.status).toBe(200);
    expect(sha256(second.body)).toBe(image.indexDigest);
    expect(proxy.hits.map((h) => [h.method, h.status, h.fault?.status])).toEqual([
      ['GET', 500, 500],
      ['GET', 200, undefined],
    ]);
  });

  it('leaves requests of another method alone', async () => {
    proxy.setFaults([{ method: 'HEAD', path: /\/manifests\//, fault: { status: 500 } }]);
    const get = await httpRequest(`${proxy.url}/v2/fixture/busybox/manifests/v1`, {
      headers: { accept: INDEX },
    });
    expect(get.status).toBe(200);
    const head = await httpRequest(`${proxy.url}/v2/fixture/busybox/manifests/v1`, { method: 'HEAD' });
    expect(head.status).toBe(500);
  });
});

describe('when the registry answers 429', () => {
  it('sends Retry-After and a TOOMANYREQUESTS error, for as many requests as asked', async () => {
    proxy.setFaults([{ path: /\/blobs\//, times: 2, fault: { status: 429, retryAfter: 3 } }]);
    const url = `${proxy.url}/v2/fixture/busybox/blobs/${layer.digest}`;
    for (let i = 0; i < 2; i++) {
      const res = await httpRequest(url);
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('3');
      expect(res.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('TOOMANYREQUESTS');
    }
    expect((await httpRequest(url)).status).toBe(200);
  });
});

describe('when the connection is reset mid-body', () => {
  it('cuts a download after the given number of bytes', async () => {
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { resetAfterBytes: 64 * 1024 } }]);
    const url = `${proxy.url}/v2/fixture/busybox/blobs/${layer.digest}`;
    const cut = await download(url);
    expect(cut.status).toBe(200);
    expect(cut.error).toBe('ECONNRESET');
    expect(cut.received).toBeLessThanOrEqual(64 * 1024);
    expect(cut.received).toBeLessThan(layer.size);

    const whole = await download(url);
    expect(whole).toEqual({ status: 200, received: layer.size });
  });

  it('cuts an upload after the given number of request bytes', async () => {
    const start = await httpRequest(`${proxy.url}/v2/upload/cut/blobs/uploads/`, {
      method: 'POST',
      headers: { 'content-length': '0' },
    });
    expect(start.status).toBe(202);
    const location = start.headers.location!;
    proxy.setFaults([{ method: 'PATCH', times: 1, fault: { resetAfterBytes: 1000, resetOn: 'request' } }]);
    const body = Buffer.alloc(512 * 1024, 7);
    await expect(
      httpRequest(location, {
        method: 'PATCH',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
        body,
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) as unknown });
    expect(proxy.hits.at(-1)).toMatchObject({ method: 'PATCH', fault: { resetAfterBytes: 1000 } });
  });
});

describe('when the body is slow', () => {
  it('drips the response at the given rate, intact', async () => {
    const url = `${proxy.url}/v2/fixture/busybox/manifests/v1`;
    const fastStart = performance.now();
    const fast = await httpRequest(url, { headers: { accept: INDEX } });
    const fastMs = performance.now() - fastStart;

    proxy.setFaults([{ path: /\/manifests\//, fault: { bytesPerSecond: 1000 } }]);
    const slowStart = performance.now();
    const slow = await httpRequest(url, { headers: { accept: INDEX } });
    const slowMs = performance.now() - slowStart;

    expect(slow.status).toBe(200);
    expect(sha256(slow.body)).toBe(image.indexDigest);
    expect(slowMs).toBeGreaterThanOrEqual((fast.body.length / 1000) * 1000 * 0.9);
    expect(slowMs).toBeGreaterThan(fastMs);
  });

  it('delays the answer by delayMs', async () => {
    proxy.setFaults([{ path: /^\/v2\/$/, times: 1, fault: { delayMs: 400 } }]);
    const started = performance.now();
    expect((await httpRequest(`${proxy.url}/v2/`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });
});

describe('when the registry is HTTPS with basic auth', () => {
  it('terminates TLS with the test bed CA, forwards credentials and still injects faults', async () => {
    const secure = await startRegistry('basic', { proxy: true });
    try {
      expect(secure.proxy!.url).toMatch(/^https:/);
      const pushed = await pushBaseImage(viaProxy(secure), 'secure/app', 'v1');
      expect(sha256(await skopeoInspectRaw(secure, 'secure/app:v1'))).toBe(pushed.indexDigest);

      secure.proxy!.setFaults([{ path: /\/manifests\//, times: 1, fault: { status: 503, retryAfter: 1 } }]);
      const res = await httpRequest(`${secure.proxy!.url}/v2/secure/app/manifests/v1`, { ca: secure.caPem });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      const unauthenticated = await httpRequest(`${secure.proxy!.url}/v2/secure/app/manifests/v1`, {
        ca: secure.caPem,
      });
      expect(unauthenticated.status).toBe(401);
    } finally {
      await secure.stop();
    }
  });
});
