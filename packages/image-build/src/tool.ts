import {
  type ExecOptions,
  type ExecResult,
  type Logger,
  exec as defaultExec,
  getErrorMessage,
  silentLogger,
} from '@deliverkit/action-kit';
import { BuildError } from './errors';

export type ExecFn = (cmd: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

export interface ToolOptions {
  /** The process seam (default: action-kit's exec). */
  exec?: ExecFn;
  logger?: Logger;
}

/**
 * A CLI wrapper in docker/actions-toolkit style: the command to run, whether it works here, and its
 * version (asked once).
 */
export abstract class CliTool {
  protected readonly execFn: ExecFn;
  protected readonly logger: Logger;
  private versionOnce: Promise<string> | undefined;

  constructor(options: ToolOptions = {}) {
    this.execFn = options.exec ?? defaultExec;
    this.logger = options.logger ?? silentLogger;
  }

  protected abstract get name(): string;

  /** The executable and full argument list for a subcommand. */
  abstract getCommand(args: readonly string[]): { command: string; args: string[] };

  /** Arguments that print the version. */
  protected abstract versionArgs(): string[];

  /** Extracts the version from the version command's output. */
  abstract parseVersion(stdout: string): string;

  /**
   * Runs a subcommand through the exec seam (argument array, never a shell string). A failure leaves the package as
   * BuildError COMMAND_FAILED with the same message, the CommandInvocationError (command, exit code, stderr) its cause.
   */
  async run(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const cmd = this.getCommand(args);
    try {
      return await this.execFn(cmd.command, cmd.args, { logger: this.logger, ...options });
    } catch (error) {
      throw new BuildError('COMMAND_FAILED', getErrorMessage(error), { cause: error });
    }
  }

  async isAvailable(): Promise<boolean> {
    const cmd = this.getCommand(this.versionArgs());
    try {
      const res = await this.execFn(cmd.command, cmd.args, { ignoreReturnCode: true, logger: this.logger });
      const ok = res.exitCode === 0;
      this.logger.debug(
        `${this.name}.isAvailable: ${ok}${ok ? '' : ` (${res.stderr.trim().split('\n').pop() ?? ''})`}`,
      );
      return ok;
    } catch (e) {
      this.logger.debug(`${this.name}.isAvailable: false (${(e as Error).message})`);
      return false;
    }
  }

  /** The tool's version, asked once per instance. */
  version(): Promise<string> {
    this.versionOnce ??= (async () => {
      const res = await this.run(this.versionArgs());
      return this.parseVersion(res.stdout.trim());
    })();
    return this.versionOnce;
  }
}
