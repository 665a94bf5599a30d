import {
  ImageRecordError,
  assertRecordDigest,
  fitImageRecord,
  parseImageRecord,
  type ImageRecord,
} from '@deliverkit/image-record';
import { InputError } from './errors';
import { readRaw } from './inputs';

/** What is wrong with a record given as the input `name`, as the InputError that names it; anything else as is. */
function asInputError(name: string, e: unknown): unknown {
  return e instanceof ImageRecordError
    ? new InputError(name, `Input "${name}": ${e.message}`, 'INPUT_INVALID', { cause: e })
    : e;
}

/**
 * Reads an image-record input (the `image-record` output of an earlier deliverkit step), validated against
 * schemas/image-record.schema.json. A wrong record fails naming the input and the field.
 */
export function getImageRecord(name = 'image-record'): ImageRecord | undefined {
  const raw = readRaw(name);
  if (raw === undefined) return undefined;
  try {
    return parseImageRecord(raw);
  } catch (e) {
    throw asInputError(name, e);
  }
}

/**
 * The record as an output value: validated against the schema (a writer's mistake fails its own step, not the
 * next job) and fitted under GitHub's job-output limit (what was left out is named in `omitted`).
 */
export function imageRecordOutput(record: ImageRecord): ImageRecord {
  return fitImageRecord(record);
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
    throw asInputError(name, e);
  }
}
