// act's artifact server (v4 protocol) predates fields that @actions/artifact ≥ 5 sends — CreateArtifact's
// `mime_type` — and its strict protobuf JSON decoding refuses the whole request ("unknown field"). GitHub's service
// accepts them. This proxy sits where the runner's ACTIONS_RESULTS_URL points and drops exactly the fields act
// does not know, so the artifact clients (ours in the sbom action, the stand-ins') talk to act unchanged. And the
// Azure blob client drops the `=` padding of the signed URL's `sig` parameter, which act's padded base64 decoder
// then refuses ("Error unauthorized"): the padding is put back on the upload and download requests.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Fields per Twirp method that act's server does not decode. */
const UNKNOWN_TO_ACT: Record<string, string[]> = { CreateArtifact: ['mime_type'] };

export interface ArtifactProxy {
  /** For act's environment: ACTIONS_RUNTIME_URL (act derives ACTIONS_RESULTS_URL from it). */
  url: string;
  stop(): Promise<void>;
}

export async function startArtifactProxy(target: { host: string; port: number }): Promise<ArtifactProxy> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const method = /\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1] ?? '';
      const drop = UNKNOWN_TO_ACT[method];
      if (drop && body.length > 0) {
        try {
          const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          for (const f of drop) delete json[f];
          body = Buffer.from(JSON.stringify(json));
        } catch {
          // not JSON: forwarded as it came, act answers for it
        }
      }
      let forwardPath = req.url ?? '/';
      if (method === 'UploadArtifact' || method === 'DownloadArtifact') {
        forwardPath = forwardPath.replace(
          /([?&]sig=)([A-Za-z0-9_-]+)(?=&|$)/,
          (_m, k: string, sig: string) => {
            return k + sig + '='.repeat((4 - (sig.length % 4)) % 4);
          },
        );
      }
      // The Host header is kept: act builds its signed upload/download URLs from it, so they come back here too.
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const upstream = request(
        { host: target.host, port: target.port, method: req.method, path: forwardPath, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(e.message));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
