import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerStopper } from './cleanup';
import { relayRequest } from './http';
import type { RegistryHandle } from './registry';

// The OCI Distribution 1.1 referrers API in front of a real registry. Debian's docker-registry (distribution
// 2.8.2) predates it, and no registry that has it can run here, so this layer adds exactly what the spec
// (distribution-spec v1.1.0, "Listing Referrers" and "Pushing Manifests with Subject") asks of a registry:
//   - PUT of a manifest with a `subject`: stored by the real registry; the answer carries `OCI-Subject: <digest>`
//     and the manifest is listed for its subject (no `sha256-<hex>` tag is written: that is the client's
//     fallback for registries without the API);
//   - GET /v2/<name>/referrers/<digest>[?artifactType=…]: 200 with an OCI image index of descriptors (mediaType,
//     digest, size, artifactType — the manifest's, else its config's media type — and annotations), filtered by
//     artifactType with `OCI-Filters-Applied: artifactType`; an unknown digest gets an empty index, never 404;
//   - DELETE of a manifest drops it from its subject's list.
// Everything else is relayed untouched. State lives in memory for the proxy's lifetime.

export interface ReferrersProxy {
  /** `127.0.0.1:<port>`: use it as the registry host (plain HTTP). */
  host: string;
  /** Requests to the referrers endpoint so far (to tell API use from tag-schema use). */
  referrersRequests: number;
  close(): Promise<void>;
}

interface Listed {
  subject: string;
  descriptor: Record<string, unknown>;
}

export async function startReferrersProxy(target: RegistryHandle): Promise<ReferrersProxy> {
  if (!target.insecure) throw new Error('startReferrersProxy relays to a plain-HTTP registry');
  const upstream = new URL(target.url);
  const agent = new http.Agent({ keepAlive: true });
  // repository → manifest digest → what it refers to
  const listed = new Map<string, Map<string, Listed>>();
  const state = { referrersRequests: 0 };

  const relay = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer | undefined,
    onDone?: (status: number, headers: http.IncomingHttpHeaders) => Record<string, string>,
  ) => {
    relayRequest(
      upstream,
      req,
      res,
      (up) => {
        const extra = onDone ? onDone(up.statusCode ?? 502, up.headers) : {};
        res.writeHead(up.statusCode ?? 502, { ...up.headers, ...extra });
        up.pipe(res);
      },
      { agent, body },
    );
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const referrers = /^\/v2\/(.+)\/referrers\/(sha256:[a-f0-9]{64})$/.exec(url.pathname);
    if (referrers && req.method === 'GET') {
      state.referrersRequests++;
      const [, repo, subject] = referrers as unknown as [string, string, string];
      const artifactType = url.searchParams.get('artifactType');
      let manifests = [...(listed.get(repo)?.values() ?? [])]
        .filter((l) => l.subject === subject)
        .map((l) => l.descriptor);
      const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json' };
      if (artifactType) {
        manifests = manifests.filter((d) => d['artifactType'] === artifactType);
        headers['oci-filters-applied'] = 'artifactType';
      }
      res.writeHead(200, headers);
      res.end(
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
      );
      return;
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          /* the registry will refuse it */
        }
        const subject = (parsed['subject'] as { digest?: string } | undefined)?.digest;
        relay(req, res, body, (status, headers): Record<string, string> => {
          if (!subject || status !== 201) return {};
          const digest =
            (headers['docker-content-digest'] as string | undefined) ??
            `sha256:${createHash('sha256').update(body).digest('hex')}`;
          const config = parsed['config'] as { mediaType?: string } | undefined;
          const artifactType = (parsed['artifactType'] as string | undefined) ?? config?.mediaType;
          const repo = manifest[1] as string;
          const entries = listed.get(repo) ?? new Map<string, Listed>();
          entries.set(digest, {
            subject,
            descriptor: {
              mediaType: (parsed['mediaType'] as string | undefined) ?? req.headers['content-type'],
              digest,
              size: body.length,
              ...(artifactType ? { artifactType } : {}),
              ...(parsed['annotations'] ? { annotations: parsed['annotations'] } : {}),
            },
          });
          listed.set(repo, entries);
          return { 'oci-subject': subject };
        });
      });
      return;
    }
    if (manifest && req.method === 'DELETE') {
      relay(req, res, undefined, (status) => {
        if (status === 202) listed.get(manifest[1] as string)?.delete(manifest[2] as string);
        return {};
      });
      return;
    }
    relay(req, res, undefined);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  registerStopper(close);
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get referrersRequests() {
      return state.referrersRequests;
    },
    close,
  };
}
