export {
  IMAGE_RECORD_MAX_BYTES,
  IMAGE_RECORD_SCHEMA_VERSION,
  ImageRecordError,
  assertRecordDigest,
  checkImageRecord,
  fieldName,
  fitImageRecord,
  formatImageRecord,
  parseImageRecord,
} from './record.js';
export type {
  DestinationRecord,
  ImageRecord,
  ImageRecordErrorCode,
  PlatformKey,
  PlatformRecord,
  RepositoryName,
  SbomFormat,
  SignatureIdentity,
  SignedManifestRecord,
} from './record.js';
