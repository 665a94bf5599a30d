import type { Logger } from '@deliverkit/action-kit';

// A Logger for tests: lines go to `write` (default stderr), groups are marked ▶/◀. No action logs this way, so it
// lives with the tests.

/** Plain console logging; debug only when asked. */
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
