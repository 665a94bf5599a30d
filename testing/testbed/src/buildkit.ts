import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerStopper } from './cleanup';
import { runCommand, spawnDaemon, terminate } from './exec';
import { testbedDir } from './paths';
import { toolPath } from './tools';

const READY_TIMEOUT_MS = 30_000;

export interface StartBuildkitdOptions {
  /**
   * Registry hosts (`127.0.0.1:PORT`) BuildKit reaches over plain HTTP: base image pulls, cache
   * import/export and pushes. buildkitd reads this from its config file only.
   */
  httpRegistries?: string[];
}

export interface BuildkitdHandle {
  /** `unix:///…/buildkitd.sock`, for `buildctl --addr` and `buildx create --driver remote`. */
  address: string;
  /** The daemon's state (under .testbed/buildkit); removed by stop(). */
  root: string;
  configFile: string;
  logFile: string;
  /**
   * Drops every record of the local build cache (`buildctl prune --all`): the next build is what a fresh
   * runner sees, so cache hits can only come from a registry cache.
   */
  prune(): Promise<void>;
  stop(): Promise<void>;
}

/** The buildkitd.toml for an OCI (runc) worker on the host network, with plain-HTTP registries. */
export function buildkitdConfig(httpRegistries: readonly string[]): string {
  const lines = ['[worker.oci]', '  enabled = true', '[worker.containerd]', '  enabled = false'];
  for (const host of httpRegistries) lines.push(`[registry."${host}"]`, '  http = true');
  return `${lines.join('\n')}\n`;
}

/**
 * Starts a real buildkitd (tool belt, OCI worker with Debian's runc, host networking) on a private unix
 * socket, with its root under .testbed/buildkit, and waits until `buildctl debug workers` lists its
 * worker. Arm64 RUN steps run through the host's qemu binfmt handler (F flag), which BuildKit uses as is.
 */
export async function startBuildkitd(options: StartBuildkitdOptions = {}): Promise<BuildkitdHandle> {
  const buildkitd = toolPath('buildkitd');
  const buildctl = toolPath('buildctl');
  await mkdir(path.join(testbedDir, 'buildkit'), { recursive: true });
  const root = await mkdtemp(path.join(testbedDir, 'buildkit', 'root-'));
  // A unix socket path must stay under 108 bytes: keep it in the short temp dir.
  const sockDir = await mkdtemp(path.join(os.tmpdir(), 'bk-'));
  const address = `unix://${path.join(sockDir, 'buildkitd.sock')}`;
  const configFile = path.join(root, 'buildkitd.toml');
  const logFile = path.join(root, 'buildkitd.log');
  await writeFile(configFile, buildkitdConfig(options.httpRegistries ?? []));
  const command = [
    buildkitd,
    '--config',
    configFile,
    '--root',
    path.join(root, 'state'),
    '--addr',
    address,
    '--oci-worker-net=host',
    '--oci-worker-binary',
    'runc',
  ];
  const child = spawnDaemon(command, logFile);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      forget();
      await terminate(child, 10_000);
      if (!process.env.DELIVERKIT_TESTBED_KEEP) {
        await rm(root, { recursive: true, force: true });
        await rm(sockDir, { recursive: true, force: true });
      }
    })();
    return stopped;
  };
  const forget = registerStopper(stop);

  const outcome = await waitUntilReady(child, buildctl, address);
  if (outcome !== 'ready') {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(
      `buildkitd did not start: ${outcome}\n${command.join(' ')}\n${log.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  return {
    address,
    root,
    configFile,
    logFile,
    stop,
    prune: async () => {
      await runCommand(buildctl, ['--addr', address, 'prune', '--all'], { timeoutMs: 120_000 });
    },
  };
}

export interface RemoteBuilder {
  /** The builder's name (`buildx --builder NAME`); it is also the current builder of `env`. */
  name: string;
  /**
   * `BUILDX_CONFIG` and `DOCKER_CONFIG` of a private temp dir: `docker buildx` (the CLI plugin is linked
   * into DOCKER_CONFIG/cli-plugins, as docker/setup-buildx-action installs it) and standalone `buildx`
   * both find this builder as the current one. No Docker daemon is needed.
   */
  env: { BUILDX_CONFIG: string; DOCKER_CONFIG: string };
  dir: string;
  remove(): Promise<void>;
}

/**
 * `buildx create --driver remote --use` pointed at a running buildkitd, in a private buildx/docker config;
 * bootstraps it (`buildx inspect --bootstrap`) so the first build does not pay for the connection check.
 */
export async function createRemoteBuilder(buildkitd: { address: string }): Promise<RemoteBuilder> {
  const buildx = toolPath('buildx');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'buildx-'));
  const env = { BUILDX_CONFIG: path.join(dir, 'buildx'), DOCKER_CONFIG: path.join(dir, 'docker') };
  await mkdir(path.join(env.DOCKER_CONFIG, 'cli-plugins'), { recursive: true });
  await symlink(buildx, path.join(env.DOCKER_CONFIG, 'cli-plugins', 'docker-buildx'));
  const name = `deliverkit-${randomBytes(4).toString('hex')}`;
  const childEnv = { ...process.env, ...env };
  await runCommand(buildx, ['create', '--driver', 'remote', '--name', name, '--use', buildkitd.address], {
    env: childEnv,
    timeoutMs: 60_000,
  });
  await runCommand(buildx, ['inspect', '--bootstrap', name], { env: childEnv, timeoutMs: 60_000 });
  let removed: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    removed ??= (async () => {
      forget();
      await rm(dir, { recursive: true, force: true });
    })();
    return removed;
  };
  const forget = registerStopper(remove);
  return { name, env, dir, remove };
}

/** Ready means this daemon's worker answers: `buildctl debug workers` lists a worker. */
async function waitUntilReady(child: ChildProcess, buildctl: string, address: string): Promise<string> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  child.once('error', (error) => {
    exited = `could not be spawned: ${error.message}`;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (exited) return exited;
    try {
      const { stdout } = await runCommand(buildctl, ['--addr', address, 'debug', 'workers'], {
        timeoutMs: 5_000,
      });
      const rows = stdout.toString().trim().split('\n').slice(1);
      if (rows.some((r) => r.trim()) && !exited) return 'ready';
      last = 'no worker listed';
    } catch (error) {
      last = (error as Error).message.split('\n')[0] ?? '';
    }
    await sleep(200);
  }
  return `buildctl debug workers did not list a worker within ${READY_TIMEOUT_MS} ms (${last})`;
}
