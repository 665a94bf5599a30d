import { constants, existsSync, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { baseImageLayout } from './paths';
import { type RunResult, runCommand } from './exec';

const REQUIRED_TOOLS = [
  'docker-registry',
  'buildah',
  'skopeo',
  'htpasswd',
  'openssl',
  'setpriv',
  'qemu-aarch64-static',
  'dockerd',
  'docker',
];

export interface EnsureTestbedOptions {
  /** Require dockerd to answer on /var/run/docker.sock (default true). */
  docker?: boolean;
  /** Require the qemu-aarch64 binfmt handler, i.e. arm64 RUN steps (default true). */
  qemu?: boolean;
}

let verified: Promise<void> | undefined;

/**
 * For `beforeAll` of integration suites: resolves when scripts/testbed.sh has done its work (tools installed,
 * binfmt for arm64 enabled, base image built, dockerd answering) and throws one error listing what is missing,
 * with the command that fixes it, otherwise. Checks once per process.
 */
export function ensureTestbed(options: EnsureTestbedOptions = {}): Promise<void> {
  if (options.docker === false || options.qemu === false) return check(options);
  verified ??= check(options);
  return verified;
}

async function check({ docker = true, qemu = true }: EnsureTestbedOptions): Promise<void> {
  const problems: string[] = [];
  for (const tool of REQUIRED_TOOLS) {
    if (!(await onPath(tool))) problems.push(`${tool} is not installed`);
  }
  if (qemu && !binfmtEnabled('qemu-aarch64')) problems.push('the qemu-aarch64 binfmt handler is not enabled');
  if (!existsSync(path.join(baseImageLayout, 'index.json')))
    problems.push('the busybox base image is not built');
  if (docker && !(await dockerAnswers())) problems.push('dockerd does not answer on /var/run/docker.sock');
  if (problems.length > 0) {
    throw new Error(
      `The test bed is not ready (${problems.join('; ')}). Run \`bash scripts/testbed.sh\` first.`,
    );
  }
}

/** Environment for buildah/skopeo children: the same settings scripts/testbed.env exports for shells. */
export function containersEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot', ...extra };
}

async function onPath(tool: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (!dir) continue;
    try {
      await access(path.join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

function binfmtEnabled(name: string): boolean {
  try {
    return readFileSync(`/proc/sys/fs/binfmt_misc/${name}`, 'utf8').split('\n')[0] === 'enabled';
  } catch {
    return false;
  }
}

function dockerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: '/var/run/docker.sock', path: '/_ping', timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * buildah on a private vfs store under `dir` (`dir/storage`, `dir/run`), with the test bed's environment:
 * keeps the host's store clean and goes away with `dir`. Returns a runner taking buildah's arguments.
 */
export function privateBuildah(dir: string, timeoutMs: number): (args: string[]) => Promise<RunResult> {
  return (args) =>
    runCommand(
      'buildah',
      [
        '--root',
        path.join(dir, 'storage'),
        '--runroot',
        path.join(dir, 'run'),
        '--storage-driver',
        'vfs',
        ...args,
      ],
      { env: containersEnv(), timeoutMs },
    );
}
