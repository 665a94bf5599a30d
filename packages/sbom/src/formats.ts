/** The SBOM formats the action writes, and what each is called in attestations and file names. */
export type SbomFormat = 'spdx-json' | 'cyclonedx-json';
export const SBOM_FORMATS: readonly SbomFormat[] = ['spdx-json', 'cyclonedx-json'];

/** The in-toto predicate type cosign uses when attesting each format. */
export const PREDICATE_TYPES: Record<SbomFormat, string> = {
  'spdx-json': 'https://spdx.dev/Document',
  'cyclonedx-json': 'https://cyclonedx.org/bom',
};

export const FILE_EXTENSIONS: Record<SbomFormat, string> = {
  'spdx-json': 'spdx.json',
  'cyclonedx-json': 'cdx.json',
};
