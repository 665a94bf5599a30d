export {
  IMAGE_RECORD_SCHEMA_VERSION,
  ImageRecordError,
  assertRecordDigest,
  fitImageRecord,
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
