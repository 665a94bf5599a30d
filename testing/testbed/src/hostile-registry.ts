import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { writeTar } from './tar';

/**
 * A registry that lies (#19): a small HTTP server speaking enough of the distribution API for our clients, where
 * each repository is one way a hostile or broken registry can answer. No real registry can be made to serve
 * these, so this is the one place they exist; every other answer follows the distribution spec (status codes,
 * Docker-Content-Digest, OCI media types, the referrers API).
 *
 * Repositories (all with tag `v1`):
 * - `good/app`: a well-formed image (the control: what the others break);
 * - `blob-mismatch/app`: the layer blob's bytes do not match its digest (same length);
 * - `self-index/app`: an index whose platform manifest, fetched by digest, is the index itself;
 * - `self-referrer/app`: the image lists itself as its own referrer;
 * - `referrer-cycle/app`: referrer R1 of the image has referrer R2, which lists R1 as its referrer;
 * - `referrer-chain/app`: every referrer has another referrer, without end;
 * - `endless-blob/app`: the config blob is an endless chunked body;
 * - `endless-manifest/app`: the tag's manifest is an endless chunked body;
 * - `huge-length/app`: the layer blob announces a 2 GB Content-Length, sends 10 bytes and stalls;
 * - `redirect-loop/app`: every blob GET redirects to itself;
 * - `escape/app`: a well-formed image whose second layer tries to escape: `../` paths, symlinks and hard links
 *   out of the root, a whiteout of `/`.
 *
 * With `auth`, the whole host asks for a token: `foreign-realm` names a realm on another host (`localhost`
 * instead of `127.0.0.1`), `endless-token` a realm on the same host whose answer never ends.
 */
export interface HostileRegistry {
  host: string;
  url: string;
  /** Every request the server saw: method, path and the Authorization header. */
  requests: { method: string; path: string; authorization?: string }[];
  /** Digests of `good/app` and `escape/app` images (the manifest by tag `v1`). */
  digests: Record<string, string>;
  stop(): Promise<void>;
}

export interface HostileRegistryOptions {
  auth?: 'foreign-realm' | 'endless-token';
}

interface Stored {
  bytes: Buffer;
  mediaType: string;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
// Its own digests, not the product's computeDigest: a fake that shares the code under test cannot catch its bugs.
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const dpkgStatus = (name: string) =>
  `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\n`;

interface Image {
  manifest: Stored;
  digest: string;
  blobs: Map<string, Buffer>;
}

function image(layers: Buffer[], extra: Record<string, unknown> = {}): Image {
  const blobs = new Map<string, Buffer>();
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) },
    }),
  );
  blobs.set(sha256(config), config);
  const gz = layers.map((l) => gzipSync(l));
  for (const g of gz) blobs.set(sha256(g), g);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: gz.map((g) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: sha256(g),
        size: g.length,
      })),
      ...extra,
    }),
  );
  return { manifest: { bytes, mediaType: OCI_MANIFEST }, digest: sha256(bytes), blobs };
}

const EMPTY = Buffer.from('{}');

/** An artifact manifest (a signature, say) whose subject is `subject`. */
function artifact(subject: Stored, n: number): Stored & { digest: string } {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.dev.deliverkit.hostile',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(EMPTY), size: 2 },
      layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(EMPTY), size: 2 }],
      subject: { mediaType: subject.mediaType, digest: sha256(subject.bytes), size: subject.bytes.length },
      annotations: { 'dev.deliverkit.n': String(n) },
    }),
  );
  return { bytes, mediaType: OCI_MANIFEST, digest: sha256(bytes) };
}

const descriptor = (m: Stored & { digest?: string }) => ({
  mediaType: m.mediaType,
  digest: m.digest ?? sha256(m.bytes),
  size: m.bytes.length,
  artifactType: 'application/vnd.dev.deliverkit.hostile',
});

