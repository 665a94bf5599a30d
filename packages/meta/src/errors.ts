import { BaseError } from '@deliverkit/action-kit';

export type MetaErrorCode =
  /** A `{{…}}` template that cannot be rendered: an unknown helper attribute or time zone. */
  | 'TEMPLATE_INVALID'
  /** A `match` pattern without the capture group the tag is taken from. */
  | 'PATTERN_INVALID'
  /** Date formatting was asked for before computeMetadata loaded it (a bug in this package). */
  | 'DATE_FORMATTING_UNLOADED';

/**
 * Why one entry of the configuration could not be evaluated. computeMetadata wraps it in the InputError that
 * names the caller's input and the entry, with this as its cause.
 */
export class MetaError extends BaseError<MetaErrorCode> {}
