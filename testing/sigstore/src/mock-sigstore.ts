// Test-only: a local Sigstore for the tests, e2e runs, the workflow harness and the benchmarks, as a private
// workspace package under testing/ (so @sigstore/mock resolves from its own dependencies; product code may not import it).
import { createHash, generateKeyPairSync, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fulcioHandler,
  type HandlerFn,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
} from '@sigstore/mock';

/**
 * A local Sigstore: @sigstore/mock's Fulcio, Rekor and TSA handlers served over real HTTP on loopback,
 * plus the trusted_root.json that verifies what they issue, made to answer as the real services do for both
 * sigstore-js and cosign (sigstore-go): Fulcio issues GitHub's SAN and extensions and takes the token as a bearer
 * too, Rekor stores `dsse` entries canonically (so the default entry type works) and names the entry in ETag,
 * the TSA takes DER queries; the TSA gets a fixed clock with 3 fractional digits (shared/docs/stack.md).
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

/**
 * @sigstore/mock's handler contract with the raw body and the headers: cosign sends its identity token in the
 * Authorization header and DER timestamp queries, where sigstore-js sends JSON.
 */
type RequestHandler = (
  body: Buffer,
  headers: IncomingHttpHeaders,
) => Promise<Awaited<ReturnType<HandlerFn>> & { headers?: Record<string, string> }>;

function textHandler(h: { path: string; fn: HandlerFn }): { path: string; fn: RequestHandler } {
  return { path: h.path, fn: (body) => h.fn(body.toString('utf8')) };
}

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
  // The mock's root certificate takes its notBefore from the real clock, after caClock; a real Fulcio root
  // predates every leaf. cosign checks a legacy `.sig` certificate's chain at the leaf's own notBefore, where
  // such a root is not valid yet ("leaf certificate verification failed"). The CA and CT log read this Date
  // object on every issue, so moving it to the root's notBefore keeps every leaf inside the root's validity.
  const root = ca.rootCertificate;
  const rootValidFrom = new Date(
    new NodeX509Certificate(Buffer.from(root.buffer, root.byteOffset, root.byteLength)).validFrom,
  );
  if (caClock < rootValidFrom) caClock.setTime(rootValidFrom.getTime());
  if (witnessClock.getTime() < caClock.getTime() + 5_123) witnessClock.setTime(caClock.getTime() + 5_123);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlog = await initializeTLog(url, kp(), witnessClock);
  const tsa = await initializeTSA(kp(), witnessClock);

  const handlers: Record<string, { service: 'fulcio' | 'rekor' | 'tsa'; fn: RequestHandler }> = {};
  for (const [service, h] of [
    ['fulcio', githubFulcioHandler(ca)],
    ['rekor', rekorEntryHandler(tlog)],
    ['tsa', timestampHandler(tsa)],
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
      const result = await handler.fn(body, req.headers);
      res.writeHead(result.statusCode, {
        'content-type': result.contentType ?? 'text/plain',
        ...result.headers,
      });
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
    sigstoreSpec: `fulcio=${url},rekor=${url},tsa=${url}`,
    trustedRoot,
    requests,
    failNext(service, count, status = 503) {
      failures[service] = { count, status };
    },
    stop: () => closeServer(server),
  };
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

const GITHUB_URL = 'https://github.com';
const FAKE_SHA = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';

/**
 * The claims of a GitHub Actions OIDC token that Fulcio reads (fulcio pkg/identity/github): a push to main of
 * acme/app running its own release.yml. Override any of them; a reusable workflow run has a `job_workflow_ref` in
 * another repository than `repository`, and `workflow_ref` names the caller's workflow.
 */
export function githubClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: GITHUB_ISSUER,
    aud: 'sigstore',
    sub: 'repo:acme/app:ref:refs/heads/main',
    iat: now,
    nbf: now,
    exp: now + 600,
    actor: 'octocat',
    actor_id: '583231',
    event_name: 'push',
    ref: 'refs/heads/main',
    ref_type: 'branch',
    sha: FAKE_SHA,
    repository: 'acme/app',
    repository_id: '700100',
    repository_owner: 'acme',
    repository_owner_id: '700',
    repository_visibility: 'private',
    workflow: 'release',
    workflow_ref: 'acme/app/.github/workflows/release.yml@refs/heads/main',
    workflow_sha: FAKE_SHA,
    job_workflow_ref: 'acme/app/.github/workflows/release.yml@refs/heads/main',
    job_workflow_sha: FAKE_SHA,
    runner_environment: 'github-hosted',
    run_id: '4242',
    run_number: '7',
    run_attempt: '1',
    ...overrides,
  };
}

/**
 * An unsigned OIDC token shaped like GitHub's (githubClaims, then `claims` on top). The mock Fulcio does not
 * check signatures; it issues what Fulcio issues for such a token: SAN `https://github.com/<job_workflow_ref>`,
 * the issuer, and the GitHub extensions.
 */
