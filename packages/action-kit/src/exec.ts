import { spawn } from 'node:child_process';
import { CommandInvocationError } from './errors';
import { type Logger, silentLogger } from './logger';

export interface ExecOptions {
  /** Written to the child's stdin then closed: the only way secrets reach a CLI. */
  input?: string | Buffer;
  /** Extra environment; merged over process.env unless `replaceEnv` is set. */
  env?: Record<string, string | undefined>;
  replaceEnv?: boolean;
  cwd?: string;
  /** Stream stdout/stderr lines to the logger (inside a group when `group` is set). */
  stream?: boolean;
  group?: string;
  logger?: Logger;
  /** Do not throw on a non-zero exit; return the result instead. */
  ignoreReturnCode?: boolean;
  /** Kill the child after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Keep at most this much of each stream in memory; builds can print hundreds of megabytes. */
const MAX_CAPTURE = 8 * 1024 * 1024;

/**
 * The one seam for child processes: a tool path and an argument array, never a shell string.
 * Failures become CommandInvocationError with the last stderr line in the message.
 */
export async function exec(
  cmd: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const logger = options.logger ?? silentLogger;
  const runIt = () => spawnCaptured(cmd, args, options, logger);
  const result = options.group && options.stream ? await logger.group(options.group, runIt) : await runIt();
  if (result.exitCode !== 0 && !options.ignoreReturnCode) {
    throw new CommandInvocationError({ cmd, args, exitCode: result.exitCode, stderr: result.stderr });
  }
  return result;
}

function spawnCaptured(
  cmd: string,
  args: readonly string[],
  options: ExecOptions,
  logger: Logger,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const env = options.replaceEnv ? { ...options.env } : { ...process.env, ...options.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    logger.debug(`exec: ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, [...args], {
      cwd: options.cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: options.signal,
      timeout: options.timeoutMs,
    });
    const out = new Capture(options.stream ? (l) => logger.info(l) : undefined);
    const err = new Capture(options.stream ? (l) => logger.info(l) : undefined);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        new CommandInvocationError({
          cmd,
          args,
          exitCode: null,
          stderr: e.code === 'ENOENT' ? `${cmd}: command not found` : e.message,
          code: e.code === 'ENOENT' ? 'COMMAND_NOT_FOUND' : 'COMMAND_FAILED',
          cause: e,
        }),
      );
    });
    child.on('close', (code, signal) => {
      out.flush();
      err.flush();
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: out.text(),
        stderr: err.text() + (signal && code === null ? `\nkilled by ${signal}` : ''),
      });
    });
    // A child that exits without reading stdin must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

class Capture {
  private chunks: Buffer[] = [];
  private size = 0;
  private partial = '';

  constructor(private readonly onLine?: (line: string) => void) {}

  push(d: Buffer): void {
    if (this.size < MAX_CAPTURE) {
      this.chunks.push(d);
      this.size += d.length;
    } else {
      // Keep the tail: the last stderr line is what the error message needs.
      this.chunks.push(d);
      while (this.size > MAX_CAPTURE && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
      this.size += d.length;
    }
    if (this.onLine) {
      const text = this.partial + d.toString('utf8');
      const lines = text.split(/\r?\n/);
      this.partial = lines.pop() ?? '';
      for (const l of lines) this.onLine(l);
    }
  }
  flush(): void {
    if (this.onLine && this.partial) this.onLine(this.partial);
    this.partial = '';
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
