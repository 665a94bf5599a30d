import * as core from '@actions/core';

/**
 * The logging seam. Libraries receive a Logger and log only at debug (`Class.method: …`); actions
 * own info, warnings, groups and the job summary.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Runs `fn` inside a collapsible group and returns its result. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Logs through @actions/core: `::debug::`, `::warning::`, `::group::` on GitHub runners. */
export class ActionsLogger implements Logger {
  debug(message: string): void {
    core.debug(message);
  }
  info(message: string): void {
    core.info(message);
  }
  warning(message: string): void {
    core.warning(message);
  }
  error(message: string): void {
    core.error(message);
  }
  group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return core.group(title, fn);
  }
}

/** Plain console logging for the local pipeline and scripts; debug only when asked. */
export class ConsoleLogger implements Logger {
  constructor(private readonly options: { debug?: boolean; write?: (line: string) => void } = {}) {}

  private write(line: string): void {
    (this.options.write ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }
  debug(message: string): void {
    if (this.options.debug) this.write(`[debug] ${message}`);
  }
  info(message: string): void {
    this.write(message);
  }
  warning(message: string): void {
    this.write(`[warning] ${message}`);
  }
  error(message: string): void {
    this.write(`[error] ${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.write(`▶ ${title}`);
    const started = Date.now();
    try {
      return await fn();
    } finally {
      this.write(`◀ ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    }
  }
}

/** Discards everything; the default for library callers that pass no logger. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warning() {},
  error() {},
  group: (_title, fn) => fn(),
};
