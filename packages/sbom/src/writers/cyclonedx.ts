import { ComponentType, ExternalReferenceType, HashAlgorithm } from '@cyclonedx/cyclonedx-library/Enums';
import {
  Bom,
  Component,
  ExternalReference,
  LicenseExpression,
  NamedLicense,
  Property,
  SpdxLicense,
} from '@cyclonedx/cyclonedx-library/Models';
import { JSON as CdxJson, JsonSerializer } from '@cyclonedx/cyclonedx-library/Serialize';
import { isSupportedSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';
import { Spec1dot6 } from '@cyclonedx/cyclonedx-library/Spec';
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
import type { ImageCatalog, LicenseDeclaration, Package } from '../types';

function licensesFor(component: Component, declarations: LicenseDeclaration[]): void {
  if (declarations.length === 0) return;
  // CycloneDX allows either one expression or a list of licenses, never both: one expression when
  // everything maps to SPDX, otherwise one entry per declaration (ids where possible, names else).
  if (declarations.every((d) => d.spdx)) {
    const spdx = declarations.map((d) => d.spdx!);
    if (spdx.length === 1 && isSupportedSpdxId(spdx[0]!)) {
      component.licenses.add(new SpdxLicense(spdx[0]!));
    } else {
      const joined =
        spdx.length === 1 ? spdx[0]! : spdx.map((e) => (/\s/.test(e) ? `(${e})` : e)).join(' AND ');
      component.licenses.add(new LicenseExpression(joined));
    }
    return;
  }
  for (const d of declarations) {
    if (d.spdx && isSupportedSpdxId(d.spdx)) component.licenses.add(new SpdxLicense(d.spdx));
    else component.licenses.add(new NamedLicense(d.declared));
  }
}

function isUrl(value: string | undefined): value is string {
  if (!value || /\s/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function sriToHex(integrity: string): { alg: HashAlgorithm; hex: string } | undefined {
  const m = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/=]+)$/.exec(integrity.split(/\s+/)[0] ?? '');
  if (!m) return undefined;
  const alg = {
    sha512: HashAlgorithm['SHA-512'],
    sha384: HashAlgorithm['SHA-384'],
    sha256: HashAlgorithm['SHA-256'],
    sha1: HashAlgorithm['SHA-1'],
  }[m[1] as 'sha512'];
  return { alg, hex: Buffer.from(m[2]!, 'base64').toString('hex') };
}

function componentFor(pkg: Package): Component {
  const scoped =
    pkg.ecosystem === 'npm' && pkg.name.startsWith('@')
      ? pkg.name.split('/')
      : pkg.ecosystem === 'maven' && pkg.name.includes(':')
        ? pkg.name.split(':')
        : undefined;
  const application = pkg.properties['go:role'] === 'main' || pkg.properties['npm:application'] === 'true';
  const component = new Component(
    application ? ComponentType.Application : ComponentType.Library,
    scoped ? scoped.slice(1).join('/') : pkg.name,
    {
      bomRef: pkg.id,
      group: scoped ? scoped[0] : undefined,
      version: pkg.version,
      purl: pkg.purl,
      description: pkg.description,
      publisher: pkg.supplier,
    },
  );
  licensesFor(component, pkg.licenses);
  if (isUrl(pkg.homepage))
    component.externalReferences.add(new ExternalReference(pkg.homepage, ExternalReferenceType.Website));
  const integrity = pkg.properties['npm:integrity'];
  const hash = integrity ? sriToHex(integrity) : undefined;
  if (hash) component.hashes.set(hash.alg, hash.hex);
  component.properties.add(new Property('deliverkit:package:ecosystem', pkg.ecosystem));
  component.properties.add(new Property('deliverkit:location:layer-digest', pkg.location.layerDigest));
  component.properties.add(new Property('deliverkit:location:path', pkg.location.path));
  for (const [name, value] of Object.entries(pkg.properties).sort(([a], [b]) => (a < b ? -1 : 1))) {
    component.properties.add(new Property(`deliverkit:${name}`, value));
  }
  return component;
}

/**
 * CycloneDX 1.6 JSON for one platform of an image: the image is `metadata.component` (type
 * container, pkg:oci purl), the OS a component of type operating-system, every package a
 * component with its location as properties, and `dependencies` from what the ecosystems record.
 */
export function toCycloneDx(catalog: ImageCatalog, options: DocumentOptions = {}): string {
  const bom = new Bom({
    serialNumber: `urn:uuid:${deterministicUuid(`cyclonedx\0${documentSeed(catalog, options)}`)}`,
  });
  bom.metadata.timestamp = new Date(documentTime(catalog, options));
  bom.metadata.tools.components.add(
    new Component(ComponentType.Application, TOOL_NAME, { version: TOOL_VERSION, group: 'deliverkit' }),
  );
  const image = new Component(ComponentType.Container, catalog.subject.name, {
    bomRef: `image-${catalog.subject.digest}`,
    version: catalog.subject.digest,
    purl: imagePurl(catalog),
  });
  image.properties.add(new Property('deliverkit:image:platform', platformString(catalog.platform)));
  if (catalog.subject.indexDigest) {
    image.properties.add(new Property('deliverkit:image:index-digest', catalog.subject.indexDigest));
  }
  if (catalog.subject.tag) image.properties.add(new Property('deliverkit:image:tag', catalog.subject.tag));
  for (const u of catalog.uncatalogued) {
    image.properties.add(new Property('deliverkit:uncatalogued', `${u.ecosystem}: ${u.count} (${u.reason})`));
  }
  bom.metadata.component = image;

  const components = new Map<string, Component>();
  if (catalog.distro) {
    const os = new Component(ComponentType.OperatingSystem, catalog.distro.id, {
      bomRef: `os-${catalog.distro.id}`,
      version: catalog.distro.versionId ?? catalog.distro.versionCodename,
      description: catalog.distro.prettyName,
    });
    bom.components.add(os);
    image.dependencies.add(os.bomRef);
  }
  for (const pkg of catalog.packages) {
    const c = componentFor(pkg);
    components.set(pkg.id, c);
    bom.components.add(c);
  }
  const dependedOn = new Set(catalog.packages.flatMap((p) => p.dependsOn));
  for (const pkg of catalog.packages) {
    const c = components.get(pkg.id)!;
    for (const dep of pkg.dependsOn) {
      const target = components.get(dep);
      if (target) c.dependencies.add(target.bomRef);
    }
    if (!dependedOn.has(pkg.id)) image.dependencies.add(c.bomRef);
  }

  const serializer = new JsonSerializer(new CdxJson.Normalize.Factory(Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
