export { SbomError, type SbomErrorCode } from './errors';
export {
  type ImageSboms,
  type ImageSbomsRequest,
  sbomArtifactName,
  type SbomInputNames,
  sbomsForImage,
} from './image-sboms';
export type { CatalogSummary } from './render';
// Apart from the writers: the action checks its inputs with these without loading cyclonedx-library (#17).
export { SBOM_FORMATS, PREDICATE_TYPES, type SbomFormat } from './formats';
