// A Go toolchain image for the build platform, made from this host's Debian golang-go: no registry
// outside can be reached here, so there is no golang image to pull. The demo and the build benchmark
// build examples/hello/app with it the way the seed describes — compiled on BUILDPLATFORM for each
// TARGETPLATFORM. Used by scripts and benchmarks only; the actions never make images like this.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GoToolchainOptions {
  /** Where to push, e.g. `127.0.0.1:5055/library/golang`; the tag is `<go version>-local`. */
  repository: string;
  /** The busybox base for the build platform, by digest (`host/library/busybox@sha256:…`). */
  base: string;
  /** buildah registry flags (`--tls-verify=false`, `--cert-dir …`, `--authfile …`). */
  registryFlags: string[];
  /** True when `repository:<tag>` already exists (skips the ~25 s build). */
  exists: (tag: string) => Promise<boolean>;
  env: NodeJS.ProcessEnv;
}

/** The host's Go: GOROOT and version, or a message that says how to get it. */
async function hostGo(): Promise<{ goroot: string; version: string }> {
  try {
    const { stdout } = await run('go', ['env', 'GOROOT', 'GOVERSION']);
    const [goroot, version] = stdout.trim().split('\n');
    if (!goroot || !version) throw new Error(`unexpected \`go env\` output: ${stdout}`);
    return { goroot, version };
  } catch (error) {
    throw new Error(
      `The Go toolchain image needs Go on this host (apt-get install -y golang-go): ${(error as Error).message}`,
    );
  }
}

/** Builds and pushes the image unless it exists; returns `repository:<tag>`. */
export async function ensureGoToolchainImage(options: GoToolchainOptions): Promise<string> {
  const { goroot, version } = await hostGo();
  const tag = `${version.replace(/^go/, '')}-local`;
  const ref = `${options.repository}:${tag}`;
  if (await options.exists(tag)) return ref;
  const work = await mkdtemp(path.join(os.tmpdir(), 'go-toolchain-'));
  try {
    const stage = path.join(work, 'rootfs');
    const target = path.join(stage, goroot);
    await mkdir(target, { recursive: true });
    // Debian's GOROOT links src/ and api/ into /usr/share: copy with the links resolved.
    for (const entry of ['bin', 'pkg', 'src', 'VERSION'])
      await run('cp', ['-rL', path.join(goroot, entry), target]);
    // The go command and its tools are linked against the host's libc: take what ldd names.
    const { stdout: ldd } = await run('ldd', [path.join(goroot, 'bin', 'go')]).catch(() => ({ stdout: '' }));
    for (const lib of ldd.matchAll(/(\/\S+)\s+\(0x/g)) {
      const file = lib[1] as string;
      await mkdir(path.join(stage, path.dirname(file)), { recursive: true });
      await run('cp', ['-L', file, path.join(stage, file)]);
    }
    const store = ['--root', path.join(work, 'store'), '--runroot', path.join(work, 'run')];
    const buildah = async (...args: string[]) =>
      (await run('buildah', [...store, ...args], { env: options.env, maxBuffer: 64 << 20 })).stdout.trim();
    const ctr = (await buildah('from', '--quiet', ...options.registryFlags, options.base))
      .split('\n')
      .at(-1) as string;
    await buildah('copy', '--quiet', ctr, `${stage}/`, '/');
    await buildah(
      'config',
      '--env',
      `PATH=${goroot}/bin:/bin:/usr/bin`,
      '--env',
      `GOROOT=${goroot}`,
      '--env',
      'HOME=/root',
      ctr,
    );
    await buildah('commit', '--quiet', ctr, 'go-toolchain');
    await buildah('push', '--quiet', ...options.registryFlags, 'go-toolchain', `docker://${ref}`);
    await buildah('rm', '--all').catch(() => '');
    return ref;
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** overlay when this kernel mounts it here (buildah's default on GitHub's runners), else vfs. */
export async function storageDriver(): Promise<'overlay' | 'vfs'> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'overlay-probe-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) await mkdir(path.join(dir, d));
    const o = `lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work`;
    await run('mount', ['-t', 'overlay', 'overlay', '-o', o, `${dir}/merged`]);
    await run('umount', [`${dir}/merged`]);
    return 'overlay';
  } catch {
    return 'vfs';
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
