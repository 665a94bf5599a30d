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

/** Discards everything; the default for library callers that pass no logger. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warning() {},
  error() {},
  group: (_title, fn) => fn(),
};
