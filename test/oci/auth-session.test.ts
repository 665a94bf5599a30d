import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registries, type RegistryError } from '@deliverkit/oci';
import { StaticCredentials } from '../../packages/oci/src/auth';

// A registry whose token service is busy at first: it answers 503 to the first `busy` token requests.
interface TokenBed {
  host: string;
  /** The query string of every token request, in order. */
  tokenQueries: URLSearchParams[];
  busy: number;
  close(): Promise<void>;
}

async function startTokenBed(): Promise<TokenBed> {
  const bed = { tokenQueries: [] as URLSearchParams[], busy: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/token') {
      bed.tokenQueries.push(url.searchParams);
      if (bed.busy > 0) {
        bed.busy--;
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: 'T', expires_in: 300 }));
      return;
    }
    if (req.headers.authorization !== 'Bearer T') {
      const { port } = server.address() as AddressInfo;
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="bed"`,
      });
      res.end();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(bed, {
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

describe('a Bearer token request', () => {
  let bed: TokenBed;
  let registries: Registries;
  beforeAll(async () => {
    bed = await startTokenBed();
  });
  afterAll(async () => {
    registries?.close();
    await bed.close();
  });

  describe('when the token service answers 503 before it answers 200', () => {
    it('sends the same service and scope on the retry, each once', async () => {
      bed.busy = 2;
      registries = new Registries({
        credentials: new StaticCredentials({}),
        hosts: { [bed.host]: { insecure: true } },
        sleep: async () => {},
      });
      const size = await registries.client(bed.host).headBlob('team/app', `sha256:${'0'.repeat(64)}`);
      expect(size).toBeUndefined();
      expect(bed.tokenQueries).toHaveLength(3);
      for (const query of bed.tokenQueries) {
        expect(query.getAll('service')).toEqual(['bed']);
        expect(query.getAll('scope')).toEqual(['repository:team/app:pull']);
      }
    });
  });
});

describe('a registry with Basic auth', () => {
  let server: http.Server;
  let host: string;
  const good = `Basic ${Buffer.from('user:pass').toString('base64')}`;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.headers.authorization !== good) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="bed"' }).end();
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Registries that present user:`password` to the test registry; closed after `use`. */
  async function withPassword(password: string, use: (registries: Registries) => Promise<void>) {
    const registries = new Registries({
      credentials: new StaticCredentials({ [host]: { username: 'user', password } }),
      hosts: { [host]: { insecure: true } },
    });
    try {
      await use(registries);
    } finally {
      registries.close();
    }
  }

  describe('when the first requests go out at once, before the scheme is known', () => {
    it('sends each again with the credentials', async () => {
      await withPassword('pass', async (registries) => {
        const client = registries.client(host);
        const digests = ['1', '2', '3'].map((c) => `sha256:${c.repeat(64)}`);
        const sizes = await Promise.all(digests.map((d) => client.headBlob('team/app', d)));
        expect(sizes).toEqual([undefined, undefined, undefined]);
      });
    });
  });

  describe('when the credentials are wrong', () => {
    it('fails with UNAUTHORIZED after one retry with them', async () => {
      await withPassword('wrong', async (registries) => {
        const error = await registries
          .client(host)
          .headBlob('team/app', `sha256:${'4'.repeat(64)}`)
          .catch((e: unknown) => e);
        expect((error as RegistryError).code).toBe('UNAUTHORIZED');
      });
    });
  });
});
