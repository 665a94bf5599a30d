import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** A test-bed command that exited non-zero (or could not start). The message ends with the last stderr line. */
export class TestbedCommandError extends Error {
  constructor(
    readonly cmd: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    const lastLine = stderr.trim().split('\n').pop() ?? '';
    super(`${cmd} ${args.join(' ')} exited with ${exitCode ?? 'a signal'}: ${lastLine}`, options);
    this.name = 'TestbedCommandError';
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, then stdin is closed. */
  input?: string | Buffer;
  timeoutMs?: number;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
}

/** Runs a command with an argument array (never a shell string) and collects its output. */
export function runCommand(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs).unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new TestbedCommandError(cmd, args, null, error.message, { cause: error }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString('utf8');
      if (code === 0) resolve({ stdout: Buffer.concat(stdout), stderr: err });
      else reject(new TestbedCommandError(cmd, args, code, err));
    });
    child.stdin.on('error', () => {
      // The child may exit before reading its input; its exit code tells the story.
    });
    child.stdin.end(options.input);
  });
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Remembers a long-running child (registry, server) so it is killed when this process exits, even if a suite
 * forgot its afterAll. Children are also spawned under `setpriv --pdeathsig` where possible (see registry.ts).
 */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
}

/**
 * Starts a long-running server (registry, buildkitd) with its output appended to `logFile`, under
 * `setpriv --pdeathsig KILL` so the kernel kills it if this process dies without its exit hooks (a SIGKILL from
 * a timeout); setpriv is part of util-linux, which every Debian has.
 */
export function spawnDaemon(command: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...command], {
      stdio: ['ignore', log, log],
    });
    trackChild(child);
    return child;
  } finally {
    closeSync(log);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function terminate(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
