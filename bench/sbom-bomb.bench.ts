/**
 * Decompression bomb (#19): the bundled sbom action against one 1 GB gzip layer that unpacks to 20 GB (a single
 * file body of repeating 20 MiB units: 1 MiB of random bytes, 19 MiB of zeros, so about 20:1), served by a small
 * registry on loopback that streams the blob without holding it. Prints the action's peak RSS (GNU time), how
 * long it took to stop, and the error it stopped with — which must be the layer-compression-ratio limit.
 *
 *   npx tsx bench/sbom-bomb.bench.ts          # default limits: stops at the ratio once 1 GiB has unpacked
 *   npx tsx bench/sbom-bomb.bench.ts --full   # ratio raised to 100: reads all 20 GB (about a minute), to show
 *                                             # the memory of streaming the whole layer
 *
 * Targets: peak RSS < 300 MB; the default run stops with LIMIT_EXCEEDED layer-compression-ratio.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '@deliverkit/testing-testbed';

const UNIT = 20 * 1024 * 1024;
const UNITS = 1000; // 20 GB unpacked

/** A ustar header whose size field is GNU base-256 (the body is over the 8 GiB octal limit). */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h[124] = 0x80;
  let v = size;
  for (let i = 135; i > 124; i--) {
    h[i] = v % 256;
    v = Math.floor(v / 256);
  }
  h.write('00000000000\0', 136);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

async function main(): Promise<void> {
  const full = process.argv.includes('--full');
  // gzip members concatenate into one stream: a header member, the same body member UNITS times, a trailer.
  const head = gzipSync(tarHeader('var/lib/bomb.bin', UNIT * UNITS));
  const unit = gzipSync(Buffer.concat([randomBytes(1024 * 1024), Buffer.alloc(UNIT - 1024 * 1024)]), {
    level: 1,
  });
  const tail = gzipSync(Buffer.alloc(1024));
  const size = head.length + unit.length * UNITS + tail.length;
  const hash = createHash('sha256').update(head);
  for (let i = 0; i < UNITS; i++) hash.update(unit);
  const layerDigest = `sha256:${hash.update(tail).digest('hex')}`;
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' } }),
  );
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size }],
    }),
  );
  const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  console.log(
    `layer: ${(size / 1e9).toFixed(2)} GB gzip → ${((UNIT * UNITS) / 1e9).toFixed(1)} GB tar ` +
      `(ratio ${((UNIT * UNITS) / size).toFixed(1)}), ${layerDigest.slice(0, 19)}…`,
  );

  let served = 0;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/v2/') return res.writeHead(200).end('{}');
    if (url.endsWith('/manifests/v1') || url.endsWith(`/manifests/${manifestDigest}`)) {
      return res
        .writeHead(200, {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
          'content-length': manifest.length,
        })
        .end(manifest);
    }
    if (url.endsWith(configDigest))
      return res.writeHead(200, { 'content-length': config.length }).end(config);
    if (!url.endsWith(layerDigest)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    let i = -1;
    const pump = () => {
      while (!res.destroyed) {
        const chunk = i === -1 ? head : i < UNITS ? unit : i === UNITS ? tail : undefined;
        if (!chunk) return res.end();
        i++;
        served += chunk.length;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const work = await mkdtemp(path.join(os.tmpdir(), 'sbom-bomb-'));
  try {
    // The runner creates these before a step runs.
    await writeFile(path.join(work, 'output'), '');
    await writeFile(path.join(work, 'summary'), '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: work,
      RUNNER_TEMP: work,
      GITHUB_OUTPUT: path.join(work, 'output'),
      GITHUB_STEP_SUMMARY: path.join(work, 'summary'),
      INPUT_IMAGE: `${host}/bomb/app:v1`,
      'INPUT_OUTPUT-DIR': path.join(work, 'out'),
      'INPUT_UPLOAD-ARTIFACT': 'false',
      'INPUT_REGISTRY-AUTHS': JSON.stringify([{ registry: host, insecure: true }]),
      INPUT_LIMITS: full ? 'layer-compression-ratio=100' : '',
    };
    const started = Date.now();
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        '/usr/bin/time',
        ['-f', 'MAXRSS=%M', process.execPath, path.join(repoRoot, 'dist', 'sbom', 'index.js')],
        { env, cwd: work },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
    const ms = Date.now() - started;
    const rssMb = Number(/MAXRSS=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
    const error = run.stdout.split('\n').find((l) => l.startsWith('::error::'));
    const written = await readdir(path.join(work, 'out')).catch(() => []);
    console.log(
      `sbom action: exit ${run.code} after ${(ms / 1000).toFixed(1)} s, read ${(served / 1e6).toFixed(0)} MB of the blob`,
    );
    console.log(`peak RSS: ${rssMb.toFixed(0)} MB (target < 300 MB): ${rssMb < 300 ? 'met' : 'NOT met'}`);
    console.log(`stopped with: ${error ?? '(no error)'}`);
    console.log(`files written: ${written.length ? written.join(', ') : 'none'}`);
    if (!full) {
      const ok = run.code !== 0 && /layer-compression-ratio/.test(error ?? '') && written.length === 0;
      console.log(`stops at the ratio limit, nothing written: ${ok ? 'yes' : 'NO'}`);
      if (!ok || !(rssMb < 300)) process.exitCode = 1;
    }
  } finally {
    server.close();
    server.closeAllConnections();
    await rm(work, { recursive: true, force: true });
  }
}

void main();
