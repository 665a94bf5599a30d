export type {
  Distro,
  Ecosystem,
  ImageCatalog,
  ImageConfig,
  ImageSubject,
  LayerBlob,
  LayerSource,
  LayerStats,
  LicenseDeclaration,
  Location,
  Package,
  UncataloguedEcosystem,
} from './types';
export { SbomError, type SbomErrorCode } from './errors';
export { catalogImage, catalogedEcosystems, type CatalogOptions } from './catalog';
export { indexFilesystem, normalizeImagePath, type FileSelector, type ImageFilesystem } from './filesystem';
export { readTar, type TarEntry } from './tar';
export { decompressLayer, zstdSupported } from './decompress';
export { resolveImage, verifyingStream, type BlobStore, type ResolveOptions } from './image';
export { openOciLayout, ociLayoutStore } from './oci-layout';
export { openRegistryImage, registryStore, type RegistryImage } from './registry-image';
export { toSpdxExpression, declareLicenses } from './licenses';
export { parseGoBuildInfo, type GoBuildInfo } from './catalogers/golang';
export { readJavaArchive, mavenPurl, type JavaArtifact } from './catalogers/java';
export { parseRpmHeader, readRpmDatabase, rpmSqliteSupported, type RpmHeader } from './catalogers/rpm';
export { parseDebianCopyright } from './catalogers/dpkg';
export { parseOsRelease } from './catalogers/os-release';
export { parseApkInstalled } from './catalogers/apk';
export { renderSbom, summarizeCatalog, type CatalogSummary } from './render';
export {
  generateSboms,
  planSboms,
  sbomFilePath,
  type GenerateSbomsOptions,
  type PlatformSbom,
} from './generate';
// Apart from the writers: the action checks its inputs with these without loading cyclonedx-library (#17).
export { SBOM_FORMATS, PREDICATE_TYPES, FILE_EXTENSIONS, type SbomFormat } from './formats';
export { toCycloneDx } from './writers/cyclonedx';
export { toSpdx } from './writers/spdx';
export { imagePurl, deterministicUuid, TOOL_NAME, TOOL_VERSION, type DocumentOptions } from './identity';
export {
  syftScanArgs,
  syftEnvironment,
  syftReleaseAsset,
  type SyftScanRequest,
  type RegistryCredential,
} from './syft';
