// Test-only: a TUF repository served over loopback HTTP, the way Sigstore distributes its trusted root
// (https://tuf-repo-cdn.sigstore.dev serves trusted_root.json as a TUF target). Real metadata, signed with a
// generated ed25519 key through @tufjs/models, so the real TUF client (tuf-js, under @sigstore/tuf) verifies the
// whole chain: root → timestamp → snapshot → targets → the target's length and hash.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  Key,
  Metadata,
  MetaFile,
  Root,
  Signature,
  Snapshot,
  Targets,
  TargetFile,
  Timestamp,
} from '@tufjs/models';

export interface MockTuf {
  /** The mirror URL (metadata at its root, targets under /targets). */
  url: string;
  /** The trusted initial root.json, as a file: what a client is given out of band (`tuf-root`). */
  rootPath: string;
  /** Requests served, by path. */
  requests: string[];
  /** Re-publishes the repository with new target contents (new versions of targets, snapshot, timestamp). */
  publish(targets: Record<string, string | Buffer>): void;
  /** Makes every request fail with this status (e.g. 503), or serve again with undefined. */
  failWith(status: number | undefined): void;
  stop(): Promise<void>;
}

const SPEC_VERSION = '1.0.31';

export async function startMockTuf(targets: Record<string, string | Buffer>): Promise<MockTuf> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyJSON = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw.toString('hex') } };
  const keyID = createHash('sha256').update(JSON.stringify(keyJSON)).digest('hex');
  const key = new Key({ keyID, keyType: 'ed25519', scheme: 'ed25519', keyVal: keyJSON.keyval });
  const expires = new Date(Date.now() + 7 * 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');

  const root = new Root({ version: 1, specVersion: SPEC_VERSION, expires, consistentSnapshot: false });
  for (const role of ['root', 'timestamp', 'snapshot', 'targets']) root.addKey(key, role);
  const files = new Map<string, Buffer>();
  files.set('/1.root.json', serialize(new Metadata(root), privateKey, keyID));
  files.set('/root.json', files.get('/1.root.json')!);

  let version = 0;
  const publish = (contents: Record<string, string | Buffer>) => {
    version++;
    for (const name of [...files.keys()]) if (name.startsWith('/targets/')) files.delete(name);
    const targetFiles: Record<string, TargetFile> = {};
    for (const [name, content] of Object.entries(contents)) {
      const bytes = Buffer.from(content);
      files.set(`/targets/${name}`, bytes);
      targetFiles[name] = new TargetFile({
        path: name,
        length: bytes.length,
        hashes: { sha256: createHash('sha256').update(bytes).digest('hex') },
      });
    }
    const targetsJSON = serialize(
      new Metadata(new Targets({ version, specVersion: SPEC_VERSION, expires, targets: targetFiles })),
      privateKey,
      keyID,
    );
    const snapshotJSON = serialize(
      new Metadata(
        new Snapshot({
          version,
          specVersion: SPEC_VERSION,
          expires,
          meta: { 'targets.json': new MetaFile({ version }) },
        }),
      ),
      privateKey,
      keyID,
    );
    const timestampJSON = serialize(
      new Metadata(
        new Timestamp({
          version,
          specVersion: SPEC_VERSION,
          expires,
          snapshotMeta: new MetaFile({ version }),
        }),
      ),
      privateKey,
      keyID,
    );
    files.set('/targets.json', targetsJSON);
    files.set('/snapshot.json', snapshotJSON);
    files.set('/timestamp.json', timestampJSON);
  };
  publish(targets);

  const requests: string[] = [];
  let failure: number | undefined;
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(url);
    if (failure !== undefined) {
      res.writeHead(failure).end();
      return;
    }
    const body = files.get(url);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mock-tuf-'));
  const rootPath = path.join(dir, 'root.json');
  await writeFile(rootPath, files.get('/1.root.json')!);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rootPath,
    requests,
    publish,
    failWith: (status) => {
      failure = status;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serialize(
  metadata: Metadata<Root | Targets | Snapshot | Timestamp>,
  privateKey: KeyObject,
  keyID: string,
): Buffer {
  metadata.sign((data) => new Signature({ keyID, sig: sign(null, data, privateKey).toString('hex') }));
  return Buffer.from(JSON.stringify(metadata.toJSON()));
}
