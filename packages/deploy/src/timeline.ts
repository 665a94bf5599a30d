import { type Logger, getErrorMessage } from '@deliverkit/action-kit';
import type { ProbeResult } from './probes';
import type { TimelineStep } from './types';

/** The run's timeline and probe results: every step, ok, failed or skipped, with its timing and detail. */
export class Recorder {
  timeline: TimelineStep[] = [];
  probes: ProbeResult[] = [];
  constructor(private readonly logger: Logger) {}

  async step<T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T> {
    const started = Date.now();
    this.logger.debug(`BlueGreen.step: ${name}`);
    try {
      const v = await fn();
      this.timeline.push({
        step: name,
        status: 'ok',
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        detail: detail?.(v),
      });
      return v;
    } catch (e) {
      this.timeline.push({
        step: name,
        status: 'failed',
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        detail: getErrorMessage(e),
      });
      throw e;
    }
  }

  skip(name: string, detail: string): void {
    this.timeline.push({
      step: name,
      status: 'skipped',
      startedAt: new Date().toISOString(),
      durationMs: 0,
      detail,
    });
  }
}