export async function startHostileRegistry(options: HostileRegistryOptions = {}): Promise<HostileRegistry> {
  const goodLayer = writeTar([
    { name: 'etc/os-release', content: 'ID=inside\nVERSION_ID=1\n' },
    { name: 'var/lib/dpkg/status', content: dpkgStatus('inside-pkg') },
  ]);
  const good = image([goodLayer]);
  const escape = image([
    goodLayer,
    writeTar([
      { name: '../../../var/lib/dpkg/status', content: dpkgStatus('escaped-dotdot') },
      { name: 'var/lib/../../../../var/lib/dpkg/status', content: dpkgStatus('escaped-dotdot-inner') },
      { name: 'usr/lib/os-release', type: '2', linkname: '../../../../../../../../etc/os-release' },
      { name: 'var/lib/dpkg/status.d/shadow', type: '2', linkname: '/../../../../etc/shadow' },
      { name: 'var/lib/dpkg/status.d/passwd', type: '1', linkname: '../../../../../etc/passwd' },
      {
        name: 'usr/local/lib/node_modules/x/package.json',
        type: '1',
        linkname: '/../../outside/package.json',
      },
      { name: '.wh.' },
      { name: 'etc/.wh..' },
    ]),
  ]);
  const escapeBlobs = escape.blobs;

  // Mutable stores per repository.
  const manifests = new Map<string, Map<string, Stored>>();
  const blobs = new Map<string, Map<string, Buffer>>();
  const referrers = new Map<string, Map<string, (Stored & { digest?: string })[]>>();
  const put = (repo: string, img: Image) => {
    const m = manifests.get(repo) ?? new Map<string, Stored>();
    m.set('v1', img.manifest);
    m.set(img.digest, img.manifest);
    manifests.set(repo, m);
    blobs.set(repo, new Map(img.blobs));
  };
  for (const repo of [
    'good/app',
    'blob-mismatch/app',
    'self-referrer/app',
    'referrer-cycle/app',
    'referrer-chain/app',
    'endless-blob/app',
    'huge-length/app',
    'redirect-loop/app',
  ])
    put(repo, good);
  put('escape/app', { ...escape, blobs: escapeBlobs });

  // The layer blob of blob-mismatch: same length, one byte changed.
  const layerDigest = (JSON.parse(good.manifest.bytes.toString()) as { layers: { digest: string }[] })
    .layers[0]!.digest;
  const tampered = Buffer.from(good.blobs.get(layerDigest)!);
  tampered[tampered.length - 9] = tampered[tampered.length - 9]! ^ 0xff;
  blobs.get('blob-mismatch/app')!.set(layerDigest, tampered);

  // self-index: the index names a platform manifest; that digest serves the index itself.
  const fakeChild = sha256('a manifest that does not exist');
  const selfIndex = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: fakeChild,
          size: 500,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    }),
  );
  manifests.set(
    'self-index/app',
    new Map([
      ['v1', { bytes: selfIndex, mediaType: OCI_INDEX }],
      [sha256(selfIndex), { bytes: selfIndex, mediaType: OCI_INDEX }],
      [fakeChild, { bytes: selfIndex, mediaType: OCI_INDEX }],
    ]),
  );
  blobs.set('self-index/app', new Map());

  referrers.set('self-referrer/app', new Map([[good.digest, [good.manifest]]]));
  const r1 = artifact(good.manifest, 1);
  const r2 = artifact(r1, 2);
  manifests.get('referrer-cycle/app')!.set(r1.digest, r1);
  manifests.get('referrer-cycle/app')!.set(r2.digest, r2);
  referrers.set(
    'referrer-cycle/app',
    new Map([
      [good.digest, [r1]],
      [r1.digest, [r2]],
      [r2.digest, [r1]],
    ]),
  );
  for (const repo of manifests.keys()) blobs.get(repo)?.set(sha256(EMPTY), EMPTY);

  const requests: HostileRegistry['requests'] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  const json = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: http.OutgoingHttpHeaders = {},
  ) => {
    const bytes = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
    res.end(bytes);
  };
  const notFound = (res: http.ServerResponse, code = 'MANIFEST_UNKNOWN') =>
    json(res, 404, { errors: [{ code, message: 'not found' }] });
  const endless = (res: http.ServerResponse, contentType: string) => {
    res.writeHead(200, { 'content-type': contentType, 'transfer-encoding': 'chunked' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.write('{"schemaVersion":2,"padding":"');
    pump();
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: req.headers.authorization,
    });
    req.resume();

    if (url.pathname === '/token') {
      if (options.auth === 'endless-token') return endless(res, 'application/json');
      return json(res, 200, { token: 'hostile-token', expires_in: 300 });
    }
    if (options.auth && !req.headers.authorization?.startsWith('Bearer ')) {
      const realm =
        options.auth === 'foreign-realm'
          ? `http://localhost:${port}/token`
          : `http://127.0.0.1:${port}/token`;
      return json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'token required' }] },
        {
          'www-authenticate': `Bearer realm="${realm}",service="hostile"`,
        },
      );
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') return json(res, 200, {});

    const m = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(url.pathname);
    if (!m) return notFound(res, 'NAME_UNKNOWN');
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];

    if (kind === 'manifests') {
      if (repo === 'endless-manifest/app') return endless(res, OCI_MANIFEST);
      const stored = manifests.get(repo)?.get(ref);
      if (!stored) return notFound(res);
      const headers = {
        'content-type': stored.mediaType,
        'content-length': stored.bytes.length,
        'docker-content-digest': ref.startsWith('sha256:') ? ref : sha256(stored.bytes),
      };
      res.writeHead(200, headers);
      return res.end(req.method === 'HEAD' ? undefined : stored.bytes);
    }

    if (kind === 'referrers') {
      let listed = referrers.get(repo)?.get(ref) ?? [];
      if (repo === 'referrer-chain/app') {
        // Every manifest has one more referrer, made on demand.
        const subject = manifests.get(repo)?.get(ref);
        if (subject) {
          const n = Number(/"dev.deliverkit.n":"(\d+)"/.exec(subject.bytes.toString())?.[1] ?? 0) + 1;
          const next = artifact(subject, n);
          manifests.get(repo)!.set(next.digest, next);
          listed = [next];
        }
      }
      return json(
        res,
        200,
        { schemaVersion: 2, mediaType: OCI_INDEX, manifests: listed.map(descriptor) },
        { 'content-type': OCI_INDEX },
      );
    }

    // blobs
    if (repo === 'redirect-loop/app' && req.method === 'GET') {
      const hop = Number(url.searchParams.get('hop') ?? 0) + 1;
      res.writeHead(307, { location: `${url.pathname}?hop=${hop}`, 'content-length': 0 });
      return res.end();
    }
    const blob = blobs.get(repo)?.get(ref);
    if (!blob) return notFound(res, 'BLOB_UNKNOWN');
    const isConfig = blob.length < 400 && blob.toString().startsWith('{"architecture"');
    if (repo === 'endless-blob/app' && isConfig && req.method === 'GET') {
      return endless(res, 'application/octet-stream');
    }
    if (repo === 'huge-length/app' && !isConfig && ref !== sha256(EMPTY)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 2_000_000_000 });
      if (req.method === 'HEAD') return res.end();
      res.write(blob.subarray(0, 10));
      return; // and never another byte: only stop() ends it
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': blob.length,
      'docker-content-digest': ref,
    });
    res.end(req.method === 'HEAD' ? undefined : blob);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  return {
    host,
    url: `http://${host}`,
    requests,
    digests: { 'good/app': good.digest, 'escape/app': escape.digest },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