export function fakeIdentityToken(claims: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(githubClaims(claims))}.c2lnbmF0dXJl`;
}

/**
 * Claims Fulcio requires of a GitHub token before it issues a certificate (fulcio's github principal fails with
 * "token missing … claim" otherwise); each becomes an extension (1.3.6.1.4.1.57264.1.2–.6 and .8–.22).
 */
const REQUIRED_GITHUB_CLAIMS = [
  'job_workflow_ref',
  'sha',
  'event_name',
  'repository',
  'workflow',
  'ref',
  'job_workflow_sha',
  'runner_environment',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'workflow_ref',
  'workflow_sha',
  'run_id',
  'run_attempt',
];

/**
 * Fulcio as it treats GitHub tokens. @sigstore/mock's handler already maps every GitHub claim to its extension
 * the way Fulcio does, but takes the SAN from one claim as is; Fulcio makes it `https://github.com/` +
 * `job_workflow_ref` and refuses a token missing a claim it needs. This wraps the mock: it checks the claims and
 * hands the mock the SAN in a claim of its own. Tokens from other issuers keep the mock's behaviour (SAN = sub).
 */
function githubFulcioHandler(ca: Parameters<typeof fulcioHandler>[0]): { path: string; fn: RequestHandler } {
  const SAN_CLAIM = 'deliverkit_mock_san';
  const inner = fulcioHandler(ca, { subjectClaim: SAN_CLAIM });
  return {
    path: inner.path,
    fn: async (body, headers) => {
      let request: { credentials?: { oidcIdentityToken?: string } };
      try {
        request = JSON.parse(body.toString('utf8')) as typeof request;
      } catch {
        return { statusCode: 400, response: 'request body is not JSON' };
      }
      // sigstore-js puts the token in the body; cosign (sigstore-go) sends it as a bearer token, which Fulcio's
      // gateway also accepts.
      const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
      const token = request.credentials?.oidcIdentityToken ?? bearer ?? '';
      const [header, payload] = token.split('.');
      let claims: Record<string, unknown>;
      try {
        claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
      } catch {
        return { statusCode: 400, response: 'identity token is not a JWT' };
      }
      let san = claims.sub;
      if (claims.iss === GITHUB_ISSUER) {
        const missing = REQUIRED_GITHUB_CLAIMS.filter(
          (c) => typeof claims[c] !== 'string' || claims[c] === '',
        );
        if (missing.length > 0) {
          return { statusCode: 400, response: `token missing claims: ${missing.join(', ')}` };
        }
        san = `${GITHUB_URL}/${claims.job_workflow_ref as string}`;
      }
      const rewritten = `${header}.${Buffer.from(JSON.stringify({ ...claims, [SAN_CLAIM]: san })).toString('base64url')}.x`;
      const credentials = { ...request.credentials, oidcIdentityToken: rewritten };
      const result = await inner.fn(JSON.stringify({ ...request, credentials }));
      // Fulcio's v2 API answers 200 (the mock says 201, as the v1 API did); sigstore-go accepts only 200.
      return result.statusCode === 201 ? { ...result, statusCode: 200 } : result;
    },
  };
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
    res.end(JSON.stringify({ count: 1, value: fakeIdentityToken({ ...claims, aud: audience }) }));
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

/**
 * Rekor's POST /api/v1/log/entries as cosign needs it. Real Rekor stores a `dsse` entry in canonical form (hashes of
 * the envelope and payload, each signature with its verifier), not the proposed envelope the mock echoes back, and
 * names the new entry's UUID in the ETag header, which sigstore-go reads the entry by. Other kinds (`intoto`,
 * `hashedrekord`) go to the mock unchanged.
 */
function rekorEntryHandler(tlog: Parameters<typeof rekorHandler>[0]): { path: string; fn: RequestHandler } {
  const inner = rekorHandler(tlog);
  return {
    path: inner.path,
    fn: async (body) => {
      let proposed: { kind?: string; apiVersion?: string; spec?: unknown };
      try {
        proposed = JSON.parse(body.toString('utf8')) as typeof proposed;
      } catch {
        return { statusCode: 400, response: 'proposed entry is not JSON' };
      }
      if (proposed.kind === 'dsse') proposed = canonicalDsseEntry(proposed.spec);
      const result = await inner.fn(JSON.stringify(proposed));
      if (result.statusCode !== 201 || typeof result.response !== 'string') return result;
      const uuid = Object.keys(JSON.parse(result.response) as Record<string, unknown>)[0] ?? '';
      return { ...result, headers: { ETag: uuid, Location: `${inner.path}/${uuid}` } };
    },
  };
}

/** rekor pkg/types/dsse/v0.0.1: what the log keeps of a proposed DSSE entry. */
function canonicalDsseEntry(spec: unknown): { kind: string; apiVersion: string; spec: unknown } {
  const content = (spec as { proposedContent?: { envelope?: string; verifiers?: string[] } }).proposedContent;
  const envelopeText = content?.envelope ?? '';
  const envelope = JSON.parse(envelopeText) as { payload: string; signatures: { sig: string }[] };
  const sha256 = (data: Buffer | string) => ({
    algorithm: 'sha256',
    value: createHash('sha256').update(data).digest('hex'),
  });
  return {
    kind: 'dsse',
    apiVersion: '0.0.1',
    spec: {
      envelopeHash: sha256(envelopeText),
      payloadHash: sha256(Buffer.from(envelope.payload, 'base64')),
      signatures: envelope.signatures.map((s) => ({
        signature: s.sig,
        verifier: content?.verifiers?.[0] ?? '',
      })),
    },
  };
}

const TSA_POLICY_OID = '1.3.6.1.4.1.57264.2';

type TimestampRequest = Parameters<Awaited<ReturnType<typeof initializeTSA>>['timestamp']>[0];

/**
 * The timestamp authority at /api/v1/timestamp, which (like sigstore's timestamp-authority) takes both request
 * forms: sigstore-js's JSON, handled by @sigstore/mock, and an RFC 3161 TimeStampReq in DER
 * (`application/timestamp-query`), which cosign sends. The DER form is decoded here by hand: @sigstore/mock only
 * reads JSON, and a TimeStampReq is five fields.
 */
function timestampHandler(tsa: Parameters<typeof tsaHandler>[0]): { path: string; fn: RequestHandler } {
  const json = textHandler(tsaHandler(tsa));
  return {
    path: json.path,
    fn: async (body, headers) => {
      if (!String(headers['content-type'] ?? '').startsWith('application/timestamp-query'))
        return json.fn(body, headers);
      let request;
      try {
        request = parseTimeStampReq(body);
      } catch (e) {
        return { statusCode: 400, response: `bad TimeStampReq: ${(e as Error).message}` };
      }
      return {
        statusCode: 201,
        response: await tsa.timestamp(request),
        contentType: 'application/timestamp-reply',
      };
    },
  };
}

interface DerElement {
  tag: number;
  value: Buffer;
  /** Offset of the next element. */
  end: number;
}

function readDer(buf: Buffer, offset: number): DerElement {
  const tag = buf[offset];
  let length = buf[offset + 1];
  if (tag === undefined || length === undefined) throw new Error('truncated');
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('unsupported length');
    length = buf.readUIntBE(start, bytes);
    start += bytes;
  }
  if (start + length > buf.length) throw new Error('truncated');
  return { tag, value: buf.subarray(start, start + length), end: start + length };
}

