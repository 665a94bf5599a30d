import * as core from '@actions/core';

export type OutputValue = string | number | boolean | null | undefined | object;

/**
 * Sets every key as a plain output (objects as JSON, undefined skipped) and, with `json`, one more
 * output holding the whole record as JSON — what downstream jobs parse with fromJSON().
 */
export function setOutputs(record: Record<string, OutputValue>, options: { json?: string } = {}): void {
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    core.setOutput(key, formatOutput(value));
  }
  if (options.json) core.setOutput(options.json, JSON.stringify(record));
}

export function formatOutput(value: OutputValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
