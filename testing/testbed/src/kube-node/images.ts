import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../exec';
import { testbedDir } from '../paths';

/** How the app in a test image behaves: serves (ok), exits at start (crash), or fails /smoke (smoke-fail). */
export type TestAppBehaviour = 'ok' | 'crash' | 'smoke-fail';

export interface TestImage {
  /** `deliverkit.test/web` (or `deliverkit.test/pause`). */
  repository: string;
  tag: string;
  /** The manifest digest: what `repository@digest` pulls from the node's containerd. */
  digest: string;
  version: string;
  behaviour: TestAppBehaviour;
  /** An OCI archive (`ctr images import`) holding this image under `repository:tag`. */
  archive: string;
}

export const TEST_IMAGE_REPOSITORY = 'deliverkit.test/web';
export const PAUSE_IMAGE = 'deliverkit.test/pause:1';

const source = fileURLToPath(new URL('./testapp.go', import.meta.url));
const imagesDir = path.join(testbedDir, 'kube', 'images');

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function goBinary(): string {
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

let built: Promise<string> | undefined;

/** Compiles testapp.go once (static, a few seconds) into .testbed/kube/images/testapp. */
function buildTestApp(): Promise<string> {
  built ??= (async () => {
    await mkdir(imagesDir, { recursive: true });
    const out = path.join(imagesDir, 'testapp');
    const stamp = `${out}.sha256`;
    const want = sha256(await readFile(source));
    if (existsSync(out) && (await readFile(stamp, 'utf8').catch(() => '')) === want) return out;
    const tmp = `${out}.${process.pid}`;
    // prettier-ignore
    await runCommand(goBinary(), ['build', '-trimpath', '-ldflags=-s -w', '-o', tmp, source], {
      env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '' },
      cwd: path.dirname(source),
      timeoutMs: 300_000,
    });
    await rename(tmp, out);
    await writeFile(stamp, want);
    return out;
  })();
  return built;
}

/**
 * Builds a one-layer linux/amd64 image holding the test app (as /web and /pause) plus its /version and
 * /behaviour files, as an OCI archive for `ctr images import`. The layer is reproducible (fixed mtimes and
 * owners), so one version and behaviour always give one digest.
 */
export async function buildTestImage(
  version: string,
  behaviour: TestAppBehaviour = 'ok',
  repository = TEST_IMAGE_REPOSITORY,
): Promise<TestImage> {
  const app = await buildTestApp();
  const tag = repository === TEST_IMAGE_REPOSITORY ? `${version}-${behaviour}` : version;
  const archive = path.join(imagesDir, `${repository.replace(/[^a-z0-9]+/g, '_')}-${tag}.tar`);
  const work = await mkdtemp(path.join(imagesDir, 'build-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    await mkdir(rootfs);
    await writeFile(path.join(rootfs, 'web'), await readFile(app), { mode: 0o755 });
    await writeFile(path.join(rootfs, 'pause'), await readFile(app), { mode: 0o755 });
    await writeFile(path.join(rootfs, 'version'), `${version}\n`);
    await writeFile(path.join(rootfs, 'behaviour'), `${behaviour}\n`);
    const layerTar = path.join(work, 'layer.tar');
    // prettier-ignore
    await runCommand('tar', [
      '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--format=gnu',
      '-C', rootfs, '-cf', layerTar, '.',
    ]);
    const layer = await readFile(layerTar);
    const layout = path.join(work, 'oci');
    await mkdir(path.join(layout, 'blobs', 'sha256'), { recursive: true });
    const put = async (content: Buffer | string) => {
      const hex = sha256(content);
      await writeFile(path.join(layout, 'blobs', 'sha256', hex), content);
      return { digest: `sha256:${hex}`, size: Buffer.byteLength(content) };
    };
    const layerDesc = await put(layer);
    const entrypoint = repository === TEST_IMAGE_REPOSITORY ? ['/web'] : ['/pause'];
    const config = await put(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: '1970-01-01T00:00:00Z',
        config: { Entrypoint: entrypoint, ExposedPorts: { '8080/tcp': {} }, User: '65532:65532' },
        rootfs: { type: 'layers', diff_ids: [layerDesc.digest] },
      }),
    );
    const manifest = await put(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layerDesc }],
      }),
    );
    await writeFile(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(
      path.join(layout, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            ...manifest,
            annotations: {
              'io.containerd.image.name': `${repository}:${tag}`,
              'org.opencontainers.image.ref.name': tag,
            },
          },
        ],
      }),
    );
    const tmp = `${archive}.${process.pid}`;
    await runCommand('tar', [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '-C',
      layout,
      '-cf',
      tmp,
      '.',
    ]);
    await rename(tmp, archive);
    return { repository, tag, digest: manifest.digest, version, behaviour, archive };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