function readChildren(value: Buffer): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < value.length;) {
    const child = readDer(value, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

function decodeOid(value: Buffer): string {
  const first = value[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let n = 0;
  for (const byte of value.subarray(1)) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

/** TimeStampReq ::= SEQUENCE { version, messageImprint, reqPolicy OID?, nonce INTEGER?, certReq BOOLEAN?, [0]? } */
function parseTimeStampReq(der: Buffer): TimestampRequest {
  const outer = readDer(der, 0);
  if (outer.tag !== 0x30) throw new Error('not a SEQUENCE');
  const [version, imprint, ...optional] = readChildren(outer.value);
  if (version?.tag !== 0x02 || imprint?.tag !== 0x30) throw new Error('no messageImprint');
  const [algorithm, hashed] = readChildren(imprint.value);
  const algorithmOid = algorithm && readChildren(algorithm.value)[0];
  if (algorithmOid?.tag !== 0x06 || hashed?.tag !== 0x04) throw new Error('bad messageImprint');
  const request: TimestampRequest = {
    artifactHash: Buffer.from(hashed.value),
    hashAlgorithmOID: decodeOid(algorithmOid.value),
    nonce: 0,
    policyOID: TSA_POLICY_OID,
    certReq: false,
  };
  for (const field of optional) {
    if (field.tag === 0x06) request.policyOID = decodeOid(field.value);
    else if (field.tag === 0x02) request.nonce = Number(BigInt(`0x${field.value.toString('hex') || '0'}`));
    else if (field.tag === 0x01) request.certReq = field.value[0] !== 0;
  }
  return request;
}

/**
 * The Fulcio extensions (1.3.6.1.4.1.57264.1.*) of a certificate as text, for tests that check what the local
 * Fulcio issued: the legacy ones (.1–.6) are raw bytes, the others a DER UTF8String.
 */
export function fulcioExtensions(certificate: string): Record<string, string> {
  const cert = X509Certificate.parse(certificate);
  const out: Record<string, string> = {};
  for (let n = 1; n <= 30; n++) {
    const oid = `1.3.6.1.4.1.57264.1.${n}`;
    const ext = cert.extension(oid);
    if (ext) out[oid] = (n <= 6 ? ext.value : readDer(ext.value, 0).value).toString('utf8');
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
