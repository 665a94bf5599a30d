// A loopback server speaking the v4 artifact protocol as act's artifact server implements it
// (pkg/artifacts/artifacts_v4.go: Twirp JSON answered in lowerCamelCase, a signed upload URL, `comp=block` bodies
// appended, `comp=blocklist` acknowledged) — the server the workflow harness uploads to through act.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface ArtifactServer {
  /** `http://127.0.0.1:<port>`: ACTIONS_RESULTS_URL. */
  base: string;
  seen: SeenRequest[];
  /** The bodies of the `comp=block` PUTs, in order: the zip. */
  blocks: Buffer[];
  /** Answer the next `times` calls of a Twirp method with `status`. */
  failNext?: { method: string; status: number; times: number };
  reset(): void;
  close(): Promise<void>;
}

/** An unsigned JWT with these claims (the upload reads the token's scope, it does not verify it). */
export function jwt(claims: object): string {
  return ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');
}

/** A runtime token whose `scp` holds the run and job the service scopes an artifact to. */
export function runtimeToken(run = 'run-21', job = 'job-49'): string {
  return jwt({ scp: `Actions.ExampleScope Actions.Results:${run}:${job}` });
}

export async function startArtifactServer(): Promise<ArtifactServer> {
  const state: ArtifactServer = {
    base: '',
    seen: [],
    blocks: [],
    reset() {
      state.seen = [];
      state.blocks = [];
      state.failNext = undefined;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks);
      state.seen.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      const method = url.pathname.split('/').pop() ?? '';
      const failNext = state.failNext;
      if (failNext && failNext.method === method && failNext.times > 0) {
        failNext.times--;
        res.writeHead(failNext.status, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ code: 'unavailable', msg: 'try later' }));
      }
      const json = (o: object) => {
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
        res.end(JSON.stringify(o));
      };
      if (req.method === 'POST' && method === 'CreateArtifact')
        return json({
          ok: true,
          signedUploadUrl: `${state.base}/twirp/x/UploadArtifact?sig=abc%3D&taskID=21`,
        });
      if (req.method === 'PUT' && method === 'UploadArtifact') {
        if (url.searchParams.get('sig') !== 'abc=') return res.writeHead(401).end();
        if (url.searchParams.get('comp') === 'block') state.blocks.push(body);
        return res.writeHead(201).end();
      }
      if (req.method === 'POST' && method === 'FinalizeArtifact')
        return json({ ok: true, artifactId: '4242' });
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
