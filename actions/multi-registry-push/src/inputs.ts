import * as core from '@actions/core';
import {
  getBoolean,
  getImageRecord,
  getInteger,
  getRequiredString,
  getString,
  getStructured,
  type Limits,
  parseByteSize,
  parseLimits,
  parseWith,
} from '@deliverkit/action-kit';
import type { ImageRecord } from '@deliverkit/image-record';
import { type ImageReference } from '@deliverkit/oci-core';
import {
  type CopyDestination,
  parseDestinations,
  parseReference,
  parseRegistryAuths,
  type RegistryAuth,
} from '@deliverkit/oci';

/** Every input, read once; keys are the action.yml names. */
export interface Inputs {
  source: ImageReference;
  destinations: CopyDestination[];
  'registry-auths': RegistryAuth[];
  'include-referrers': boolean;
  concurrency: number;
  'chunk-size': number | undefined;
  limits: Partial<Limits>;
  'image-record': ImageRecord | undefined;
  'dry-run': boolean;
}

export function readInputs(): Inputs {
  const chunkSize = getString('chunk-size');
  return {
    source: parseWith('source', getRequiredString('source'), (v) => parseReference(v, { input: 'source' })),
    destinations: parseDestinations(getRequiredString('destinations'), 'destinations'),
    'registry-auths': parseRegistryAuths(
      getStructured<unknown>('registry-auths', { secret: true }),
      core.setSecret,
    ),
    'include-referrers': getBoolean('include-referrers', true),
    concurrency: getInteger('concurrency', { default: 4, min: 1, max: 32 }),
    'chunk-size':
      chunkSize === undefined ? undefined : parseByteSize('chunk-size', chunkSize, { min: 64 * 1024 }),
    limits: parseLimits('limits', getString('limits') ?? ''),
    'image-record': getImageRecord('image-record'),
    'dry-run': getBoolean('dry-run', false),
  };
}
