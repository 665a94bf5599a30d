import { withInputError } from '@deliverkit/action-kit';
import {
  type ImageReference,
  type ParseReferenceOptions,
  parseReference as parseCoreReference,
} from '@deliverkit/oci-core';

/**
 * @deliverkit/oci-core's reference parser as the toolkit's steps use it: a bad reference fails as the InputError
 * naming `options.input` (the core parser knows no action inputs, only the name its caller gives).
 */
export function parseReference(value: string, options: ParseReferenceOptions = {}): ImageReference {
  return withInputError(() => parseCoreReference(value, options));
}
