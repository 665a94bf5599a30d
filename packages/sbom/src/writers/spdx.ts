import { createHash } from 'node:crypto';
import {
  type DocumentOptions,
  TOOL_NAME,
  TOOL_VERSION,
  deterministicUuid,
  documentSeed,
  documentTime,
  imagePurl,
  platformString,
} from '../identity';
import type { ImageCatalog, Package } from '../types';

const NOASSERTION = 'NOASSERTION';

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: { algorithm: string; checksumValue: string }[];
  homepage?: string;
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  summary?: string;
  description?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  primaryPackagePurpose?: string;
}

interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
}

const spdxId = (kind: string, id: string) => `SPDXRef-${kind}-${id.replace(/[^A-Za-z0-9.-]+/g, '-')}`;

/** SPDX text fields reject nothing, but the supplier must be `Person: …`/`Organization: …`. */
const supplierOf = (value: string | undefined) =>
  value ? `Person: ${value.replace(/\s+/g, ' ').trim()}` : undefined;

function isUrl(value: string | undefined): value is string {
  if (!value || /\s/.test(value)) return false;
  try {
    return ['http:', 'https:', 'ftp:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Builds the `LicenseRef-…` registry for declarations that have no SPDX mapping. */
class ExtractedLicenses {
  private readonly byText = new Map<string, string>();

  ref(declared: string): string {
    const existing = this.byText.get(declared);
    if (existing) return existing;
    const readable =
      declared
        .replace(/[^A-Za-z0-9.-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40) || 'unknown';
    const hash = createHash('sha256').update(declared).digest('hex').slice(0, 8);
    const id = `LicenseRef-${readable}-${hash}`;
    this.byText.set(declared, id);
    return id;
  }

  toJson() {
    return [...this.byText.entries()]
      .sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([declared, licenseId]) => ({
        licenseId,
        name: declared,
        extractedText: `The package declares the license "${declared}", which has no SPDX identifier.`,
      }));
  }
}

function licenseDeclared(pkg: Package, extracted: ExtractedLicenses): string {
  if (pkg.licenses.length === 0) return NOASSERTION;
  const parts = pkg.licenses.map((l) => l.spdx ?? extracted.ref(l.declared));
  if (parts.length === 1) return parts[0]!;
  return parts.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(' AND ');
}

function packageFor(pkg: Package, extracted: ExtractedLicenses): SpdxPackage {
  const application = pkg.properties['go:role'] === 'main' || pkg.properties['npm:application'] === 'true';
  const resolved = pkg.properties['npm:resolved'];
  const out: SpdxPackage = {
    SPDXID: spdxId('Package', pkg.id),
    name: pkg.name,
    versionInfo: pkg.version,
    supplier: supplierOf(pkg.supplier),
    downloadLocation: isUrl(resolved) ? resolved : NOASSERTION,
    filesAnalyzed: false,
    homepage: isUrl(pkg.homepage) ? pkg.homepage : undefined,
    sourceInfo: `found in layer ${pkg.location.layerDigest} at ${pkg.location.path}`,
    licenseConcluded: NOASSERTION,
    licenseDeclared: licenseDeclared(pkg, extracted),
    copyrightText: NOASSERTION,
    summary: pkg.description,
    externalRefs: [
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl },
    ],
    primaryPackagePurpose: application ? 'APPLICATION' : 'LIBRARY',
  };
  return out;
}

/**
 * SPDX 2.3 JSON for one platform of an image, written by hand (no maintained npm library writes
 * it): the document DESCRIBES the image package (purpose CONTAINER, pkg:oci purl, manifest
 * digest as checksum), which CONTAINS the OS and every package; DEPENDS_ON where known.
 */
export function toSpdx(catalog: ImageCatalog, options: DocumentOptions = {}): string {
  const extracted = new ExtractedLicenses();
  const imageId = spdxId('Image', catalog.subject.name);
  const [algorithm, hex] = catalog.subject.digest.split(':') as [string, string];
  const image: SpdxPackage = {
    SPDXID: imageId,
    name: catalog.subject.name,
    versionInfo: catalog.subject.digest,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    checksums: algorithm === 'sha256' ? [{ algorithm: 'SHA256', checksumValue: hex }] : undefined,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    description: `${catalog.subject.name}@${catalog.subject.digest} for ${platformString(catalog.platform)}`,
    externalRefs: [
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: imagePurl(catalog) },
    ],
    primaryPackagePurpose: 'CONTAINER',
  };
  const packages: SpdxPackage[] = [image];
  const relationships: SpdxRelationship[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
  ];
  if (catalog.distro) {
    const osId = spdxId('OperatingSystem', catalog.distro.id);
    packages.push({
      SPDXID: osId,
      name: catalog.distro.id,
      versionInfo: catalog.distro.versionId ?? catalog.distro.versionCodename,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      sourceInfo: `found in layer ${catalog.distro.location.layerDigest} at ${catalog.distro.location.path}`,
      licenseConcluded: NOASSERTION,
      licenseDeclared: NOASSERTION,
      copyrightText: NOASSERTION,
      description: catalog.distro.prettyName,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: osId });
  }
  const dependencies: SpdxRelationship[] = [];
  for (const pkg of catalog.packages) {
    const p = packageFor(pkg, extracted);
    packages.push(p);
    relationships.push({
      spdxElementId: imageId,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: p.SPDXID,
    });
    for (const dep of pkg.dependsOn) {
      dependencies.push({
        spdxElementId: p.SPDXID,
        relationshipType: 'DEPENDS_ON',
        relatedSpdxElement: spdxId('Package', dep),
      });
    }
  }
  const seed = documentSeed(catalog, options);
  const safeName = catalog.subject.name.replace(/[^A-Za-z0-9.-]+/g, '-');
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${catalog.subject.name}@${catalog.subject.digest} (${platformString(catalog.platform)})`,
    documentNamespace: `https://spdx.org/spdxdocs/${TOOL_NAME}/${safeName}-${deterministicUuid(`spdx\0${seed}`)}`,
    creationInfo: {
      created: documentTime(catalog, options),
      creators: [`Tool: ${TOOL_NAME}-${TOOL_VERSION}`],
    },
    packages,
    relationships: [...relationships, ...dependencies.sort(compareRelationships)],
    hasExtractedLicensingInfos: extracted.toJson(),
  };
  if (document.hasExtractedLicensingInfos.length === 0) {
    delete (document as { hasExtractedLicensingInfos?: unknown }).hasExtractedLicensingInfos;
  }
  return `${JSON.stringify(document, null, 2)}\n`;
}

function compareRelationships(a: SpdxRelationship, b: SpdxRelationship): number {
  const ka = `${a.spdxElementId}\0${a.relatedSpdxElement}`;
  const kb = `${b.spdxElementId}\0${b.relatedSpdxElement}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
