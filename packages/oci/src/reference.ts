import { withInputError } from '@deliverkit/action-kit';
import {
  type ImageReference,
  type ParseReferenceOptions,
  parseReference as parseCoreReference,
} from '@deliverkit/oci-core';

/** oci-core's reference parser, a bad reference failing as the InputError naming `options.input`. */
export function parseReference(value: string, options: ParseReferenceOptions = {}): ImageReference {
  return withInputError(() => parseCoreReference(value, options));
}
