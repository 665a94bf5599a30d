import {
  ImageRecordError,
  assertRecordDigest,
  formatImageRecord,
  parseImageRecord,
  type ImageRecord,
} from '@deliverkit/image-record';
import { InputError } from './errors';
import { readRaw } from './inputs';

/**
 * Reads an image-record input (the `image-record` output of an earlier deliverkit step), validated against
 * schemas/image-record.schema.json. A wrong record fails naming the input and the field; with `digest`, a record
 * about another image fails too.
 */
export function getImageRecord(
  name = 'image-record',
  options: { digest?: string } = {},
): ImageRecord | undefined {
  const raw = readRaw(name);
  if (raw === undefined) return undefined;
  let record: ImageRecord;
  try {
    record = parseImageRecord(raw);
  } catch (e) {
    if (e instanceof ImageRecordError)
      throw new InputError(name, `Input "${name}": ${e.message}`, 'INPUT_INVALID', { cause: e });
    throw e;
  }
  if (options.digest !== undefined) assertImageRecordDigest(record, options.digest, name);
  return record;
}

/**
 * The record as an output value: validated against the schema (a writer's mistake fails its own step, not the
 * next job) and fitted under GitHub's job-output limit (what was left out is named in `omitted`).
 */
export function imageRecordOutput(record: ImageRecord): ImageRecord {
  return JSON.parse(formatImageRecord(record)) as ImageRecord;
}

/** Refuses an image-record input about another image than the one the step resolved (naming the input). */
export function assertImageRecordDigest(
  record: ImageRecord | undefined,
  digest: string,
  name = 'image-record',
): void {
  if (!record) return;
  try {
    assertRecordDigest(record, digest);
  } catch (e) {
    if (e instanceof ImageRecordError)
      throw new InputError(name, `Input "${name}": ${e.message}`, 'INPUT_INVALID', { cause: e });
    throw e;
  }
}
