// Test-only: a local Sigstore for this package's tests, e2e and benchmark. It lives beside the package
// (not under test/) so that @sigstore/mock resolves from this package's devDependencies; nothing in src/ imports it.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
  type HandlerFn,
} from '@sigstore/mock';

/**
 * A local Sigstore: @sigstore/mock's Fulcio, Rekor and TSA handlers served over real HTTP on loopback,
 * plus the trusted_root.json that verifies what they issue. Traps handled (see shared/docs/stack.md):
 * clients must use Rekor entryType `intoto`; the TSA gets a fixed clock with 3 fractional digits.
 * All clocks are fixed so that certificates, SETs and timestamps agree however long a test runs.
 */
export interface MockSigstore {
  url: string;
  fulcioURL: string;
  rekorURL: string;
  tsaURL: string;
  /** Value for the `sigstore` input / parseSigstoreInstance. */
  sigstoreSpec: string;
  trustedRoot: TrustedRootJSON;
  /** Answer the next `count` requests to `service` with `status` (e.g. 503) to test retries. */
  failNext(service: 'fulcio' | 'rekor' | 'tsa', count: number, status?: number): void;
  requests: Record<'fulcio' | 'rekor' | 'tsa', number>;
  stop(): Promise<void>;
}

export type TrustedRootJSON = Record<string, unknown>;

export async function startMockSigstore(): Promise<MockSigstore> {
  const now = Date.now();
  // The CA and CT log clock sits a minute before the witnesses' clock: certificates are valid
  // [caClock, caClock + 10 min], and every timestamp falls inside that window. The witnesses' clock is
  // a few seconds ahead of real time because the mock TSA's own certificates take their notBefore from
  // the real clock: a timestamp earlier than that (same second or not) fails "timestamp could not be verified".
  const caClock = new Date(Math.floor(now / 1000) * 1000 - 60_000);
  const witnessClock = new Date(Math.floor(now / 1000) * 1000 + 5_123);
  const validFrom = new Date(caClock.getTime() - 3600_000).toISOString();

  const kp = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ctlog = await initializeCTLog(kp(), caClock);
  const ca = await initializeCA(kp(), ctlog, caClock);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlog = await initializeTLog(url, kp(), witnessClock);
  const tsa = await initializeTSA(kp(), witnessClock);

  const handlers: Record<string, { service: 'fulcio' | 'rekor' | 'tsa'; fn: HandlerFn }> = {};
  for (const [service, h] of [
    ['fulcio', fulcioHandler(ca)],
    ['rekor', rekorHandler(tlog)],
    ['tsa', tsaHandler(tsa)],
  ] as const) {
    handlers[h.path] = { service, fn: h.fn };
  }
  const failures: Record<string, { count: number; status: number }> = {};
  const requests = { fulcio: 0, rekor: 0, tsa: 0 };

  server.on('request', (req, res) => {
    void (async () => {
      const body = await readBody(req);
      const handler = handlers[(req.url ?? '').split('?')[0] ?? ''];
      if (req.method !== 'POST' || !handler) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
        return;
      }
      requests[handler.service]++;
      const failure = failures[handler.service];
      if (failure && failure.count > 0) {
        failure.count--;
        res
          .writeHead(failure.status, { 'content-type': 'application/json' })
          .end('{"message":"injected failure"}');
        return;
      }
      const result = await handler.fn(body);
      res.writeHead(result.statusCode, { 'content-type': result.contentType ?? 'text/plain' });
      res.end(typeof result.response === 'string' ? result.response : Buffer.from(result.response.buffer));
    })().catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });

  const b64 = (b: ArrayBufferView | Buffer) =>
    Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  const publicKey = (raw: Buffer) => ({
    rawBytes: raw.toString('base64'),
    keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    validFor: { start: validFrom },
  });
  const trustedRoot: TrustedRootJSON = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: publicKey(tlog.publicKey),
        logId: { keyId: createHash('sha256').update(tlog.publicKey).digest('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start: validFrom },
      },
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: publicKey(ctlog.publicKey),
        logId: { keyId: b64(ctlog.logID) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: url,
        certChain: {
          certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }],
        },
        validFor: { start: validFrom },
      },
    ],
  };

  return {
    url,
    fulcioURL: url,
    rekorURL: url,
    tsaURL: url,
    sigstoreSpec: `fulcio=${url},rekor=${url},tsa=${url},rekor-entry-type=intoto`,
    trustedRoot,
    requests,
    failNext(service, count, status = 503) {
      failures[service] = { count, status };
    },
    stop: () => closeServer(server),
  };
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * An unsigned OIDC token shaped like GitHub's: the mock Fulcio does not check signatures, but puts
 * `sub` into the certificate's SAN and `iss` into the issuer extension.
 */
export function fakeIdentityToken(claims: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: GITHUB_ISSUER,
    aud: 'sigstore',
    sub: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
    iat: now,
    exp: now + 600,
    repository: 'acme/app',
    ref: 'refs/heads/main',
    ...claims,
  };
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.c2lnbmF0dXJl`;
}

/**
 * GitHub's ID-token endpoint contract (what @actions/core's getIDToken calls): GET
 * `$ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` with `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`,
 * answering `{"value": "<jwt>"}`; 401 without the bearer token.
 */
export async function startOidcTokenEndpoint(claims: Record<string, unknown> = {}): Promise<{
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  audiences: string[];
  stop(): Promise<void>;
}> {
  const bearer = `req-token-${Math.random().toString(36).slice(2)}`;
  const audiences: string[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers.authorization !== `Bearer ${bearer}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
      return;
    }
    const audience = u.searchParams.get('audience') ?? '';
    audiences.push(audience);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ count: 1, value: fakeIdentityToken({ aud: audience, ...claims }) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/_apis/distributedtask/hubs/build/plans/p/jobs/j/idtoken?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer,
    },
    audiences,
    stop: () => closeServer(server),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
